/**
 * Trajectories for human-likeness: per player and round, a fixed-rate sequence of its position
 * (m, arena frame), velocity (m/s, scaled so the run speed is 4.8 m/s whatever the game) and yaw
 * (rad). From imported demos (the `agent.*` columns `tickmind import-demo` writes) or sampled from
 * arena rollouts, both at 16 Hz, so every measure sees both sources the same way.
 */
import { TickmindError } from '../../../../sdk/core/index.js';
import type { Episode } from '../../../../sdk/dataset/index.js';
import type { Arena } from '../../game/arena.js';

/** One player's movement over a round. */
export interface Trajectory {
  /** Frames per second. */
  fps: number;
  /** Frames. */
  length: number;
  /** Positions, 3 per frame. */
  position: Float32Array;
  /** Velocities, 3 per frame (actual motion, not commands). */
  velocity: Float32Array;
  /** Facing / view yaw per frame. */
  yaw: Float32Array;
}

/** The frame rate every trajectory is compared at. */
export const TRAJECTORY_FPS = 16;

/** The trajectories of the imported episodes whose `agent.human` is `human` (1 humans, 0 game bots). */
export function trajectoriesFromEpisodes(episodes: readonly Episode[], fps: number, human: 0 | 1, source: string): Trajectory[] {
  const out: Trajectory[] = [];
  for (const e of episodes) {
    const h = e.columns['agent.human'];
    const position = e.columns['agent.position'];
    const velocity = e.columns['agent.velocity'];
    const yaw = e.columns['agent.yaw'];
    if (h === undefined || position === undefined || velocity === undefined || yaw === undefined)
      throw new TickmindError(
        'INVALID_ARGUMENT',
        'the data has no agent.human/position/velocity/yaw columns: import the demos again with this version of tickmind import-demo',
        { file: source, field: 'agent.position' },
      );
    if (h[0] !== human || e.length < 2) continue;
    out.push({
      fps,
      length: e.length,
      position: Float32Array.from(position),
      velocity: Float32Array.from(velocity),
      yaw: Float32Array.from(yaw),
    });
  }
  return out;
}

/**
 * Samples every live player of an arena rollout every `every` ticks (4 at 64 Hz: 16 Hz):
 * position, velocity from the last tick's displacement (the motion, including collisions) and
 * yaw. Call {@link roundStart}, {@link tick} after each tick, {@link roundEnd}.
 */
export class TrajectoryTracker {
  /** Finished trajectories. */
  readonly trajectories: Trajectory[] = [];
  private readonly prev: Float32Array;
  private open = new Map<number, { p: number[]; v: number[]; y: number[] }>();

  constructor(
    private readonly arena: Arena,
    private readonly every = 4,
  ) {
    this.prev = new Float32Array(3 * arena.world.capacity);
  }

  /** A round started: every live player opens a trajectory. */
  roundStart(): void {
    const w = this.arena.world;
    this.open.clear();
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.open.set(e, { p: [], v: [], y: [] });
      this.remember(e);
    }
  }

  /** After a tick. */
  tick(): void {
    const w = this.arena.world;
    const { Transform, Agent } = w.c;
    const rate = this.arena.rules.tickRate;
    const sample = this.arena.round.tick % this.every === 0;
    for (const [e, t] of this.open) {
      if (Agent.alive[e] === 0) {
        this.close(e);
        continue;
      }
      if (sample) {
        t.p.push(Transform.x[e]!, Transform.y[e]!, Transform.z[e]!);
        t.v.push(
          (Transform.x[e]! - this.prev[3 * e]!) * rate,
          (Transform.y[e]! - this.prev[3 * e + 1]!) * rate,
          (Transform.z[e]! - this.prev[3 * e + 2]!) * rate,
        );
        t.y.push(Transform.yaw[e]!);
      }
      this.remember(e);
    }
  }

  /** The round ended: its trajectories are kept. */
  roundEnd(): void {
    for (const e of [...this.open.keys()]) this.close(e);
  }

  private remember(e: number): void {
    const { Transform } = this.arena.world.c;
    this.prev[3 * e] = Transform.x[e]!;
    this.prev[3 * e + 1] = Transform.y[e]!;
    this.prev[3 * e + 2] = Transform.z[e]!;
  }

  private close(e: number): void {
    const t = this.open.get(e);
    this.open.delete(e);
    if (t === undefined || t.y.length < 2) return;
    this.trajectories.push({
      fps: this.arena.rules.tickRate / this.every,
      length: t.y.length,
      position: Float32Array.from(t.p),
      velocity: Float32Array.from(t.v),
      yaw: Float32Array.from(t.y),
    });
  }
}
