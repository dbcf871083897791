/**
 * Walls from a nav mesh. Nav areas mark where a player's centre may stand, so:
 * - an open stretch of an area's side (no neighbour on the line) gets a wall a hull width out;
 * - under a higher neighbour that is not walkable from here (no edge, more than a step up), a
 *   ledge face a hull width into the neighbour, up to its floor;
 * - along a drop taller than a player with no edge down, a rail a hull width into the lower side.
 * Walls are then cut wherever they would stand in a player's space over any area (walkable
 * space is never walled off). Source units here; boxes come out in the arena frame.
 */

import { METERS_PER_UNIT, type AwpyArea as NavArea, type AwpyNavMesh as NavMesh } from '../../../sdk/navigation/index.js';

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
  /** Half-width of the player hull (default 16): nav areas mark where a player's centre may stand, so walls stand this far out. */
  hullUnits?: number;
  /** Height of a rail along a drop taller than a player with no nav edge down (default 60: above what a jump clears). */
  railUnits?: number;
}

/** A wall in Source units: footprint [x0, y0, x1, y1] and z range. */
interface RawWall {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  z0: number;
  z1: number;
}

/** Widest gap between an area's side and an area it links to that leaves the side open, units (~1.2 m). */
const LINK_GAP_UNITS = 48;

/** Standing player height in units (the space a wall must not cut into). */
const PLAYER_UNITS = 72;

/** Builds the wall boxes (arena frame, m) and returns the hull used (units). */
export function buildWalls(nav: NavMesh, options: BuildOptions = {}): { walls: number[][]; hull: number } {
  const step = options.stepUnits ?? 18;
  const wallH = options.wallUnits ?? 128;
  const thick = options.wallThicknessUnits ?? 4;
  const minWall = options.minWallUnits ?? 2;
  const hull = options.hullUnits ?? 16;
  const rail = options.railUnits ?? 60;
  const linked = new Set(nav.edges.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]));
  const byId = new Map(nav.areas.map((a) => [a.id, a]));
  const outgoing = new Map<number, NavArea[]>();
  for (const [from, to] of nav.edges) {
    const b = byId.get(to);
    if (b !== undefined) outgoing.set(from, [...(outgoing.get(from) ?? []), b]);
  }
  const sides = sideIndex(nav.areas);
  const raw: RawWall[] = [];
  const corridors: RawWall[] = [];
  const push = ([x0, y0, x1, y1]: [number, number, number, number], z0: number, z1: number) => raw.push({ x0, y0, x1, y1, z0, z1 });
  for (const a of nav.areas) {
    for (const side of SIDES) {
      const c = side.coord(a);
      const [lo, hi] = side.span(a);
      const touching: [number, number][] = [];
      for (const b of neighbours(sides, side.opposite, c)) {
        if (b === a) continue;
        const [blo, bhi] = side.span(b);
        const o0 = Math.max(lo, blo);
        const o1 = Math.min(hi, bhi);
        if (o1 - o0 <= 0) continue;
        touching.push([o0, o1]);
        const mid = (o0 + o1) / 2;
        const ha = side.heightAt(a, c, mid);
        const hb = side.heightAt(b, c, mid);
        if (linked.has(`${a.id}>${b.id}`) || Math.abs(ha - hb) <= step) continue; // walkable
        if (hb > ha) push(side.box(c, o0, o1, hull, thick), ha - 8, hb - 1);
        else if (ha - hb > PLAYER_UNITS + 8) push(side.box(c, o0, o1, hull, thick), ha - 8, ha + rail);
      }
      // An edge to an area a short gap beyond this side (a drop or a hop across) keeps that stretch open.
      for (const b of outgoing.get(a.id) ?? []) {
        const gap = side.gapTo(a, b);
        if (gap <= 1 || gap > LINK_GAP_UNITS) continue;
        const [blo, bhi] = side.span(b);
        const o0 = Math.max(lo, blo);
        const o1 = Math.min(hi, bhi);
        if (o1 <= o0) continue;
        touching.push([o0, o1]);
        const mid = (o0 + o1) / 2;
        const top = Math.max(side.heightAt(a, c, mid), side.heightAt(b, c + side.outward * gap, mid));
        corridors.push(side.corridor(c, c + side.outward * gap, o0, o1, top - step, top + PLAYER_UNITS));
      }
      for (const [s0, s1] of uncovered(lo, hi, touching)) {
        if (s1 - s0 < minWall) continue;
        const floor = side.heightAt(a, c, (s0 + s1) / 2);
        push(side.box(c, s0 - hull, s1 + hull, hull, thick), floor - 8, floor + wallH);
      }
    }
  }
  const walls: number[][] = [];
  for (const w of raw)
    for (const piece of clipToOpenSpace(w, nav.areas))
      for (const low of lowerUnderCorridors(piece, corridors)) if (length(low) >= minWall) walls.push(toArena(low));
  return { walls, hull };
}

/** Cuts a wall along its long axis wherever it enters an area's footprint at heights a player there occupies. */
function clipToOpenSpace(w: RawWall, areas: NavArea[]): RawWall[] {
  const alongX = w.x1 - w.x0 >= w.y1 - w.y0;
  const [lo, hi] = alongX ? [w.x0, w.x1] : [w.y0, w.y1];
  const cut: [number, number][] = [];
  for (const a of areas) {
    if (a.minX >= w.x1 || a.maxX <= w.x0 || a.minY >= w.y1 || a.maxY <= w.y0) continue;
    const floorLo = Math.min(a.zNW, a.zSE);
    const floorHi = Math.max(a.zNW, a.zSE);
    if (floorHi + PLAYER_UNITS <= w.z0 || floorLo >= w.z1) continue;
    cut.push(alongX ? [a.minX, a.maxX] : [a.minY, a.maxY]);
  }
  return uncovered(lo, hi, cut).map(([s0, s1]) => (alongX ? { ...w, x0: s0, x1: s1 } : { ...w, y0: s0, y1: s1 }));
}

/**
 * Where a wall crosses the corridor of a linked opening (a drop or hop between areas a short gap
 * apart), that stretch is lowered to below the corridor's floor so the way over stays open.
 */
function lowerUnderCorridors(w: RawWall, corridors: RawWall[]): RawWall[] {
  const alongX = w.x1 - w.x0 >= w.y1 - w.y0;
  const [lo, hi] = alongX ? [w.x0, w.x1] : [w.y0, w.y1];
  const hits = corridors.filter((k) => k.x0 < w.x1 && k.x1 > w.x0 && k.y0 < w.y1 && k.y1 > w.y0 && k.z0 < w.z1 && k.z1 > w.z0);
  if (hits.length === 0) return [w];
  const cut = hits.map((k): [number, number] =>
    alongX ? [Math.max(lo, k.x0), Math.min(hi, k.x1)] : [Math.max(lo, k.y0), Math.min(hi, k.y1)],
  );
  const slice = (s0: number, s1: number, z1: number): RawWall => (alongX ? { ...w, x0: s0, x1: s1, z1 } : { ...w, y0: s0, y1: s1, z1 });
  const out = uncovered(lo, hi, cut).map(([s0, s1]) => slice(s0, s1, w.z1));
  for (let i = 0; i < hits.length; i++) {
    const floor = hits[i]!.z0;
    if (floor > w.z0 + 1) out.push(slice(cut[i]![0], cut[i]![1], Math.min(w.z1, floor)));
  }
  return out;
}

function length(w: RawWall): number {
  return Math.max(w.x1 - w.x0, w.y1 - w.y0);
}

interface Side {
  /** The side of the neighbour that touches this one. */
  opposite: SideName;
  name: SideName;
  coord(a: NavArea): number;
  span(a: NavArea): [number, number];
  /** How far b lies beyond this side of a (≤ 0 when it does not lie beyond it). */
  gapTo(a: NavArea, b: NavArea): number;
  /** Height of area a on the line coord = c at position s along the side. */
  heightAt(a: NavArea, c: number, s: number): number;
  /** +1 when the side faces increasing coordinates, -1 otherwise. */
  outward: 1 | -1;
  /** The box between coordinates c0 and c1 across [s0, s1] along the side, heights z0..z1 (a corridor). */
  corridor(c0: number, c1: number, s0: number, s1: number, z0: number, z1: number): RawWall;
  /** The wall footprint `gap` outside the side, `thick` deep, source units: [minX, minY, maxX, maxY]. */
  box(c: number, s0: number, s1: number, gap: number, thick: number): [number, number, number, number];
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
    outward: 1,
    corridor: (c0, c1, s0, s1, z0, z1) => ({ x0: Math.min(c0, c1), x1: Math.max(c0, c1), y0: s0, y1: s1, z0, z1 }),
    gapTo: (a, b) => b.minX - a.maxX,
    opposite: 'minX',
    coord: (a) => a.maxX,
    span: (a) => [a.minY, a.maxY],
    heightAt: (a, c, s) => sourceHeight(a, c, s),
    box: (c, s0, s1, g, t) => [c + g, s0, c + g + t, s1],
  },
  {
    name: 'minX',
    outward: -1,
    corridor: (c0, c1, s0, s1, z0, z1) => ({ x0: Math.min(c0, c1), x1: Math.max(c0, c1), y0: s0, y1: s1, z0, z1 }),
    gapTo: (a, b) => a.minX - b.maxX,
    opposite: 'maxX',
    coord: (a) => a.minX,
    span: (a) => [a.minY, a.maxY],
    heightAt: (a, c, s) => sourceHeight(a, c, s),
    box: (c, s0, s1, g, t) => [c - g - t, s0, c - g, s1],
  },
  {
    name: 'maxY',
    outward: 1,
    corridor: (c0, c1, s0, s1, z0, z1) => ({ x0: s0, x1: s1, y0: Math.min(c0, c1), y1: Math.max(c0, c1), z0, z1 }),
    gapTo: (a, b) => b.minY - a.maxY,
    opposite: 'minY',
    coord: (a) => a.maxY,
    span: (a) => [a.minX, a.maxX],
    heightAt: (a, c, s) => sourceHeight(a, s, c),
    box: (c, s0, s1, g, t) => [s0, c + g, s1, c + g + t],
  },
  {
    name: 'minY',
    outward: -1,
    corridor: (c0, c1, s0, s1, z0, z1) => ({ x0: s0, x1: s1, y0: Math.min(c0, c1), y1: Math.max(c0, c1), z0, z1 }),
    gapTo: (a, b) => a.minY - b.maxY,
    opposite: 'maxY',
    coord: (a) => a.minY,
    span: (a) => [a.minX, a.maxX],
    heightAt: (a, c, s) => sourceHeight(a, s, c),
    box: (c, s0, s1, g, t) => [s0, c - g - t, s1, c - g],
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

/** Raw wall → arena box [minX, minY, minZ, maxX, maxY, maxZ], m, rounded to mm (x = x, y = z, z = −y). */
function toArena(w: RawWall): number[] {
  const m = (v: number) => Math.round(v * METERS_PER_UNIT * 1000) / 1000;
  return [m(w.x0), m(w.z0), m(-w.y1), m(w.x1), m(w.z1), m(-w.y0)];
}
