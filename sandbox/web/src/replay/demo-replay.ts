/**
 * A parsed demo played back: a position on the demo's tick axis (fractional between recorded
 * ticks), play/pause and speed, and each player's pose there in the arena frame — interpolated
 * between the two recorded ticks around it (angles the short way round), hidden while dead.
 */
import { type DemoRecording, demoPosition, demoYaw } from '../sdk.js';

/** One player's pose at the replay's tick. */
export interface ReplayPose {
  /** Feet, arena frame (m). */
  x: number;
  y: number;
  z: number;
  /** View yaw, arena frame (rad). */
  yaw: number;
  alive: boolean;
  crouched: boolean;
  /** 0 CT, 1 T (players switch sides at half time). */
  side: 0 | 1;
  health: number;
}

/** An empty pose to fill. */
export function createPose(): ReplayPose {
  return { x: 0, y: 0, z: 0, yaw: 0, alive: false, crouched: false, side: 0, health: 0 };
}

/** Replay speeds offered. */
export const REPLAY_SPEEDS = [1, 4] as const;

/** The replay of one recording (see the module comment). */
export class DemoReplay {
  /** First and last recorded tick. */
  readonly first: number;
  readonly last: number;
  /** Indices of the human players. */
  readonly humans: number[];
  /** Whether the timeline runs. */
  playing = false;
  /** Demo ticks per real tick. */
  speed: number = REPLAY_SPEEDS[0];
  private t: number;
  private row = 0;
  private readonly a = new Float32Array(3);
  private readonly b = new Float32Array(3);

  constructor(
    readonly recording: DemoRecording,
    /** The file's name. */
    readonly file: string,
  ) {
    const f = recording.frames;
    if (f.count === 0 || recording.players.length === 0) throw new Error(`${file}: the demo holds no player states`);
    this.first = f.ticks[0]!;
    this.last = f.ticks[f.count - 1]!;
    this.humans = recording.players.flatMap((p, i) => (p.bot ? [] : [i]));
    // Start where play starts: the first round's end of the freeze.
    this.t = Math.min(this.last, Math.max(this.first, recording.rounds[0]?.start ?? this.first));
    this.locate();
  }

  /** The demo tick shown (fractional while playing). */
  get tick(): number {
    return this.t;
  }

  /** Moves the timeline on by `seconds` of real time (when playing); stops at the end. */
  advance(seconds: number): void {
    if (!this.playing) return;
    this.t += seconds * this.recording.tickRate * this.speed;
    if (this.t >= this.last) {
      this.t = this.last;
      this.playing = false;
    }
    this.locate();
  }

  /** Jumps to `tick` (clamped to the recording). */
  seek(tick: number): void {
    this.t = Math.min(this.last, Math.max(this.first, tick));
    this.locate();
  }

  /** Index of the round the tick is in (-1 outside every round: freeze time, after a round). */
  get round(): number {
    return this.recording.rounds.findIndex((r) => this.t >= r.start && this.t <= r.end);
  }

  /** Player `p`'s pose at the current tick into `out`. */
  pose(p: number, out: ReplayPose): ReplayPose {
    const f = this.recording.frames;
    const N = this.recording.players.length;
    const i = this.row * N + p;
    out.alive = f.alive[i] === 1;
    out.crouched = f.crouch[i] === 1;
    out.side = f.side[i] === 0 ? 0 : 1;
    out.health = f.health[i]!;
    demoPosition(f, i, this.a);
    let yaw = demoYaw(f, i);
    const r1 = this.row + 1;
    const t0 = f.ticks[this.row]!;
    if (r1 < f.count && this.t > t0 && out.alive && f.alive[r1 * N + p] === 1) {
      const k = (this.t - t0) / (f.ticks[r1]! - t0);
      demoPosition(f, r1 * N + p, this.b);
      for (let c = 0; c < 3; c++) this.a[c] = this.a[c]! + (this.b[c]! - this.a[c]!) * k;
      let d = (demoYaw(f, r1 * N + p) - yaw) % (2 * Math.PI);
      if (d > Math.PI) d -= 2 * Math.PI;
      if (d < -Math.PI) d += 2 * Math.PI;
      yaw += d * k;
    }
    out.x = this.a[0]!;
    out.y = this.a[1]!;
    out.z = this.a[2]!;
    out.yaw = yaw;
    return out;
  }

  /** Players alive per side at the current tick ([CT, T]). */
  alive(): [number, number] {
    const f = this.recording.frames;
    const N = this.recording.players.length;
    const n: [number, number] = [0, 0];
    for (let p = 0; p < N; p++) if (f.alive[this.row * N + p] === 1) n[f.side[this.row * N + p] === 0 ? 0 : 1]++;
    return n;
  }

  /** The recorded row at or before the tick (binary search over the recorded ticks). */
  private locate(): void {
    const ticks = this.recording.frames.ticks;
    let lo = 0;
    let hi = this.recording.frames.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ticks[mid]! <= this.t) lo = mid;
      else hi = mid - 1;
    }
    this.row = lo;
  }
}
