/**
 * The arena's map format and its builder from a nav mesh. Frame: meters, y up, right-handed:
 * x = source x, y = source z, z = -source y, scaled by 0.0254 m per unit. Each nav area becomes a
 * floor patch (a plane through its two known corner heights) and a floor box; each stretch of an
 * area's side with no walkable neighbour becomes a wall box, so rays and movement respect the
 * layout. Places (callouts) are kept for scenario logic and metrics.
 */
import type { NavArea, NavMesh } from './navmesh.js';

/** Meters per Source unit (1 unit = 1 inch). */
export const METERS_PER_UNIT = 0.0254;
/** Box tags of arena geometry (agents are 1, as in the sensors' convention). */
export const MAP_TAGS = { agent: 1, wall: 2, floor: 4 } as const;

/** One walkable area in the arena frame. */
export interface MapArea {
  /** Source nav area id. */
  id: number;
  /** Callout, or "" when unnamed. */
  place: string;
  /** Extent on x, m. */
  minX: number;
  /** Extent on x, m. */
  maxX: number;
  /** Extent on z, m. */
  minZ: number;
  /** Extent on z, m. */
  maxZ: number;
  /** Floor height at (minX, maxZ) (the source north-west corner), m. */
  yA: number;
  /** Floor height at (maxX, minZ) (the source south-east corner), m. */
  yB: number;
}

/** A built map: what the arena, the physics and the renderer all read. */
export interface ArenaMap {
  /** Format marker and version. */
  format: 'tickmind-arena-map';
  /** Format version. */
  version: 1;
  /** Map name, e.g. "de_dust2". */
  name: string;
  /** Where the geometry comes from (kept with the data). */
  source: string;
  /** The walkable areas. */
  areas: MapArea[];
  /** Directed connections between area ids (as in the nav mesh). */
  edges: [number, number][];
  /** Area ids per place name. */
  places: Record<string, number[]>;
  /** Wall boxes: minX, minY, minZ, maxX, maxY, maxZ, m. */
  walls: number[][];
  /** Bounds of the floor: [minX, minY, minZ, maxX, maxY, maxZ], m. */
  bounds: number[];
}

/** Builder tolerances, in Source units. */
export interface BuildOptions {
  /** Most height difference between neighbouring areas that still counts as walkable without an edge (default 18, a step). */
  stepUnits?: number;
  /** Wall height above the floor (default 128). */
  wallUnits?: number;
  /** Wall thickness (default 4). */
  wallThicknessUnits?: number;
  /** Shortest uncovered stretch that becomes a wall (default 2). */
  minWallUnits?: number;
}

/** Builds an arena map from a nav mesh. */
export function buildArenaMap(nav: NavMesh, source: string, options: BuildOptions = {}): ArenaMap {
  const step = options.stepUnits ?? 18;
  const wallH = options.wallUnits ?? 128;
  const thick = options.wallThicknessUnits ?? 4;
  const minWall = options.minWallUnits ?? 2;
  const linked = new Set(nav.edges.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]));
  const sides = sideIndex(nav.areas);
  const walls: number[][] = [];
  for (const a of nav.areas) {
    for (const side of SIDES) {
      const c = side.coord(a);
      const [lo, hi] = side.span(a);
      const covered: [number, number][] = [];
      for (const b of neighbours(sides, side.opposite, c)) {
        if (b === a) continue;
        const [blo, bhi] = side.span(b);
        const o0 = Math.max(lo, blo);
        const o1 = Math.min(hi, bhi);
        if (o1 - o0 <= 0) continue;
        const mid = (o0 + o1) / 2;
        const dh = Math.abs(side.heightAt(a, c, mid) - side.heightAt(b, c, mid));
        if (linked.has(`${a.id}>${b.id}`) || dh <= step) covered.push([o0, o1]);
      }
      for (const [s0, s1] of uncovered(lo, hi, covered)) {
        if (s1 - s0 < minWall) continue;
        const floor = side.heightAt(a, c, (s0 + s1) / 2);
        walls.push(toArena(side.box(c, s0, s1, thick), floor - 8, floor + wallH));
      }
    }
  }
  const areas = nav.areas.map(toMapArea);
  const places: Record<string, number[]> = {};
  for (const a of areas) {
    if (a.place === '') continue;
    const list = places[a.place] ?? [];
    list.push(a.id);
    places[a.place] = list;
  }
  return {
    format: 'tickmind-arena-map',
    version: 1,
    name: nav.map,
    source,
    areas,
    edges: nav.edges,
    places,
    walls,
    bounds: floorBounds(areas),
  };
}

/** The floor height of an area at (x, z), m: the plane through its two known corners along the diagonal. */
export function areaHeightAt(a: MapArea, x: number, z: number): number {
  const u = a.maxX > a.minX ? (x - a.minX) / (a.maxX - a.minX) : 0.5;
  const v = a.maxZ > a.minZ ? (a.maxZ - z) / (a.maxZ - a.minZ) : 0.5;
  const t = Math.min(1, Math.max(0, (u + v) / 2));
  return a.yA + (a.yB - a.yA) * t;
}

/** Level boxes of the map: one floor slab per area (at its mean height) and the walls. */
export function mapBoxes(map: ArenaMap): { min: number[]; max: number[]; tag: number }[] {
  const floor = map.areas.map((a) => {
    const y = (a.yA + a.yB) / 2;
    return { min: [a.minX, y - 0.2, a.minZ], max: [a.maxX, y, a.maxZ], tag: MAP_TAGS.floor };
  });
  const walls = map.walls.map((w) => ({ min: w.slice(0, 3), max: w.slice(3, 6), tag: MAP_TAGS.wall }));
  return [...floor, ...walls];
}

interface Side {
  /** The side of the neighbour that touches this one. */
  opposite: SideName;
  name: SideName;
  coord(a: NavArea): number;
  span(a: NavArea): [number, number];
  /** Height of area a on the line coord = c at position s along the side. */
  heightAt(a: NavArea, c: number, s: number): number;
  /** The wall footprint outside the side, source units: [minX, minY, maxX, maxY]. */
  box(c: number, s0: number, s1: number, thick: number): [number, number, number, number];
}
type SideName = 'minX' | 'maxX' | 'minY' | 'maxY';

/** Source-frame height of an area at (x, y): the plane through zNW at (minX, minY) and zSE at (maxX, maxY). */
function sourceHeight(a: NavArea, x: number, y: number): number {
  const u = a.maxX > a.minX ? (x - a.minX) / (a.maxX - a.minX) : 0.5;
  const v = a.maxY > a.minY ? (y - a.minY) / (a.maxY - a.minY) : 0.5;
  return a.zNW + (a.zSE - a.zNW) * Math.min(1, Math.max(0, (u + v) / 2));
}

const SIDES: Side[] = [
  {
    name: 'maxX',
    opposite: 'minX',
    coord: (a) => a.maxX,
    span: (a) => [a.minY, a.maxY],
    heightAt: (a, c, s) => sourceHeight(a, c, s),
    box: (c, s0, s1, t) => [c, s0, c + t, s1],
  },
  {
    name: 'minX',
    opposite: 'maxX',
    coord: (a) => a.minX,
    span: (a) => [a.minY, a.maxY],
    heightAt: (a, c, s) => sourceHeight(a, c, s),
    box: (c, s0, s1, t) => [c - t, s0, c, s1],
  },
  {
    name: 'maxY',
    opposite: 'minY',
    coord: (a) => a.maxY,
    span: (a) => [a.minX, a.maxX],
    heightAt: (a, c, s) => sourceHeight(a, s, c),
    box: (c, s0, s1, t) => [s0, c, s1, c + t],
  },
  {
    name: 'minY',
    opposite: 'maxY',
    coord: (a) => a.minY,
    span: (a) => [a.minX, a.maxX],
    heightAt: (a, c, s) => sourceHeight(a, s, c),
    box: (c, s0, s1, t) => [s0, c - t, s1, c],
  },
];

/** Areas by (side name, rounded coordinate of that side). */
function sideIndex(areas: NavArea[]): Map<string, NavArea[]> {
  const index = new Map<string, NavArea[]>();
  for (const a of areas) {
    for (const side of SIDES) {
      const key = `${side.name}:${Math.round(side.coord(a))}`;
      const list = index.get(key);
      if (list === undefined) index.set(key, [a]);
      else list.push(a);
    }
  }
  return index;
}

/** Areas whose `side` lies on coordinate c (±1 unit). */
function neighbours(index: Map<string, NavArea[]>, side: SideName, c: number): NavArea[] {
  const r = Math.round(c);
  return [...(index.get(`${side}:${r - 1}`) ?? []), ...(index.get(`${side}:${r}`) ?? []), ...(index.get(`${side}:${r + 1}`) ?? [])];
}

/** [lo, hi] minus the union of the covered intervals. */
export function uncovered(lo: number, hi: number, covered: [number, number][]): [number, number][] {
  const sorted = [...covered].sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  let at = lo;
  for (const [c0, c1] of sorted) {
    if (c0 > at) out.push([at, Math.min(c0, hi)]);
    at = Math.max(at, c1);
    if (at >= hi) break;
  }
  if (at < hi) out.push([at, hi]);
  return out;
}

/** Source XY footprint + z range → arena box [minX, minY, minZ, maxX, maxY, maxZ], m, rounded to mm. */
function toArena([x0, y0, x1, y1]: [number, number, number, number], z0: number, z1: number): number[] {
  const m = (v: number) => Math.round(v * METERS_PER_UNIT * 1000) / 1000;
  return [m(x0), m(z0), m(-y1), m(x1), m(z1), m(-y0)];
}

function toMapArea(a: NavArea): MapArea {
  const m = (v: number) => Math.round(v * METERS_PER_UNIT * 1000) / 1000;
  return { id: a.id, place: a.place, minX: m(a.minX), maxX: m(a.maxX), minZ: m(-a.maxY), maxZ: m(-a.minY), yA: m(a.zNW), yB: m(a.zSE) };
}

function floorBounds(areas: MapArea[]): number[] {
  const b = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  for (const a of areas) {
    b[0] = Math.min(b[0]!, a.minX);
    b[1] = Math.min(b[1]!, a.yA, a.yB);
    b[2] = Math.min(b[2]!, a.minZ);
    b[3] = Math.max(b[3]!, a.maxX);
    b[4] = Math.max(b[4]!, a.yA, a.yB);
    b[5] = Math.max(b[5]!, a.maxZ);
  }
  return b;
}
