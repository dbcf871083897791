/** tickmind/navigation: nav meshes from every format, A*, the navigator's waypoints and stuck handling. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addAgent, createAiWorld, guideAgents, observeAgents, step } from '../../sdk/ecs/index.js';
import {
  FloorIndex,
  type NavArea,
  NavGraph,
  Navigator,
  NavMesh,
  navMeshFromAwpy,
  navMeshFromAwpyJson,
  navMeshFromBoxes,
  navMeshFromJSON,
  navMeshToJSON,
} from '../../sdk/navigation/index.js';
import { levelFromBoxes } from '../../sdk/physics/index.js';

const rect = (id: number, minX: number, maxX: number, minZ: number, maxZ: number, y = 0, place = ''): NavArea => ({
  id,
  place,
  minX,
  maxX,
  minZ,
  maxZ,
  yA: y,
  yB: y,
});

/** A U-shaped corridor of 2 m squares: 0-1-2 along x, 2-3-4 up z, 4-5-6 back along x; 0 and 6 are 4 m apart with no edge between. */
function corridor(): NavMesh {
  const areas = [
    rect(0, 0, 2, 0, 2),
    rect(1, 2, 4, 0, 2),
    rect(2, 4, 6, 0, 2),
    rect(3, 4, 6, 2, 4),
    rect(4, 4, 6, 4, 6),
    rect(5, 2, 4, 4, 6),
    rect(6, 0, 2, 4, 6),
  ];
  const edges: [number, number][] = [];
  for (const [a, b] of [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 4],
    [4, 5],
    [5, 6],
  ])
    edges.push([a!, b!], [b!, a!]);
  return new NavMesh({ areas, edges });
}

describe('NavMesh geometry', () => {
  it('rectangles: the floor plane through the two known corners, containment with slack, a point well inside', () => {
    const mesh = new NavMesh({ areas: [{ ...rect(1, 0, 4, 0, 2), yA: 1, yB: 3 }], edges: [] });
    expect(mesh.heightAt(0, 0, 2)).toBeCloseTo(1, 9); // (minX, maxZ)
    expect(mesh.heightAt(0, 4, 0)).toBeCloseTo(3, 9); // (maxX, minZ)
    expect(mesh.heightAt(0, 2, 1)).toBeCloseTo(2, 9);
    expect(mesh.contains(0, 4.05, 1, 0.1)).toBe(true);
    expect(mesh.contains(0, 4.2, 1, 0.1)).toBe(false);
    const p = new Float32Array(2);
    mesh.pointInside(0, 10, -5, p);
    expect([p[0], p[1]]).toEqual([3.5, 0.5]);
    expect(mesh.widthOf(0)).toBe(2);
  });

  it('convex polygons: any corner order, the least-squares plane of the corners, containment and an inset point', () => {
    // A sloped triangle given clockwise: heights rise 0.5 m per m along x.
    const tri: NavArea = {
      id: 7,
      place: 'ramp',
      minX: 0,
      maxX: 4,
      minZ: 0,
      maxZ: 4,
      yA: 0,
      yB: 2,
      polygon: [0, 0, 0, 4, 4, 0],
      heights: [0, 0, 2],
    };
    const mesh = new NavMesh({ areas: [tri], edges: [] });
    expect(mesh.isPolygon(0)).toBe(true);
    expect(mesh.heightAt(0, 2, 1)).toBeCloseTo(1, 9);
    expect(mesh.contains(0, 1, 1, 0)).toBe(true);
    expect(mesh.contains(0, 3, 3, 0)).toBe(false); // beyond the hypotenuse
    expect(mesh.contains(0, 2.1, 2.1, 0.2)).toBe(true); // within the slack of it
    const p = new Float32Array(2);
    mesh.pointInside(0, 10, 10, p);
    expect(mesh.contains(0, p[0]!, p[1]!, -0.3)).toBe(true); // well inside, not on the edge
    const floor = new FloorIndex(mesh);
    expect(floor.indexAt(1, 0.5, 1)).toBe(0);
    expect(floor.indexAt(1, 3, 1)).toBe(-1); // too far above the floor
  });

  it('refuses broken areas and edges, naming them', () => {
    expect(() => new NavMesh({ areas: [], edges: [] })).toThrow(/at least one area/);
    expect(() => new NavMesh({ areas: [rect(1, 2, 0, 0, 1)], edges: [] })).toThrow(/area 1: min must not exceed max/);
    expect(() => new NavMesh({ areas: [rect(1, 0, 1, 0, 1), rect(1, 1, 2, 0, 1)], edges: [] })).toThrow(/area id 1 appears twice/);
    expect(() => new NavMesh({ areas: [rect(1, 0, 1, 0, 1)], edges: [[1, 9]] })).toThrow(/edge 1 -> 9/);
    expect(() => new NavMesh({ areas: [{ ...rect(1, 0, 1, 0, 1), polygon: [0, 0, 1, 1], heights: [0, 0] }], edges: [] })).toThrow(
      /3 to 16 corners/,
    );
  });
});

describe('NavGraph', () => {
  it('A* follows the corridor, avoids a costly area, and says 0 when there is no way', () => {
    const mesh = corridor();
    const graph = new NavGraph(mesh);
    const out = new Int32Array(16);
    const n = graph.findPath(0, 6, out);
    expect([...out.subarray(0, n)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const oneWay = new NavGraph(new NavMesh({ areas: mesh.areas as NavArea[], edges: [[0, 1]] }));
    expect(oneWay.findPath(1, 0, out)).toBe(0);
    expect(graph.findPath(0, 6, new Int32Array(3))).toBe(0); // does not fit
  });
});

describe('formats', () => {
  it('Awpy 1.x: Source units to meters, z up to y up (z = -y)', () => {
    const header = 'mapName,areaId,areaName,northWestX,northWestY,northWestZ,southEastX,southEastY,southEastZ';
    const mesh = navMeshFromAwpy({ areasCsv: `${header}\nm,1,A,0,0,10,100,50,20\nm,2,,100,0,20,200,50,20\n`, edgesText: '1,2\n2,1\n' });
    const a = mesh.areas[0]!;
    expect([a.id, a.place, a.minX, a.maxX, a.minZ, a.maxZ + 0, a.yA, a.yB]).toEqual([1, 'A', 0, 2.54, -1.27, 0, 0.254, 0.508]);
    expect(mesh.places).toEqual({ A: [1] });
    expect(mesh.edges).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('Awpy 2.x JSON: convex polygons with a height per corner, edges from connections', () => {
    const json = {
      version: 35,
      areas: {
        '5': {
          area_id: 5,
          corners: [
            { x: 0, y: 0, z: 0 },
            { x: 100, y: 0, z: 0 },
            { x: 100, y: 100, z: 40 },
            { x: 0, y: 100, z: 40 },
          ],
          connections: [6],
        },
        '6': {
          area_id: 6,
          corners: [
            { x: 100, y: 0, z: 0 },
            { x: 200, y: 0, z: 0 },
            { x: 100, y: 100, z: 40 },
          ],
          connections: [5],
        },
      },
    };
    const mesh = navMeshFromAwpyJson(json, 'nav.json');
    expect(mesh.size).toBe(2);
    expect(mesh.isPolygon(0)).toBe(true);
    // Source y = 50 is z = -1.27 m; the floor rises 40 units over 100 along source y.
    expect(mesh.heightAt(0, 1.27, -1.27)).toBeCloseTo(0.508, 6);
    expect(mesh.contains(0, 1.27, -1.27, 0)).toBe(true);
    expect(mesh.edges).toEqual([
      [5, 6],
      [6, 5],
    ]);
    expect(() => navMeshFromAwpyJson({ areas: { '1': { area_id: 1, corners: [{ x: 0 }], connections: [] } } }, 'bad.json')).toThrow(
      /areas\.1\.corners\[0\].*bad\.json/,
    );
  });

  it("tickmind's plain JSON round-trips a mesh: the same areas, heights and edges", () => {
    const mesh = corridor();
    const back = navMeshFromJSON(JSON.parse(JSON.stringify(navMeshToJSON(mesh))));
    expect(back.size).toBe(mesh.size);
    expect(back.edges).toEqual(mesh.edges);
    for (let i = 0; i < mesh.size; i++) {
      expect(back.contains(i, mesh.centers[3 * i]!, mesh.centers[3 * i + 2]!, 0)).toBe(true);
      expect(back.heightAt(i, mesh.centers[3 * i]! + 0.3, mesh.centers[3 * i + 2]!)).toBeCloseTo(
        mesh.heightAt(i, mesh.centers[3 * i]! + 0.3, mesh.centers[3 * i + 2]!),
        6,
      );
    }
    expect(() =>
      navMeshFromJSON({ format: 'tickmind-navmesh', version: 1, areas: [{ id: 1, polygon: [[0, 0]] }], edges: [] }, 'l.json'),
    ).toThrow(/areas\[0\]\.polygon.*l\.json/);
    expect(() => navMeshFromJSON({ format: 'other' })).toThrow(/expected "tickmind-navmesh"/);
  });

  const cs2 = join(import.meta.dirname, '..', '..', '..', 'shared', 'human-data', 'cs-map-navmesh-awpy', 'cs2', 'de_dust2_nav.json');
  it.skipIf(!existsSync(cs2))('reads the real CS2 de_dust2 nav mesh (2,248 polygons) and routes across it', () => {
    const mesh = navMeshFromAwpyJson(JSON.parse(readFileSync(cs2, 'utf8')), 'de_dust2_nav.json');
    expect(mesh.size).toBe(2248);
    expect(mesh.edges.length).toBe(6285);
    const graph = new NavGraph(mesh);
    const out = new Int32Array(1024);
    let routed = 0;
    for (let k = 0; k < 20; k++) if (graph.findPath(k * 97, (k * 389 + 1000) % mesh.size, out) > 0) routed++;
    expect(routed).toBeGreaterThan(15);
  });
});

describe('navMeshFromBoxes', () => {
  // A 10 × 10 floor with a crate in the middle, a 0.3 m step up on one side and a 1 m block on the other.
  const level = levelFromBoxes([
    { min: [0, -1, 0], max: [10, 0, 10], tag: 2 },
    { min: [4, 0, 4], max: [6, 2, 6], tag: 3 },
    { min: [0, 0, 8], max: [2, 0.3, 10], tag: 3 },
    { min: [8, 0, 0], max: [10, 1, 2], tag: 3 },
  ]);
  const mesh = navMeshFromBoxes(level, { cell: 1, agentRadius: 0.3 });
  const floor = new FloorIndex(mesh);

  it('has cells where an agent fits and none under the crate or against its sides', () => {
    expect(floor.indexAt(1.5, 0, 1.5, 0)).toBeGreaterThanOrEqual(0);
    expect(floor.indexAt(5, 0, 5, 0)).toBe(-1);
    expect(floor.indexAt(5, 2, 5, 0)).toBeGreaterThanOrEqual(0); // on top of the crate
    expect(floor.indexAt(1, 0.3, 9, 0)).toBeGreaterThanOrEqual(0); // on the step
  });

  it('connects steps an agent climbs, drops it can take, and routes around the crate', () => {
    const graph = new NavGraph(mesh);
    const out = new Int32Array(256);
    const from = floor.indexAt(1.5, 0, 5.5, 0);
    const to = floor.indexAt(8.5, 0, 5.5, 0);
    const n = graph.findPath(from, to, out);
    expect(n).toBeGreaterThan(7); // around, not through, the crate
    for (let k = 0; k < n; k++) expect(mesh.contains(out[k]!, 5, 5, 0)).toBe(false);
    const step = floor.indexAt(1.5, 0.3, 8.5, 0);
    const below = floor.indexAt(2.5, 0, 8.5, 0);
    const high = floor.indexAt(8.5, 1, 1.5, 0);
    const beside = floor.indexAt(7.5, 0, 1.5, 0);
    const edge = (a: number, b: number) => mesh.edges.some(([x, y]) => x === mesh.areas[a]!.id && y === mesh.areas[b]!.id);
    expect(edge(below, step)).toBe(true); // 0.3 m up
    expect(edge(beside, high)).toBe(false); // 1 m up: no
    expect(edge(high, beside)).toBe(true); // 1 m down: yes
  });
});

describe('Navigator', () => {
  it('guides an agent along its route and gives the goal distance', () => {
    const mesh = corridor();
    const nav = new Navigator(mesh, { capacity: 4, seed: 3 });
    const W = {
      x: new Float32Array(4),
      y: new Float32Array(4),
      z: new Float32Array(4),
      goalDistance: new Float32Array(4),
      active: new Uint8Array(4),
    };
    nav.startRound();
    nav.resetAgent(1);
    nav.setGoal(1, 1, 0, 5);
    nav.guideToGoal(1, 1, 0, 1, 0, W);
    expect(W.active[1]).toBe(1);
    expect(W.goalDistance[1]).toBeCloseTo(4, 5);
    // The next area on the route is area 1 (x 2..4): the waypoint is inside it, not straight at the goal behind the gap.
    expect(W.x[1]).toBeGreaterThanOrEqual(2.5);
    expect(W.z[1]).toBeLessThanOrEqual(1.5);
    nav.clearGoal(1);
    nav.guideToGoal(1, 1, 0, 1, 1, W);
    expect(W.active[1]).toBe(0);
  });

  it('an agent told to move that does not gets a raised sidestep waypoint, then its route again', () => {
    const mesh = corridor();
    const nav = new Navigator(mesh, { capacity: 4, seed: 3 });
    const W = {
      x: new Float32Array(4),
      y: new Float32Array(4),
      z: new Float32Array(4),
      goalDistance: new Float32Array(4),
      active: new Uint8Array(4),
    };
    nav.resetAgent(0);
    nav.setGoal(0, 1, 0, 5);
    for (let t = 0; t < 32; t++) {
      nav.guideToGoal(0, 1, 0, 1, t, W);
      nav.observeProgress(0, 4.8 / 64, 0, t, W, 1, 1); // pushes, does not move
    }
    nav.guideToGoal(0, 1, 0, 1, 32, W);
    expect(W.y[0]).toBe(1); // the jump cue
    expect(Math.hypot(W.x[0]! - 1, W.z[0]! - 1)).toBeCloseTo(1, 5); // one metre aside
    nav.guideToGoal(0, 1, 0, 1, 32 + 24, W);
    expect(W.y[0]).toBe(0);
  });

  it('in a world: guideAgents writes every agent’s waypoint toward its goal, observeAgents feeds its progress', () => {
    const mesh = corridor();
    const world = createAiWorld({ capacity: 8, deciders: [{ name: 'run', decide: (b, a) => a.fill(1, 0, b.count) }] });
    const nav = new Navigator(mesh, { capacity: 8, seed: 1 });
    const e = addAgent(world, { team: 0, position: [1, 0, 1] });
    const idle = addAgent(world, { team: 0, position: [5, 0, 1] });
    nav.resetAgent(e);
    nav.resetAgent(idle);
    nav.setGoal(e, 1, 0, 5);
    for (let t = 0; t < 10; t++) {
      guideAgents(world, nav);
      step(world);
      observeAgents(world, nav);
    }
    expect(world.c.Waypoint.active[e]).toBe(1);
    expect(world.c.Waypoint.active[idle]).toBe(0); // no goal, no waypoint
    expect(nav.areaOf(e)).toBeGreaterThanOrEqual(0);
  });
});
