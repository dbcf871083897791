/**
 * The systems, in their fixed order: sense → decide → (record) → act, and `step` which runs
 * them and advances physics and the tick. Recording comes before act so a frame holds exactly
 * the state the deciders saw (act overwrites velocities). A game may call each system itself instead. Nothing
 * here allocates per tick.
 */
import { accelerate } from '../actuators/inertia.js';
import { commandVelocity, createMovementCommand, decodeMovement, MOVEMENT_CLASSES, Stature } from '../actuators/movement.js';
import { TickmindError } from '../core/errors.js';
import type { AgentMover } from '../physics/mover.js';
import { deciderSpan } from './tick-profile.js';
import { type AiWorld, gatherPlayers } from './world.js';

const command = createMovementCommand();
const velocity = new Float32Array(2);

/** Whether agent e decides at the world's current tick. */
export function isDue(world: AiWorld, e: number): boolean {
  const s = world.c.Schedule;
  return s.pending[e] === 1 || (world.tick - s.offset[e]!) % s.period[e]! === 0 || s.lastDecision[e]! < 0;
}

/**
 * Sense: every due agent's rays, grouped by sensor, one batch cast per sensor (rows land in
 * world.observations); then each decider with a `sense` hook queues the line-of-sight pairs its
 * due agents will read, and every queued pair is cast in one batch.
 */
export function senseSystem(world: AiWorld): void {
  if (world.bvh !== undefined) syncBvh(world);
  world.stats.sensed = 0;
  world.stats.rays = 0;
  if (world.caster === undefined) return;
  senseRays(world);
  if (world.sight !== undefined) senseSight(world);
}

/** Every due agent's rays, one batch cast per sensor. */
function senseRays(world: AiWorld): void {
  const { Transform, SensorRef, Agent } = world.c;
  const caster = world.caster!;
  for (let s = 0; s < world.sensors.length; s++) {
    const sensor = world.sensors[s]!;
    const poses = world.poses;
    let n = 0;
    for (let i = 0; i < world.agentCount; i++) {
      const e = world.agents[i]!;
      if (SensorRef.sensor[e] !== s || Agent.alive[e] === 0 || !isDue(world, e)) continue;
      poses.position[3 * n] = Transform.x[e]!;
      poses.position[3 * n + 1] = Transform.y[e]!;
      poses.position[3 * n + 2] = Transform.z[e]!;
      poses.yaw[n] = Transform.yaw[e]!;
      poses.pitch[n] = Transform.pitch[e]!;
      poses.entity[n] = e;
      n++;
    }
    if (n === 0) continue;
    poses.count = n;
    const batch = world.batches[s]!;
    sensor.fill(batch, poses);
    caster.castBatch(batch);
    // Encode straight into each agent's row (rows are indexed by entity id).
    for (let k = 0; k < n; k++)
      sensor.encode(batch, 1, world.observations, sensor.size, poses.entity[k]! * world.obsStride, k * sensor.rays);
    world.stats.sensed += n;
    world.stats.rays += n * sensor.rays;
  }
}

/** The deciders' line-of-sight pairs for their due agents, cast in one batch. */
function senseSight(world: AiWorld): void {
  const sight = world.sight!;
  const raysBefore = sight.raysCast;
  let asked = false;
  for (let d = 0; d < world.deciders.length; d++) {
    const decider = world.deciders[d]!;
    if (decider.sense === undefined) continue;
    const n = collectDue(world, d);
    if (n === 0) continue;
    if (!asked) gatherPlayers(world);
    asked = true;
    world.decision.count = n;
    decider.sense(world.decision);
  }
  if (!asked) return;
  sight.resolve(world.players, world.caster!);
  world.stats.rays += sight.raysCast - raysBefore;
}

/** Writes the live agents of decider d that are due this tick into world.due; returns how many. */
function collectDue(world: AiWorld, d: number): number {
  const { PolicyRef, Agent } = world.c;
  let n = 0;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    if (PolicyRef.decider[e] !== d || Agent.alive[e] === 0 || !isDue(world, e)) continue;
    world.due[n++] = e;
  }
  return n;
}

function syncBvh(world: AiWorld): void {
  const { Transform } = world.c;
  const p = world.poses;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    p.position[3 * i] = Transform.x[e]!;
    p.position[3 * i + 1] = Transform.y[e]!;
    p.position[3 * i + 2] = Transform.z[e]!;
    p.entity[i] = e;
  }
  world.bvh!.setAgents(world.agentCount, p.position, p.entity);
}

/** Decide: per decider, ONE call for all its due agents; the class persists in Action until the next decision. */
export function decideSystem(world: AiWorld): void {
  const { Action, Schedule } = world.c;
  world.stats.decided = 0;
  world.stats.deferred = 0;
  const profile = world.profile;
  const stride = world.obsStride;
  for (let d = 0; d < world.deciders.length; d++) {
    const n = collectDue(world, d);
    if (n === 0) continue;
    const decider = world.deciders[d]!;
    if (decider.readsObservations !== false)
      for (let k = 0; k < n; k++) {
        const e = world.due[k]!;
        for (let j = 0; j < stride; j++) world.dueObs[k * stride + j] = world.observations[e * stride + j]!;
      }
    world.decision.count = n;
    if (profile !== undefined) profile.profiler.begin(deciderSpan(profile, d, decider.name));
    decider.decide(world.decision, world.dueActions);
    if (profile !== undefined) profile.profiler.end();
    for (let k = 0; k < n; k++) {
      const e = world.due[k]!;
      const action = world.dueActions[k]!;
      if (!(action < MOVEMENT_CLASSES)) badAction(decider.name, e, action);
      if (action < 0) {
        Schedule.pending[e] = 1;
        world.stats.deferred++;
        continue;
      }
      Action.movement[e] = action;
      Schedule.lastDecision[e] = world.tick;
      Schedule.pending[e] = 0;
      world.stats.decided++;
    }
  }
}

/** A decider broke its contract (a class per due agent, or -1 to defer): a coded error naming it, before act would choke on it. */
function badAction(decider: string, entity: number, action: number): never {
  throw new TickmindError(
    'INVALID_ARGUMENT',
    `decider '${decider}' chose movement class ${action} for entity ${entity}: classes are 0..${MOVEMENT_CLASSES - 1}, -1 defers`,
    {
      field: 'actions',
    },
  );
}

/**
 * Act: each live agent's movement class → desired velocity (ramped by the world's inertia, if any)
 * (Velocity) → its intent to the world's mover, then ONE call moves them all; without a mover,
 * direct integration. Dead agents stand.
 */
export function actSystem(world: AiWorld): void {
  const { Agent, Action, Transform, Velocity } = world.c;
  const mover = world.mover;
  const inertia = world.inertia;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    if (Agent.alive[e] === 0) {
      mover?.setIntent(e, 0, 0, false, false);
      continue;
    }
    decodeMovement(Action.movement[e]!, command);
    commandVelocity(command, Transform.yaw[e]!, velocity, 0);
    if (inertia !== undefined) {
      // From last tick's velocity toward the target: the target's direction at the command's speed.
      const speed = command.speed;
      const dirX = speed > 0 ? velocity[0]! / speed : 0;
      const dirZ = speed > 0 ? velocity[1]! / speed : 0;
      accelerate(Velocity.x[e]!, Velocity.z[e]!, dirX, dirZ, speed, world.dt, inertia, velocity, 0);
    }
    Velocity.x[e] = velocity[0]!;
    Velocity.z[e] = velocity[1]!;
    if (mover !== undefined) {
      // From the array where the mover reads it: float arguments to a call V8 does not inline are boxed.
      if (mover.setIntentFrom !== undefined) mover.setIntentFrom(e, velocity, 0, command.jump, command.stature === Stature.crouch);
      else mover.setIntent(e, velocity[0]!, velocity[1]!, command.jump, command.stature === Stature.crouch);
    } else {
      Transform.x[e] = Transform.x[e]! + velocity[0]! * world.dt;
      Transform.z[e] = Transform.z[e]! + velocity[1]! * world.dt;
    }
  }
  mover?.moveAll();
}

/** After the physics step: copy the mover's positions back into Transform. */
function syncTransforms(world: AiWorld, mover: AgentMover): void {
  const { Transform } = world.c;
  const p = world.poses.position;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    mover.position(e, p, 0);
    Transform.x[e] = p[0]!;
    Transform.y[e] = p[1]!;
    Transform.z[e] = p[2]!;
  }
}

/**
 * Runs sense → decide → record → act, steps physics, and advances the tick. With a profiler
 * (`createAiWorld({ profiler })`) each call is one profiled tick with a span per phase.
 */
export function step(world: AiWorld, record?: (world: AiWorld) => void): void {
  const profile = world.profile;
  if (profile !== undefined) {
    profiledStep(world, record);
    return;
  }
  senseSystem(world);
  decideSystem(world);
  // Record before act: act overwrites velocities, and a frame must hold what the deciders saw.
  record?.(world);
  actSystem(world);
  physicsSystem(world);
  world.tick++;
}

/**
 * Physics: completes the mover's step (the Rapier mover steps its world) and copies the agents'
 * positions into Transform. For games that run the systems one by one instead of `step`.
 */
export function physicsSystem(world: AiWorld): void {
  const mover = world.mover;
  if (mover !== undefined) {
    mover.step();
    syncTransforms(world, mover);
  }
}

/** `step` with spans and counters; a separate function keeps the unprofiled path free of branches. */
function profiledStep(world: AiWorld, record: ((world: AiWorld) => void) | undefined): void {
  const profile = world.profile!;
  const p = profile.profiler;
  const ownsTick = !p.ticksByCaller;
  if (ownsTick) p.beginTick();
  else p.begin(profile.step);
  p.begin(profile.sense);
  senseSystem(world);
  p.end();
  p.begin(profile.decide);
  decideSystem(world);
  p.end();
  if (record !== undefined) {
    p.begin(profile.record);
    record(world);
    p.end();
  }
  p.begin(profile.act);
  actSystem(world);
  p.end();
  if (world.mover !== undefined) {
    p.begin(profile.physics);
    physicsSystem(world);
    p.end();
  }
  if (ownsTick) {
    p.count(profile.rays, world.stats.rays);
    p.count(profile.decided, world.stats.decided);
    p.count(profile.deferred, world.stats.deferred);
    p.endTick();
  } else {
    p.add(profile.rays, world.stats.rays);
    p.add(profile.decided, world.stats.decided);
    p.add(profile.deferred, world.stats.deferred);
    p.end();
  }
  world.tick++;
}
