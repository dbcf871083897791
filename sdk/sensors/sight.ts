/**
 * Line of sight between players, cast eye to eye through a `RayCaster`: pairs are queued by
 * whoever needs them this tick (the policies' line-of-sight blocks, a game's own logic) and
 * cast together in ONE batch; the answers are kept until the tick (the stamp) or the roster
 * changes, so a pair is cast at most once per tick however many readers ask for it.
 * Symmetric: a sees b exactly when b sees a (same eye height). Allocation-free once the batch
 * has grown to the largest number of pairs seen.
 */
import { TickmindError } from '../core/errors.js';
import type { PlayerStates } from './players.js';
import { createRayBatch, type RayBatch, type RayCaster } from './ray-caster.js';

/** Pair state: not asked, queued for the next cast, cast and clear, cast and blocked. */
const UNKNOWN = 0;
const QUEUED = 1;
const VISIBLE = 2;
const BLOCKED = 3;

/** Options of {@link SightTable}. */
export interface SightOptions {
  /** Eye height above the feet, m (default 1.6). */
  eyeHeight?: number;
  /** Players the table is sized for at first (default 16; it grows when more come). */
  players?: number;
}

/** Pairwise line of sight of a player table, cast on demand in one batch (see the module comment). */
export class SightTable {
  /** Eye height above the feet, m. */
  readonly eyeHeight: number;
  /** Pairs cast since creation (for profiles and tests). */
  raysCast = 0;
  /** Batched casts since creation. */
  casts = 0;
  private size = 0;
  private count = 0;
  private stamp = Number.NaN;
  private state = new Uint8Array(0);
  private entities = new Int32Array(0);
  private batch: RayBatch = createRayBatch(0);
  private pairA = new Int32Array(0);
  private pairB = new Int32Array(0);
  private queued = 0;

  constructor(options: SightOptions = {}) {
    this.eyeHeight = options.eyeHeight ?? 1.6;
    if (!Number.isFinite(this.eyeHeight))
      throw new TickmindError('INVALID_ARGUMENT', `eyeHeight must be a finite number, got ${this.eyeHeight}`, { field: 'eyeHeight' });
    this.reserve(options.players ?? 16);
  }

  /**
   * Starts answering for `players` at `stamp` (e.g. the world tick): keeps what is known when
   * neither changed, else forgets everything.
   */
  begin(players: Readonly<PlayerStates>, stamp: number): void {
    const n = players.count;
    let same = stamp === this.stamp && n === this.count;
    for (let i = 0; same && i < n; i++) same = this.entities[i] === players.entity[i];
    if (same) return;
    if (n > this.size) this.reserve(Math.max(n, 2 * this.size));
    this.stamp = stamp;
    this.count = n;
    this.state.fill(UNKNOWN, 0, n * n);
    for (let i = 0; i < n; i++) this.entities[i] = players.entity[i]!;
    this.queued = 0;
  }

  /** Queues the pair (player indices) for the next {@link resolve}, unless it is known or queued. */
  request(a: number, b: number): void {
    if (a === b) return;
    const k = a * this.count + b;
    if (this.state[k] !== UNKNOWN) return;
    if (this.queued >= this.pairA.length) this.growQueue(2 * this.pairA.length + 8);
    this.state[k] = QUEUED;
    this.state[b * this.count + a] = QUEUED;
    this.pairA[this.queued] = a;
    this.pairB[this.queued] = b;
    this.queued++;
  }

  /** Casts every queued pair in one batch (nothing when none is queued). */
  resolve(players: Readonly<PlayerStates>, caster: RayCaster): void {
    const n = this.queued;
    if (n === 0) return;
    const batch = this.batch;
    const eye = this.eyeHeight;
    const p = players.position;
    for (let i = 0; i < n; i++) {
      const a = this.pairA[i]!;
      const b = this.pairB[i]!;
      const ox = p[3 * a]!;
      const oy = p[3 * a + 1]! + eye;
      const oz = p[3 * a + 2]!;
      const dx = p[3 * b]! - ox;
      const dy = p[3 * b + 1]! + eye - oy;
      const dz = p[3 * b + 2]! - oz;
      // Math.sqrt, not Math.hypot: V8's hypot allocates, and this runs every tick.
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz) || 1e-6;
      batch.origins[3 * i] = ox;
      batch.origins[3 * i + 1] = oy;
      batch.origins[3 * i + 2] = oz;
      batch.dirs[3 * i] = dx / len;
      batch.dirs[3 * i + 1] = dy / len;
      batch.dirs[3 * i + 2] = dz / len;
      batch.maxDist[i] = len;
      batch.exclude[i] = players.entity[a]!;
    }
    batch.count = n;
    batch.radius = 0;
    caster.castBatch(batch);
    for (let i = 0; i < n; i++) {
      const a = this.pairA[i]!;
      const b = this.pairB[i]!;
      // Clear when the ray hits nothing, hits b itself, or stops at b's eye (inside its capsule).
      const clear = batch.hitTag[i]! < 0 || batch.hitEntity[i] === players.entity[b] || batch.hitDist[i]! >= batch.maxDist[i]! - 1e-3;
      const s = clear ? VISIBLE : BLOCKED;
      this.state[a * this.count + b] = s;
      this.state[b * this.count + a] = s;
    }
    this.queued = 0;
    this.raysCast += n;
    this.casts++;
  }

  /** Whether players a and b see each other (a pair never asked for, or not yet resolved, reads false). */
  visible(a: number, b: number): boolean {
    return a === b || this.state[a * this.count + b] === VISIBLE;
  }

  /** Whether the pair has been cast since {@link begin}. */
  known(a: number, b: number): boolean {
    const s = this.state[a * this.count + b]!;
    return a === b || s === VISIBLE || s === BLOCKED;
  }

  private reserve(players: number): void {
    this.size = players;
    this.state = new Uint8Array(players * players);
    this.entities = new Int32Array(players);
    this.stamp = Number.NaN;
    this.count = 0;
    this.queued = 0;
  }

  private growQueue(pairs: number): void {
    const a = new Int32Array(pairs);
    const b = new Int32Array(pairs);
    a.set(this.pairA.subarray(0, this.queued));
    b.set(this.pairB.subarray(0, this.queued));
    this.pairA = a;
    this.pairB = b;
    this.batch = createRayBatch(pairs);
  }
}
