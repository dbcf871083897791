/**
 * What a demo's frame rows say about one player, for the importer: its state in the arena frame
 * (velocities scaled by the weapon's run speed), its movement label (the key that explains its
 * recorded change of velocity) and its hindsight waypoint (the nav mesh's way toward where it
 * actually went next).
 */
import { DEFAULT_SPEEDS } from '../actuators/index.js';
import type { Navigator } from '../navigation/index.js';
import type { createPlayerStates } from '../sensors/index.js';
import { demoPosition, demoYaw } from './frame.js';
import type { createLabelFit, LabelFitter } from './labels.js';
import type { DemoRecording } from './recording.js';

/** Speed under which a player stands (m/s, after scaling). */
export const STAND_MS = 0.5;
/** Upward speed that marks a jump, units/s (a jump's take-off is about 300). */
const JUMP_UP = 150;
/** Vertical speed above which a player is in the air, units/s (on the ground it is 0). */
const AIRBORNE = 1;

/** Every player's state at frame row r into the player table (arena frame; velocities scaled by the weapon's run speed). */
export function loadPlayers(rec: DemoRecording, r: number, out: ReturnType<typeof createPlayerStates>): void {
  const f = rec.frames;
  const N = rec.players.length;
  out.count = N;
  for (let p = 0; p < N; p++) {
    const i = r * N + p;
    const speedScale = DEFAULT_SPEEDS.run / f.runSpeed[i]!;
    demoPosition(f, i, out.position, 3 * p);
    out.velocity[3 * p] = f.velocity[3 * i]! * speedScale;
    out.velocity[3 * p + 1] = f.velocity[3 * i + 2]! * speedScale;
    out.velocity[3 * p + 2] = -f.velocity[3 * i + 1]! * speedScale;
    out.yaw[p] = demoYaw(f, i);
    out.health[p] = f.health[i]!;
    out.alive[p] = f.alive[i]!;
    out.team[p] = f.side[i]!;
    out.entity[p] = p;
  }
}

/**
 * The movement class of player p at row r (its state already in `players`): the key that, held
 * until row r1, explains its recorded change of velocity ({@link LabelFitter}); `fit` gets the errors.
 */
export function label(
  rec: DemoRecording,
  fitter: LabelFitter,
  players: ReturnType<typeof createPlayerStates>,
  p: number,
  r: number,
  r1: number,
  every: number,
  yaws: Float64Array,
  fit: ReturnType<typeof createLabelFit>,
): number {
  const f = rec.frames;
  const N = rec.players.length;
  const i = r * N + p;
  const j = r1 * N + p;
  const scale = DEFAULT_SPEEDS.run / f.runSpeed[i]!;
  // The end velocity, arena frame (x = x, z = −y); a dead or missing end keeps the start's.
  const alive1 = f.alive[j] === 1;
  const v1x = alive1 ? f.velocity[3 * j]! * scale : players.velocity[3 * p]!;
  const v1z = alive1 ? -f.velocity[3 * j + 1]! * scale : players.velocity[3 * p + 2]!;
  const up = f.velocity[3 * i + 2]!;
  const ticks = Math.min(Math.max(1, r1 - r), every);
  // The facing at each tick of the interval (rows are recorded ticks; a dead row keeps the last facing).
  let yaw = players.yaw[p]!;
  for (let k = 0; k < ticks; k++) {
    const row = r + k;
    if (row < f.count && f.alive[row * N + p] === 1) yaw = demoYaw(f, row * N + p);
    yaws[k] = yaw;
  }
  fitter.fit(
    players.velocity[3 * p]!,
    players.velocity[3 * p + 2]!,
    v1x,
    v1z,
    yaws,
    f.crouch[i] === 1,
    Math.abs(up) > AIRBORNE,
    up > JUMP_UP,
    ticks,
    1 / rec.tickRate,
    fit,
  );
  return fit.cls;
}

/** Scratch: a goal position, arena frame. */
const goal = new Float64Array(3);

/** Waypoint of player p at row r toward where it is at `goalTick` (its last living row before it, else its own position). */
export function hindsightWaypoint(
  rec: DemoRecording,
  navigator: Navigator,
  p: number,
  r: number,
  tick: number,
  goalTick: number,
  rowOf: Map<number, number>,
  players: ReturnType<typeof createPlayerStates>,
  out: { x: Float32Array; y: Float32Array; z: Float32Array; goalDistance: Float32Array; active: Uint8Array },
): void {
  const N = rec.players.length;
  const f = rec.frames;
  let g = r;
  for (let t = goalTick; t > tick; t--) {
    const rr = rowOf.get(t);
    if (rr !== undefined && f.alive[rr * N + p] === 1) {
      g = rr;
      break;
    }
  }
  demoPosition(f, g * N + p, goal, 0);
  const gx = goal[0]!;
  const gy = goal[1]!;
  const gz = goal[2]!;
  const x = players.position[3 * p]!;
  const y = players.position[3 * p + 1]!;
  const z = players.position[3 * p + 2]!;
  const goalArea = navigator.areaIndexAt(gx, gy, gz, -1);
  if (goalArea < 0) {
    // Off the mesh: head straight for it.
    out.x[p] = gx;
    out.y[p] = y;
    out.z[p] = gz;
    out.goalDistance[p] = Math.sqrt((gx - x) ** 2 + (gz - z) ** 2);
    out.active[p] = 1;
    return;
  }
  navigator.guide(p, x, y, z, goalArea, gx, gz, tick, out);
}
