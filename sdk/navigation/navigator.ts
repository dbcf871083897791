/**
 * The navigator: for each agent, a route on the nav mesh to its goal and the next waypoint on it,
 * written where a token policy reads it (the `Waypoint` component: next point, floor height
 * ahead, goal distance, active). It also handles getting stuck: an agent told to move that barely
 * moved for half a second gets a sidestep waypoint for ~0.4 s (raised at first, so the step reads
 * as a jump) and a route that avoids the spot, for every agent, this round.
 *
 * Goals are the game's: give each agent a goal point (`setGoal`) or pass one per call to `guide`.
 * Call `guide` for every live agent before the AI step and `observeProgress` after it (the ECS's
 * `guideAgents` / `observeAgents` do both for a world). Allocation-free per tick; deterministic
 * for its RNG (pass the game's own to keep one draw order).
 */
import { TickmindError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { WaypointSource } from '../sensors/index.js';
import { FloorIndex } from './floor-index.js';
import { NavGraph } from './nav-graph.js';
import type { NavMesh } from './nav-mesh.js';
import { NavRoute } from './routes.js';

/** Navigator tuning. */
export interface NavigatorOptions {
  /** Entity ids the navigator serves are below this. */
  capacity: number;
  /** The RNG for route costs and sidesteps (default: its own, from `seed`). */
  rng?: Rng;
  /** Seed of its own RNG (default 1). */
  seed?: number;
  /** A graph of the same mesh to share (default: built here). */
  graph?: NavGraph;
  /** A floor index of the same mesh to share (default: built here). */
  floor?: FloorIndex;
  /** Ticks between progress checks (default 32: half a second at 64 Hz). */
  progressTicks?: number;
  /** Commanded travel, m, below which a progress check judges nothing (default 1). */
  minProgressM?: number;
  /** Ticks a sidestep lasts (default 24). */
  sidestepTicks?: number;
  /** Ticks at the start of a sidestep whose waypoint is raised — a jump cue (default 8). */
  jumpCueTicks?: number;
  /** Height of the jump cue over the feet, m (default 1). */
  jumpCueM?: number;
}

/** Navigation for every agent of one world (see the module comment). */
export class Navigator {
  /** The mesh. */
  readonly mesh: NavMesh;
  /** Its graph (A*). */
  readonly graph: NavGraph;
  /** Area lookup. */
  readonly floor: FloorIndex;
  /** Every agent's route. */
  readonly route: NavRoute;
  private readonly rng: Rng;
  private readonly progressTicks: number;
  private readonly minProgress: number;
  private readonly sidestepTicks: number;
  private readonly jumpCueTicks: number;
  private readonly jumpCue: number;
  private readonly sidestepUntil: Int32Array;
  private readonly sidestepDir: Float32Array;
  private readonly commanded: Float32Array;
  private readonly moved: Float32Array;
  private readonly goalArea: Int32Array;
  private readonly goalX: Float32Array;
  private readonly goalZ: Float32Array;

  constructor(mesh: NavMesh, options: NavigatorOptions) {
    const cap = options.capacity;
    if (!Number.isInteger(cap) || cap < 1)
      throw new TickmindError('INVALID_ARGUMENT', `capacity must be a positive integer, got ${cap}`, { field: 'capacity' });
    this.mesh = mesh;
    this.graph = options.graph ?? new NavGraph(mesh);
    this.floor = options.floor ?? new FloorIndex(mesh);
    if (this.graph.mesh !== mesh || this.floor.mesh !== mesh)
      throw new TickmindError('INVALID_ARGUMENT', 'the graph and floor index given must be of the same nav mesh', { field: 'graph' });
    this.route = new NavRoute(this.graph, this.floor, cap);
    this.rng = options.rng ?? new Rng(options.seed ?? 1);
    this.progressTicks = options.progressTicks ?? 32;
    this.minProgress = options.minProgressM ?? 1;
    this.sidestepTicks = options.sidestepTicks ?? 24;
    this.jumpCueTicks = options.jumpCueTicks ?? 8;
    this.jumpCue = options.jumpCueM ?? 1;
    this.sidestepUntil = new Int32Array(cap);
    this.sidestepDir = new Float32Array(cap);
    this.commanded = new Float32Array(cap);
    this.moved = new Float32Array(cap);
    this.goalArea = new Int32Array(cap).fill(-1);
    this.goalX = new Float32Array(cap);
    this.goalZ = new Float32Array(cap);
  }

  /** A new round: forgets the trouble spots learned (call before the agents' {@link resetAgent}). */
  startRound(): void {
    this.route.startRound();
  }

  /** A new agent (or round) for entity e: forgets its path and sidestep, draws its route costs. */
  resetAgent(e: number): void {
    this.route.reset(e, this.rng);
    this.sidestepUntil[e] = 0;
    this.commanded[e] = 0;
    this.moved[e] = 0;
    this.goalArea[e] = -1;
  }

  /** Agent e's area index as of its last {@link guide} (-1 unknown). */
  areaOf(e: number): number {
    return this.route.areaOf(e);
  }

  /** The area index under (x, y, z), or `fallback` when the point stands on none. */
  areaIndexAt(x: number, y: number, z: number, fallback = -1): number {
    return this.route.areaIndexAt(x, y, z, fallback);
  }

  /** Sets agent e's goal: the point (x, y, z) and the area under it (the nearest in height). Returns the area index, -1 off the mesh. */
  setGoal(e: number, x: number, y: number, z: number): number {
    const area = this.areaIndexAt(x, y, z, -1);
    this.goalArea[e] = area;
    this.goalX[e] = x;
    this.goalZ[e] = z;
    return area;
  }

  /** Clears agent e's goal: {@link guideToGoal} then marks its waypoint inactive. */
  clearGoal(e: number): void {
    this.goalArea[e] = -1;
  }

  /** {@link guide} toward the goal set by {@link setGoal}; without one, the waypoint goes inactive. */
  guideToGoal(e: number, x: number, y: number, z: number, tick: number, out: WaypointSource): void {
    const area = this.goalArea[e]!;
    if (area < 0) {
      out.active[e] = 0;
      return;
    }
    this.guide(e, x, y, z, area, this.goalX[e]!, this.goalZ[e]!, tick, out);
  }

  /**
   * Agent e at (x, y, z), heading for the point (gx, gz) in area `goalArea`: updates its route and
   * writes its next waypoint (a sidestep while it is in trouble), the floor height the route
   * reaches next, and the goal distance into `out` at index e; marks it active.
   */
  guide(e: number, x: number, y: number, z: number, goalArea: number, gx: number, gz: number, tick: number, out: WaypointSource): void {
    this.route.update(e, x, y, z, goalArea, tick);
    const dx = gx - x;
    const dz = gz - z;
    out.goalDistance[e] = Math.sqrt(dx * dx + dz * dz);
    out.active[e] = 1;
    if (tick < this.sidestepUntil[e]!) {
      out.x[e] = x + Math.cos(this.sidestepDir[e]!);
      out.z[e] = z + Math.sin(this.sidestepDir[e]!);
      out.y[e] = y + (tick < this.sidestepUntil[e]! - this.sidestepTicks + this.jumpCueTicks ? this.jumpCue : 0);
      return;
    }
    const target = this.route.waypoint(e, x, z, gx, gz);
    out.x[e] = target[0]!;
    out.z[e] = target[1]!;
    out.y[e] = y + this.route.riseAhead(e, x, y, z);
  }

  /**
   * Adds one tick of agent e's commanded and actual travel (m); every `progressTicks` judges its
   * progress and, when it was told to move but barely did, starts a sidestep away from the
   * direction of its waypoint (`waypoints` at e, agent at (x, z)) and re-plans around the spot.
   */
  observeProgress(e: number, commandedM: number, movedM: number, tick: number, waypoints: WaypointSource, x: number, z: number): void {
    this.commanded[e] = this.commanded[e]! + commandedM;
    this.moved[e] = this.moved[e]! + movedM;
    if ((tick + 1) % this.progressTicks !== 0) return;
    if (tick >= this.sidestepUntil[e]! && this.commanded[e]! > this.minProgress && this.moved[e]! < 0.25 * this.commanded[e]!) {
      const heading = Math.atan2(waypoints.z[e]! - z, waypoints.x[e]! - x);
      this.sidestepDir[e] = heading + (this.rng.next() < 0.5 ? -1 : 1) * (Math.PI / 2 + this.rng.uniform(-0.6, 0.6));
      this.sidestepUntil[e] = tick + 1 + this.sidestepTicks;
      this.route.avoidNext(e);
    }
    this.commanded[e] = 0;
    this.moved[e] = 0;
  }
}
