/**
 * Policies as deciders: egocentric (each due agent a row: self token with its rays, nearest
 * allies and enemies; all due agents in ONE batched call, optionally under a per-tick budget)
 * and joint (every player a token of one match row; ONE pass decides everyone). Native policies
 * decide in the same tick; onnxruntime-web policies deliver their actions on a later tick.
 */
import { MOVEMENT_CLASSES } from '../actuators/movement.js';
import { TickmindError } from '../core/errors.js';
import { checkPolicyAgainstWorld, DecisionScheduler, type Policy, sampleLogits } from '../policy/index.js';
import { type Clock, monotonicClock } from '../profiling/clock.js';
import { EGOCENTRIC_FEATURES, hasWaypointFeatures, JOINT_FEATURES, WAYPOINT_FEATURES } from '../sensors/index.js';
import type { Decider, DecisionBatch } from './deciders.js';
import { TokenObservations } from './token-observations.js';
import type { AiWorld } from './world.js';

/** A policy decider; egocentric ones with a budget expose their scheduler (counters, cost model). */
export interface PolicyDecider extends Decider {
  /** The budget's scheduler, when a budget was set. */
  readonly scheduler?: DecisionScheduler;
}

/** Options of {@link policyDecider}. */
export interface PolicyDeciderOptions {
  /** Sampling temperature (default 1; 0 = argmax). */
  temperature?: number;
  /** Egocentric: ally slots (default 4; 1 + allies + enemies must equal the policy's tokens). */
  maxAllies?: number;
  /** Egocentric: enemy slots (default 5). */
  maxEnemies?: number;
  /** Joint: map center and half extent for the map-normalized frame (default origin, 50 m). */
  center?: readonly [number, number, number];
  /** Joint: meters from the center that map to ±1 (default 50). */
  halfExtent?: number;
  /** Egocentric: a decide budget per tick in µs; agents over it are deferred, oldest first. */
  budgetUs?: number;
  /** Ticks an agent may be deferred before it decides regardless (default 8). */
  maxWaitTicks?: number;
  /** Most agents decided over budget in one tick, for those past maxWaitTicks (default: as many as the budget holds). */
  maxOverBudgetBatch?: number;
  /** Index of the sensor whose rays go into tokens (default 0). */
  sensor?: number;
  /** Time source for the budget's cost model (default the monotonic clock). */
  clock?: Clock;
  /** Copies one agent's logits each time it decides (debug views: its action distribution). */
  probe?: DecisionProbe;
}

/**
 * Where a policy decider copies the logits of one watched agent when that agent decides; change
 * `entity` at any time (-1 watches nobody). Preallocated: the copy allocates nothing.
 */
export interface DecisionProbe {
  /** The watched entity, -1 for none. */
  entity: number;
  /** Its last logits, one per movement class. */
  readonly logits: Float32Array;
  /** World tick of that decision (-1: none yet). */
  tick: number;
}

/** A probe for a policy with `classes` movement classes, watching nobody yet. */
export function createDecisionProbe(classes: number): DecisionProbe {
  return { entity: -1, logits: new Float32Array(classes), tick: -1 };
}

/** Copies `logits[offset .. offset + classes)` into the probe when `entity` is the one it watches. */
function probeCopy(probe: DecisionProbe | undefined, entity: number, logits: Float32Array, offset: number, tick: number): void {
  if (probe === undefined || probe.entity !== entity) return;
  const n = Math.min(probe.logits.length, logits.length - offset);
  for (let k = 0; k < n; k++) probe.logits[k] = logits[offset + k]!;
  probe.tick = tick;
}

/** A decider that runs `policy` for the agents of `world` (see the module comment). */
export function policyDecider(world: AiWorld, policy: Policy, options: PolicyDeciderOptions = {}): PolicyDecider {
  const spec = policy.spec;
  const sensor = world.sensors[options.sensor ?? 0];
  const rays =
    sensor === undefined
      ? null
      : { count: sensor.rays, valuesPerRay: sensor.valuesPerRay, detectableTags: [...sensor.config.detectableTags] };
  const waypoints = hasWaypointFeatures(spec.observation.entityFeatures);
  const entityFeatures = [...(spec.mode === 'joint' ? JOINT_FEATURES : EGOCENTRIC_FEATURES), ...(waypoints ? WAYPOINT_FEATURES : [])];
  checkPolicyAgainstWorld(spec, {
    mode: spec.mode,
    tokens: spec.observation.tokens,
    entityFeatures,
    rays,
    stack: 1,
    objectives: spec.observation.objectives ?? 0,
    movementClasses: MOVEMENT_CLASSES,
  });
  const T = spec.observation.tokens;
  const classes = policy.classes;
  const temperature = options.temperature ?? 1;
  const clock = options.clock ?? monotonicClock;
  const obs = new TokenObservations(world, {
    mode: spec.mode,
    tokens: T,
    objectives: spec.observation.objectives ?? 0,
    waypoints,
    ...(options.sensor !== undefined ? { sensor: options.sensor } : {}),
    ...(options.maxAllies !== undefined ? { maxAllies: options.maxAllies } : {}),
    ...(options.maxEnemies !== undefined ? { maxEnemies: options.maxEnemies } : {}),
    ...(options.center !== undefined ? { center: options.center } : {}),
    ...(options.halfExtent !== undefined ? { halfExtent: options.halfExtent } : {}),
  });
  const playerOf = obs.playerOf;
  const probe = options.probe;

  if (spec.mode === 'joint') {
    return {
      name: `policy(joint, ${spec.architecture.kind ?? 'model'})`,
      decide(batch: DecisionBatch, actions: Int32Array): void {
        obs.gather();
        obs.encodeMatch(policy.tokens, policy.mask);
        const logits = runNow(policy, 1);
        for (let i = 0; i < batch.count; i++) {
          const p = playerOf[batch.agents[i]!]!;
          const decides = p >= 0 && p < obs.playerTokens;
          if (decides) probeCopy(probe, batch.agents[i]!, logits, p * classes, world.tick);
          actions[i] = decides ? sampleLogits(logits, p * classes, classes, temperature, batch.rng) : 0;
        }
      },
    };
  }

  const scheduler =
    options.budgetUs === undefined
      ? undefined
      : new DecisionScheduler(world.capacity, {
          budgetUs: options.budgetUs,
          maxWaitTicks: options.maxWaitTicks ?? 8,
          ...(options.maxOverBudgetBatch !== undefined ? { maxOverBudgetBatch: options.maxOverBudgetBatch } : {}),
        });
  const chosen = new Int32Array(world.capacity);
  const slot = new Int32Array(world.capacity).fill(-1); // entity -> row in this call
  // Async (onnxruntime-web): the request in flight and the agents it decides for.
  const asyncAgents = new Int32Array(world.capacity);
  let asyncCount = 0;
  let asyncLogits: Float32Array | undefined;
  let inFlight = false;

  return {
    name: `policy(egocentric, ${spec.architecture.kind ?? 'model'})`,
    scheduler,
    decide(batch: DecisionBatch, actions: Int32Array): void {
      if (!policy.synchronous) {
        decideAsync(batch, actions);
        return;
      }
      let n = batch.count;
      let agents = batch.agents;
      if (scheduler !== undefined) {
        n = scheduler.select(world.tick, batch.agents, batch.count, chosen);
        agents = chosen;
      }
      n = Math.min(n, policy.maxBatch);
      for (let i = 0; i < batch.count; i++) actions[i] = -1;
      if (n === 0) return;
      // The budget covers the whole decision (tokens + forward pass), so time it all. Only with a
      // budget: every clock reading is a fresh heap number (16 B a tick otherwise).
      const t0 = scheduler === undefined ? 0 : clock();
      obs.gather();
      for (let i = 0; i < n; i++) slot[agents[i]!] = i;
      obs.encodeAgents(agents, n, policy.tokens, policy.mask);
      const logits = policy.runSync(n);
      scheduler?.record(n, clock() - t0);
      for (let i = 0; i < batch.count; i++) {
        const e = batch.agents[i]!;
        const row = slot[e]!;
        if (row < 0) continue;
        probeCopy(probe, e, logits, row * T * classes, world.tick);
        actions[i] = sampleLogits(logits, row * T * classes, classes, temperature, batch.rng);
      }
      for (let i = 0; i < n; i++) slot[agents[i]!] = -1;
    },
  };

  /** Applies a finished request's actions, then submits this batch if none is in flight; due agents keep their actions meanwhile. */
  function decideAsync(batch: DecisionBatch, actions: Int32Array): void {
    if (asyncLogits !== undefined) {
      for (let i = 0; i < asyncCount; i++) {
        const e = asyncAgents[i]!;
        if (world.c.Agent.alive[e] !== 1) continue;
        probeCopy(probe, e, asyncLogits, i * T * classes, world.tick);
        world.c.Action.movement[e] = sampleLogits(asyncLogits, i * T * classes, classes, temperature, batch.rng);
      }
      asyncLogits = undefined;
    }
    for (let i = 0; i < batch.count; i++) actions[i] = world.c.Action.movement[batch.agents[i]!]!;
    if (inFlight || batch.count === 0) return;
    const n = Math.min(batch.count, policy.maxBatch);
    obs.gather();
    for (let i = 0; i < n; i++) asyncAgents[i] = batch.agents[i]!;
    asyncCount = n;
    obs.encodeAgents(asyncAgents, n, policy.tokens, policy.mask);
    inFlight = true;
    policy.runAsync(n).then(
      (logits) => {
        asyncLogits = Float32Array.from(logits);
        inFlight = false;
      },
      () => {
        inFlight = false;
      },
    );
  }
}

/** Runs a native policy now (joint mode needs its actions this tick). */
function runNow(policy: Policy, n: number): Float32Array {
  if (!policy.synchronous)
    throw new TickmindError('BACKEND_UNAVAILABLE', 'joint policies run on the native backend (they decide everyone in the same tick)', {
      field: 'backend',
    });
  return policy.runSync(n);
}
