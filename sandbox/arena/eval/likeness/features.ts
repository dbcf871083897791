/**
 * Per-frame movement features of trajectories, the quantities human-likeness compares: planar
 * speed (m/s at a 4.8 m/s run), acceleration (m/s², from one frame to the next), turn rate (°/s),
 * distance to the nearest wall (m, 16 horizontal rays at knee height through the map's walls),
 * the velocity's forward and lateral parts in the player's own frame (strafing), and the lengths
 * of standing-still bouts (s).
 */
import { BvhRayCaster, levelFromBoxes } from '../../../../sdk/physics/index.js';
import { createRayBatch, type RayBatch } from '../../../../sdk/sensors/index.js';
import { angleDiff } from '../../game/angles.js';
import type { Trajectory } from './trajectories.js';

/** Under this speed a player stands still, m/s (a tenth of a run). */
export const STANDING_MS = 0.48;
/** Wall rays: count, length (m) and height above the feet (m). */
const WALL_RAYS = 16;
const WALL_RANGE = 8;
const KNEE = 0.5;

/** Features of a set of trajectories, frame by frame (frames of all trajectories concatenated). */
export interface MovementFeatures {
  /** Planar speed per frame. */
  speed: Float64Array;
  /** Acceleration per frame (0 on a trajectory's first frame). */
  acceleration: Float64Array;
  /** Turn rate per frame (0 on the first frame). */
  turnRate: Float64Array;
  /** Distance to the nearest wall per frame (capped at the wall rays' range). */
  wallDistance: Float64Array;
  /** Velocity along the facing. */
  forward: Float64Array;
  /** Velocity across the facing. */
  lateral: Float64Array;
  /** Index of each trajectory's first frame, then the total. */
  starts: Int32Array;
  /** Lengths of standing-still bouts, s (a bout cut by the trajectory's end counts as it is). */
  standingBouts: Float64Array;
  /** Share of frames standing still. */
  standingShare: number;
}

/** Distance to the nearest wall around a point, through a map's wall boxes. */
export class WallProbe {
  private readonly caster: BvhRayCaster;
  private readonly batch: RayBatch = createRayBatch(WALL_RAYS);

  /** @param walls Wall boxes as min/max corners, m. */
  constructor(walls: readonly { min: readonly number[]; max: readonly number[] }[]) {
    this.caster = new BvhRayCaster(levelFromBoxes(walls.map((w) => ({ min: [...w.min], max: [...w.max], tag: 1 }))), { maxAgents: 1 });
    this.caster.setAgents(0, new Float32Array(3), new Int32Array(1));
  }

  /** Nearest wall distance from (x, y + knee, z), m (at most the rays' range). */
  distance(x: number, y: number, z: number): number {
    const b = this.batch;
    b.count = WALL_RAYS;
    b.radius = 0;
    for (let r = 0; r < WALL_RAYS; r++) {
      const a = (r * 2 * Math.PI) / WALL_RAYS;
      b.origins[3 * r] = x;
      b.origins[3 * r + 1] = y + KNEE;
      b.origins[3 * r + 2] = z;
      b.dirs[3 * r] = Math.cos(a);
      b.dirs[3 * r + 1] = 0;
      b.dirs[3 * r + 2] = Math.sin(a);
      b.maxDist[r] = WALL_RANGE;
      b.exclude[r] = -1;
    }
    this.caster.castBatch(b);
    let d = WALL_RANGE;
    for (let r = 0; r < WALL_RAYS; r++) d = Math.min(d, b.hitDist[r]!);
    return d;
  }
}

/** The features of `trajectories` (see the module comment). */
export function movementFeatures(trajectories: readonly Trajectory[], walls: WallProbe): MovementFeatures {
  const total = trajectories.reduce((n, t) => n + t.length, 0);
  const f: MovementFeatures = {
    speed: new Float64Array(total),
    acceleration: new Float64Array(total),
    turnRate: new Float64Array(total),
    wallDistance: new Float64Array(total),
    forward: new Float64Array(total),
    lateral: new Float64Array(total),
    starts: new Int32Array(trajectories.length + 1),
    standingBouts: new Float64Array(0),
    standingShare: 0,
  };
  const bouts: number[] = [];
  let standing = 0;
  let k = 0;
  trajectories.forEach((t, j) => {
    f.starts[j] = k;
    let bout = 0;
    for (let i = 0; i < t.length; i++, k++) {
      const vx = t.velocity[3 * i]!;
      const vz = t.velocity[3 * i + 2]!;
      const yaw = t.yaw[i]!;
      f.speed[k] = Math.sqrt(vx * vx + vz * vz);
      f.forward[k] = Math.cos(yaw) * vx + Math.sin(yaw) * vz;
      f.lateral[k] = -Math.sin(yaw) * vx + Math.cos(yaw) * vz;
      if (i > 0) {
        const ax = vx - t.velocity[3 * (i - 1)]!;
        const az = vz - t.velocity[3 * (i - 1) + 2]!;
        f.acceleration[k] = Math.sqrt(ax * ax + az * az) * t.fps;
        f.turnRate[k] = (Math.abs(angleDiff(t.yaw[i - 1]!, yaw)) * 180 * t.fps) / Math.PI;
      }
      f.wallDistance[k] = walls.distance(t.position[3 * i]!, t.position[3 * i + 1]!, t.position[3 * i + 2]!);
      if (f.speed[k]! < STANDING_MS) {
        standing++;
        bout++;
      } else if (bout > 0) {
        bouts.push(bout / t.fps);
        bout = 0;
      }
    }
    if (bout > 0) bouts.push(bout / t.fps);
  });
  f.starts[trajectories.length] = k;
  f.standingBouts = Float64Array.from(bouts);
  f.standingShare = total > 0 ? standing / total : 0;
  return f;
}

/**
 * The 1-D earth mover's (Wasserstein-1) distance between two samples, in their unit: the area
 * between their empirical quantile functions. NaN when either is empty.
 */
export function sampleEmd(a: Float64Array, b: Float64Array): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  // Walk the merged quantile breakpoints i/n and j/m.
  let i = 0;
  let j = 0;
  let q = 0;
  let emd = 0;
  while (i < x.length && j < y.length) {
    const qi = (i + 1) / x.length;
    const qj = (j + 1) / y.length;
    const next = Math.min(qi, qj);
    emd += (next - q) * Math.abs(x[i]! - y[j]!);
    q = next;
    if (qi <= next) i++;
    if (qj <= next) j++;
  }
  return emd;
}
