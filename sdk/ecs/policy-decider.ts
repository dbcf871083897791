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
import { createPlayerStates, EGOCENTRIC_FEATURES, EgocentricTokens, JOINT_FEATURES, JointTokens } from '../sensors/index.js';
import type { Decider, DecisionBatch } from './deciders.js';
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
}

/** A decider that runs `policy` for the agents of `world` (see the module comment). */
export function policyDecider(world: AiWorld, policy: Policy, options: PolicyDeciderOptions = {}): PolicyDecider {
  const spec = policy.spec;
  const sensor = world.sensors[options.sensor ?? 0];
  const rays =
    sensor === undefined
      ? null
      : { count: sensor.rays, valuesPerRay: sensor.valuesPerRay, detectableTags: [...sensor.config.detectableTags] };
  const entityFeatures = spec.mode === 'joint' ? [...JOINT_FEATURES] : [...EGOCENTRIC_FEATURES];
  checkPolicyAgainstWorld(spec, {
    mode: spec.mode,
    tokens: spec.observation.tokens,
    entityFeatures,
    rays,
    stack: 1,
    movementClasses: MOVEMENT_CLASSES,
  });
  const T = spec.observation.tokens;
  const F = spec.observation.featuresPerToken;
  const E = entityFeatures.length;
  const rayFloats = rays === null ? 0 : rays.count * rays.valuesPerRay;
  const classes = policy.classes;
  const temperature = options.temperature ?? 1;
  const players = createPlayerStates(world.capacity);
  const playerOf = new Int32Array(world.capacity).fill(-1); // entity -> player index
  const rows = new Int32Array(world.capacity); // due agents as player indices
  const clock = options.clock ?? monotonicClock;

  /** Copies every live agent into the player table (entity order = world.agents order). */
  const gatherPlayers = (): void => {
    const { Agent, Transform, Velocity } = world.c;
    players.count = world.agentCount;
    for (let p = 0; p < world.agentCount; p++) {
      const e = world.agents[p]!;
      playerOf[e] = p;
      players.position[3 * p] = Transform.x[e]!;
      players.position[3 * p + 1] = Transform.y[e]!;
      players.position[3 * p + 2] = Transform.z[e]!;
      players.velocity[3 * p] = Velocity.x[e]!;
      players.velocity[3 * p + 1] = Velocity.y[e]!;
      players.velocity[3 * p + 2] = Velocity.z[e]!;
      players.yaw[p] = Transform.yaw[e]!;
      players.health[p] = Agent.health[e]!;
      players.alive[p] = Agent.alive[e]!;
      players.team[p] = Agent.team[e]!;
      players.entity[p] = e;
    }
  };

  /** Copies entity e's ray readings into the token starting at float `o`. */
  const copyRays = (e: number, o: number): void => {
    const src = e * world.obsStride;
    for (let j = 0; j < rayFloats; j++) policy.tokens[o + E + j] = world.observations[src + j]!;
  };

  if (spec.mode === 'joint') {
    const joint = new JointTokens({ maxPlayers: T, center: options.center ?? [0, 0, 0], halfExtent: options.halfExtent ?? 50 });
    return {
      name: `policy(joint, ${spec.architecture.kind ?? 'model'})`,
      decide(batch: DecisionBatch, actions: Int32Array): void {
        gatherPlayers();
        policy.tokens.fill(0, 0, policy.rowFloats);
        joint.encode(players, policy.tokens, policy.mask, F);
        for (let p = 0; p < Math.min(players.count, T); p++) copyRays(players.entity[p]!, p * F);
        const logits = runNow(policy, 1);
        for (let i = 0; i < batch.count; i++) {
          const p = playerOf[batch.agents[i]!]!;
          actions[i] = p >= 0 && p < T ? sampleLogits(logits, p * classes, classes, temperature, batch.rng) : 0;
        }
      },
    };
  }

  const maxAllies = options.maxAllies ?? 4;
  const maxEnemies = options.maxEnemies ?? 5;
  if (1 + maxAllies + maxEnemies !== T) {
    throw new TickmindError(
      'SHAPE_MISMATCH',
      `1 + maxAllies (${maxAllies}) + maxEnemies (${maxEnemies}) must equal the policy's ${T} tokens`,
      { field: 'maxAllies' },
    );
  }
  const tokens = new EgocentricTokens({ maxAllies, maxEnemies });
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
      // The budget covers the whole decision (tokens + forward pass), so time it all.
      const t0 = clock();
      gatherPlayers();
      for (let i = 0; i < n; i++) {
        rows[i] = playerOf[agents[i]!]!;
        slot[agents[i]!] = i;
      }
      policy.tokens.fill(0, 0, n * policy.rowFloats);
      tokens.encode(players, rows, n, policy.tokens, policy.mask, F);
      for (let i = 0; i < n; i++) copyRays(agents[i]!, i * policy.rowFloats);
      const logits = policy.runSync(n);
      scheduler?.record(n, clock() - t0);
      for (let i = 0; i < batch.count; i++) {
        const e = batch.agents[i]!;
        const row = slot[e]!;
        if (row >= 0) actions[i] = sampleLogits(logits, row * T * classes, classes, temperature, batch.rng);
      }
      for (let i = 0; i < n; i++) slot[agents[i]!] = -1;
    },
  };

  /** Applies a finished request's actions, then submits this batch if none is in flight; due agents keep their actions meanwhile. */
  function decideAsync(batch: DecisionBatch, actions: Int32Array): void {
    if (asyncLogits !== undefined) {
      for (let i = 0; i < asyncCount; i++) {
        const e = asyncAgents[i]!;
        if (world.c.Agent.alive[e] === 1)
          world.c.Action.movement[e] = sampleLogits(asyncLogits, i * T * classes, classes, temperature, batch.rng);
      }
      asyncLogits = undefined;
    }
    for (let i = 0; i < batch.count; i++) actions[i] = world.c.Action.movement[batch.agents[i]!]!;
    if (inFlight || batch.count === 0) return;
    const n = Math.min(batch.count, policy.maxBatch);
    gatherPlayers();
    for (let i = 0; i < n; i++) {
      asyncAgents[i] = batch.agents[i]!;
      rows[i] = playerOf[batch.agents[i]!]!;
    }
    asyncCount = n;
    policy.tokens.fill(0, 0, n * policy.rowFloats);
    tokens.encode(players, rows, n, policy.tokens, policy.mask, F);
    for (let i = 0; i < n; i++) copyRays(asyncAgents[i]!, i * policy.rowFloats);
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
