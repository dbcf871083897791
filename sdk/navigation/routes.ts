/**
 * Per-agent routes on a nav graph: the current path (area indices), the agent's position on it,
 * its own route costs (per place, so a team spreads over several routes), the next waypoint, and
 * what was learned this round about spots where agents got stuck. All per-agent storage is
 * preallocated; re-planning runs A* into the agent's own path buffer and allocates nothing.
 */
import type { Rng } from '../core/rng.js';
import type { FloorIndex } from './floor-index.js';
import type { NavGraph } from './nav-graph.js';

/** Longest path kept, in areas. */
const MAX_PATH = 512;
/** Ticks between re-plans while on the path. */
const REPLAN_TICKS = 160;
/** Path areas ahead searched for the bot's current area before it counts as off the path. */
const LOOKAHEAD = 8;

/** Routes of every agent of one world (entity ids below `capacity`). */
export class NavRoute {
  private readonly paths: Int32Array[];
  private readonly penalties: Float32Array[];
  private readonly len: Int32Array;
  private readonly pos: Int32Array;
  private readonly goal: Int32Array;
  private readonly area: Int32Array;
  private readonly replanAt: Int32Array;
  private readonly placePenalty: Float32Array;
  private readonly placeOf: Int32Array;
  private readonly point = new Float32Array(2);
  private readonly ahead = new Float64Array(2);
  /** Extra cost per area learned this round where bots got stuck, m (shared by the team's bots). */
  private readonly trouble: Float32Array;

  constructor(
    private readonly nav: NavGraph,
    private readonly floor: FloorIndex,
    capacity: number,
  ) {
    this.paths = Array.from({ length: capacity }, () => new Int32Array(MAX_PATH));
    this.penalties = Array.from({ length: capacity }, () => new Float32Array(nav.size));
    this.len = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
    this.goal = new Int32Array(capacity).fill(-1);
    this.area = new Int32Array(capacity).fill(-1);
    this.replanAt = new Int32Array(capacity);
    const places = Object.keys(nav.mesh.places);
    this.placeOf = Int32Array.from(nav.areas, (a) => places.indexOf(a.place));
    this.placePenalty = new Float32Array(places.length);
    this.trouble = new Float32Array(nav.size);
  }

  /** Forgets what was learned about trouble spots (a new round). */
  startRound(): void {
    this.trouble.fill(0);
  }

  /** New round for agent e: forgets its path and draws its route costs (per place, so routes differ by callout). */
  reset(e: number, rng: Rng): void {
    this.len[e] = 0;
    this.pos[e] = 0;
    this.goal[e] = -1;
    this.area[e] = -1;
    this.replanAt[e] = 0;
    for (let p = 0; p < this.placePenalty.length; p++) this.placePenalty[p] = rng.uniform(0, 1.5);
    const pen = this.penalties[e]!;
    for (let i = 0; i < pen.length; i++) pen[i] = this.placeOf[i]! >= 0 ? this.placePenalty[this.placeOf[i]!]! : 0.3;
  }

  /** Agent e's area index as of its last {@link NavRoute.update} (-1 unknown). */
  areaOf(e: number): number {
    return this.area[e]!;
  }

  /** The area index under a point, or `fallback` when it stands on none. */
  areaIndexAt(x: number, y: number, z: number, fallback: number): number {
    const i = this.floor.indexAt(x, y, z, 0.3, 1.2);
    return i < 0 ? fallback : i;
  }

  /** Tracks agent e at (x, y, z) heading for `goalArea`; re-plans when needed. Returns its current area index (-1 if unknown). */
  update(e: number, x: number, y: number, z: number, goalArea: number, tick: number): number {
    const cur = this.areaIndexAt(x, y, z, this.area[e]!);
    this.area[e] = cur;
    if (cur < 0 || goalArea < 0) return cur;
    let replan = this.goal[e] !== goalArea || this.len[e] === 0 || tick >= this.replanAt[e]!;
    if (!replan) {
      const path = this.paths[e]!;
      const end = Math.min(this.len[e]!, this.pos[e]! + LOOKAHEAD);
      let found = -1;
      for (let k = this.pos[e]!; k < end; k++) if (path[k] === cur) found = k;
      if (found >= 0) this.pos[e] = found;
      else replan = true;
    }
    if (replan) {
      this.len[e] = this.nav.findPath(cur, goalArea, this.paths[e]!, this.penalties[e], this.trouble);
      this.pos[e] = 0;
      this.goal[e] = goalArea;
      this.replanAt[e] = tick + REPLAN_TICKS;
    }
    return cur;
  }

  /**
   * Where agent e at (x, z) should head now: the nearest point well inside the next area of its
   * path, or the goal point (gx, gz) once in the goal's area or without a path. Returns a
   * reused [x, z] array.
   */
  waypoint(e: number, x: number, z: number, gx: number, gz: number): Float32Array {
    const p = this.point;
    if (this.len[e]! === 0 || this.pos[e]! >= this.len[e]! - 1) {
      p[0] = gx;
      p[1] = gz;
      return p;
    }
    this.nav.mesh.pointInside(this.paths[e]![this.pos[e]! + 1]!, x, z, p);
    return p;
  }

  /** Height of the next area's floor under (x, z) minus `y`, m (0 without a next area): a climb to jump. */
  riseAhead(e: number, x: number, y: number, z: number): number {
    if (this.len[e]! === 0 || this.pos[e]! >= this.len[e]! - 1) return 0;
    const next = this.paths[e]![this.pos[e]! + 1]!;
    const q = this.ahead;
    this.nav.mesh.nearestPoint(next, x, z, q);
    const dx = q[0]! - x;
    const dz = q[1]! - z;
    if (dx * dx + dz * dz > 1.2 * 1.2) return 0;
    return this.nav.mesh.heightAt(next, q[0]!, q[1]!) - y;
  }

  /** Agent e got stuck heading into the next area of its path: make it costly for every bot this round and re-plan. */
  avoidNext(e: number): void {
    if (this.len[e]! > this.pos[e]! + 1) {
      const next = this.paths[e]![this.pos[e]! + 1]!;
      this.trouble[next] = this.trouble[next]! + 8;
    }
    this.replanAt[e] = 0;
  }
}
