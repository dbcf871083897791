/**
 * Policies as deciders: egocentric (each due agent a row: self token with its rays, nearest
 * allies and enemies; all due agents in ONE batched call — more than the policy's maxBatch in
 * several — optionally under a per-tick budget) and joint (every player a token of one match row;
 * ONE pass decides everyone). The policy's layout is checked against the world when the decider
 * is built. In the sense phase the decider queues the line-of-sight pairs its rows read, so the
 * world casts them with everyone else's. Native policies decide in the same tick;
 * onnxruntime-web policies defer their agents until the answer arrives (the Decider contract).
 */
import { MOVEMENT_CLASSES } from '../actuators/movement.js';
import { TickmindError } from '../core/errors.js';
import { type CostModel, checkPolicyAgainstWorld, DecisionScheduler, type Policy, sampleLogits } from '../policy/index.js';
import { type Clock, monotonicClock } from '../profiling/clock.js';
import type { Decider, DecisionBatch } from './deciders.js';
import { TokenObservations } from './token-observations.js';
import type { AiWorld } from './world.js';
import { checkLayoutAgainstWorld, type LayoutFrame, withFrame, worldView } from './world-layout.js';

/** A policy decider; egocentric ones with a budget expose their scheduler (counters, cost model). */
export interface PolicyDecider extends Decider {
  /** The budget's scheduler, when a budget was set. */
  readonly scheduler?: DecisionScheduler;
  /** The token observations it encodes (its layout, as checked against the world). */
  readonly observations: TokenObservations;
  /** The last error of an asynchronous (onnxruntime-web) run, if any; its agents asked again. */
  readonly lastError: Error | undefined;
}

/** Options of {@link policyDecider}. */
export interface PolicyDeciderOptions extends LayoutFrame {
  /** Sampling temperature (default 1; 0 = argmax). */
  temperature?: number;
  /** Egocentric: a decide budget per tick in µs; agents over it are deferred, oldest first. */
  budgetUs?: number;
  /**
   * With a budget: a fixed cost model (µs per call and per agent) makes the scheduler's choices —
   * and so the match — deterministic for a seed; without it the model is fitted to measured
   * times, the one source of run-to-run differences (default: measured).
   */
  costModel?: CostModel;
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
  /** Named in errors (the policy's file). */
  file?: string;
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

/** The frame and slot options given: a version-1 policy's frames (it recorded none); a newer policy's are checked against them. */
function frameOf(options: PolicyDeciderOptions): LayoutFrame {
  const { center, halfExtent, maxAllies, maxEnemies } = options;
  return {
    ...(center !== undefined ? { center } : {}),
    ...(halfExtent !== undefined ? { halfExtent } : {}),
    ...(maxAllies !== undefined ? { maxAllies } : {}),
    ...(maxEnemies !== undefined ? { maxEnemies } : {}),
  };
}

/** A decider that runs `policy` for the agents of `world` (see the module comment). */
export function policyDecider(world: AiWorld, policy: Policy, options: PolicyDeciderOptions = {}): PolicyDecider {
  const spec = policy.spec;
  const file = options.file;
  const frame = frameOf(options);
  // A version-1 file recorded no frames: the options are its frames. Otherwise they must agree with the file.
  const layout = spec.upgradedFrom === 1 ? withFrame(spec.observation, frame) : spec.observation;
  const where = { ...frame, ...(options.sensor !== undefined ? { sensor: options.sensor } : {}) };
  checkLayoutAgainstWorld(world, layout, { ...where, ...(file !== undefined ? { file } : {}) }); // the diff, with hints
  const view = worldView(world, layout, where);
  checkPolicyAgainstWorld({ ...spec, observation: layout }, view, {
    movementClasses: MOVEMENT_CLASSES,
    ...(file !== undefined ? { file } : {}),
  });
  if (spec.mode === 'joint' && !policy.synchronous)
    throw new TickmindError('BACKEND_UNAVAILABLE', 'joint policies run on the native backend (they decide everyone in the same tick)', {
      field: 'backend',
      ...(file !== undefined ? { file } : {}),
    });
  const obs = new TokenObservations(world, layout, {
    ...(options.sensor !== undefined ? { sensor: options.sensor } : {}),
    ...(file !== undefined ? { file } : {}),
  });
  return spec.mode === 'joint' ? jointDecider(world, policy, obs, options) : egocentricDecider(world, policy, obs, options);
}

function jointDecider(world: AiWorld, policy: Policy, obs: TokenObservations, options: PolicyDeciderOptions): PolicyDecider {
  const classes = policy.classes;
  const temperature = options.temperature ?? 1;
  const probe = options.probe;
  const playerOf = world.playerOf;
  const sees = obs.layout.block('lineOfSight') !== undefined;
  return {
    name: `policy(joint, ${policy.spec.architecture.kind ?? 'model'})`,
    observations: obs,
    // Its tokens read the sensors from the world (TokenObservations), not from the batch.
    readsObservations: false,
    lastError: undefined,
    sense(): void {
      if (!sees) return;
      obs.gather();
      obs.queueSight(world.agents, 0);
    },
    decide(batch: DecisionBatch, actions: Int32Array): void {
      obs.gather();
      obs.encodeMatch(policy.tokens, policy.mask);
      const logits = policy.runSync(1);
      for (let i = 0; i < batch.count; i++) {
        const p = playerOf[batch.agents[i]!]!;
        const decides = p >= 0 && p < obs.playerTokens;
        if (decides) probeCopy(probe, batch.agents[i]!, logits, p * classes, world.tick);
        actions[i] = decides ? sampleLogits(logits, p * classes, classes, temperature, batch.rng) : 0;
      }
    },
  };
}

/** No request; the answer is being computed; an answer is waiting to be handed out. */
const IDLE = 0;
const ASKED = 1;
const ANSWERED = 2;

function egocentricDecider(world: AiWorld, policy: Policy, obs: TokenObservations, options: PolicyDeciderOptions): PolicyDecider {
  // Floats between rows of the logits: tokens × classes, or classes where the graph computes token 0 alone.
  const stride = policy.logitRowFloats;
  const classes = policy.classes;
  const temperature = options.temperature ?? 1;
  const clock = options.clock ?? monotonicClock;
  const probe = options.probe;
  const sees = obs.layout.block('lineOfSight') !== undefined;
  const scheduler =
    options.budgetUs === undefined
      ? undefined
      : new DecisionScheduler(world.capacity, {
          budgetUs: options.budgetUs,
          maxWaitTicks: options.maxWaitTicks ?? 8,
          ...(options.maxOverBudgetBatch !== undefined ? { maxOverBudgetBatch: options.maxOverBudgetBatch } : {}),
          ...(options.costModel !== undefined ? { costModel: options.costModel } : {}),
        });
  const chosen = new Int32Array(world.capacity);
  const slot = new Int32Array(world.capacity).fill(-1); // entity -> row in this call
  // Asynchronous runs: each entity's state, its answer, and the request in flight.
  const state = new Uint8Array(world.capacity);
  const answer = new Int32Array(world.capacity);
  const asked = new Int32Array(world.capacity);
  let askedCount = 0;
  let inFlight = false;
  let ready: Float32Array | undefined;
  const decider: PolicyDecider & { lastError: Error | undefined } = {
    name: `policy(egocentric, ${policy.spec.architecture.kind ?? 'model'})`,
    scheduler,
    // Its tokens read the sensors from the world (TokenObservations), not from the batch.
    readsObservations: false,
    observations: obs,
    lastError: undefined,
    sense(batch: DecisionBatch): void {
      if (!sees) return;
      obs.gather();
      obs.queueSight(batch.agents, batch.count);
    },
    decide(batch: DecisionBatch, actions: Int32Array): void {
      if (policy.synchronous) decideNow(batch, actions);
      else decideLater(batch, actions);
    },
    forget(e: number): void {
      scheduler?.forget(e);
      state[e] = IDLE;
    },
  };
  return decider;

  /** Runs `n` rows (agents[from .. from + n)) and samples their actions. */
  function runRows(batch: DecisionBatch, agents: Int32Array, from: number, n: number, actions: Int32Array): void {
    for (let i = 0; i < n; i++) slot[agents[from + i]!] = i;
    obs.encodeAgents(agents, n, policy.tokens, policy.mask, from);
    const logits = policy.runSync(n);
    for (let i = 0; i < batch.count; i++) {
      const e = batch.agents[i]!;
      const row = slot[e]!;
      if (row < 0) continue;
      probeCopy(probe, e, logits, row * stride, world.tick);
      actions[i] = sampleLogits(logits, row * stride, classes, temperature, batch.rng);
    }
    for (let i = 0; i < n; i++) slot[agents[from + i]!] = -1;
  }

  function decideNow(batch: DecisionBatch, actions: Int32Array): void {
    for (let i = 0; i < batch.count; i++) actions[i] = -1;
    obs.gather();
    if (scheduler === undefined) {
      // Everyone due decides: in chunks of maxBatch rows when there are more.
      for (let from = 0; from < batch.count; from += policy.maxBatch)
        runRows(batch, batch.agents, from, Math.min(policy.maxBatch, batch.count - from), actions);
      return;
    }
    // Never more than one batch: the rest keep their place in the scheduler's queue.
    const n = scheduler.select(world.tick, batch.agents, batch.count, chosen, policy.maxBatch);
    if (n === 0) return;
    // The budget covers the whole decision (tokens + forward pass), so time it all.
    const t0 = clock();
    runRows(batch, chosen, 0, n, actions);
    scheduler.record(n, clock() - t0);
  }

  /** Hands out answers that arrived, defers the rest, and asks for the due agents that have no request yet. */
  function decideLater(batch: DecisionBatch, actions: Int32Array): void {
    if (ready !== undefined) {
      for (let i = 0; i < askedCount; i++) {
        const e = asked[i]!;
        if (state[e] !== ASKED) continue; // forgotten meanwhile
        probeCopy(probe, e, ready, i * stride, world.tick);
        answer[e] = sampleLogits(ready, i * stride, classes, temperature, batch.rng);
        state[e] = ANSWERED;
      }
      ready = undefined;
    }
    let toAsk = 0;
    for (let i = 0; i < batch.count; i++) {
      const e = batch.agents[i]!;
      if (state[e] === ANSWERED) {
        actions[i] = answer[e]!;
        state[e] = IDLE;
        continue;
      }
      actions[i] = -1; // deferred: keeps its action, stays due until its answer is handed out
      if (state[e] === IDLE && !inFlight && toAsk < policy.maxBatch) chosen[toAsk++] = e;
    }
    if (toAsk === 0) return;
    obs.gather();
    for (let i = 0; i < toAsk; i++) {
      asked[i] = chosen[i]!;
      state[chosen[i]!] = ASKED;
    }
    askedCount = toAsk;
    obs.encodeAgents(asked, toAsk, policy.tokens, policy.mask);
    inFlight = true;
    policy.runAsync(toAsk).then(
      (logits) => {
        ready = Float32Array.from(logits);
        inFlight = false;
      },
      (err: unknown) => {
        decider.lastError = err instanceof Error ? err : new Error(String(err));
        for (let i = 0; i < askedCount; i++) if (state[asked[i]!] === ASKED) state[asked[i]!] = IDLE;
        inFlight = false;
      },
    );
  }
}
