/**
 * A navigator over a world: before the AI step, every live agent with a goal gets its next
 * waypoint in the `Waypoint` component (what policies reading waypoint features see); after the
 * physics step, each agent's commanded and actual travel feeds the navigator's stuck handling.
 * Allocation-free per tick.
 */
import type { Navigator } from '../navigation/index.js';
import type { AiWorld } from './world.js';

/** Per-world scratch: each agent's position before the step. */
const before = new WeakMap<AiWorld, Float32Array>();

/** Writes every live agent's waypoint toward the goal set with `navigator.setGoal` (agents without one read inactive). Call before `step`. */
export function guideAgents(world: AiWorld, navigator: Navigator): void {
  const { Transform, Agent, Waypoint } = world.c;
  let prev = before.get(world);
  if (prev === undefined) {
    prev = new Float32Array(2 * world.capacity);
    before.set(world, prev);
  }
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    prev[2 * e] = Transform.x[e]!;
    prev[2 * e + 1] = Transform.z[e]!;
    if (Agent.alive[e] === 1) navigator.guideToGoal(e, Transform.x[e]!, Transform.y[e]!, Transform.z[e]!, world.tick, Waypoint);
  }
}

/** Feeds each live agent's travel of the last step (commanded velocity × dt against distance moved) to the navigator. Call after `step`. */
export function observeAgents(world: AiWorld, navigator: Navigator): void {
  const prev = before.get(world);
  if (prev === undefined) return;
  const { Transform, Velocity, Agent, Waypoint } = world.c;
  // world.tick has advanced past the step that moved them.
  const tick = world.tick - 1;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    if (Agent.alive[e] !== 1) continue;
    const mx = Transform.x[e]! - prev[2 * e]!;
    const mz = Transform.z[e]! - prev[2 * e + 1]!;
    const vx = Velocity.x[e]!;
    const vz = Velocity.z[e]!;
    const commanded = Math.sqrt(vx * vx + vz * vz) * world.dt;
    navigator.observeProgress(e, commanded, Math.sqrt(mx * mx + mz * mz), tick, Waypoint, Transform.x[e]!, Transform.z[e]!);
  }
}
