/**
 * The onnxruntime-web case of bench:tick: the world of its native case, its policy loaded a second
 * time on onnxruntime-web (1 thread) and awaited inside the decide phase — what a tick costs when
 * the policy runs there instead of on the native backend. The ECS's policy decider refuses joint
 * policies on onnxruntime-web (their answer would come a tick late, for everyone), so this case
 * takes the joint decider's steps itself: gather the players, encode the match, await the run;
 * then `decideSystem` samples each agent's class from those logits as usual.
 */
import { actSystem, type Decider, decideSystem, senseSystem } from '../ecs/index.js';
import type { KernelSet } from '../inference/index.js';
import { loadPolicy, sampleLogits } from '../policy/index.js';
import { monotonicClock } from '../profiling/index.js';
import type { TickRow } from './tick-bench.js';
import { advance, makeTickWorld, phase, phasesUs, type TickCase, type TickWorld } from './tick-world.js';

/** A tick world whose decide phase first awaits `prepare` (the onnxruntime-web run). */
interface OrtWorld extends TickWorld {
  prepare(): Promise<void>;
}

async function makeOrtWorld(c: TickCase, kernels: KernelSet): Promise<OrtWorld> {
  const w = await makeTickWorld({ agents: 10, mode: c.mode, half: 20, mover: c.mover, waypoints: c.waypoints, kernels });
  const ort = await loadPolicy(w.bytes, { backend: 'ort', maxBatch: 1 });
  const obs = w.decider.observations;
  const classes = ort.classes;
  const playerOf = w.world.playerOf;
  let logits: Float32Array = new Float32Array(obs.playerTokens * classes);
  const decider: Decider = {
    name: 'policy(joint) on onnxruntime-web',
    decide(batch, actions) {
      for (let i = 0; i < batch.count; i++) {
        const p = playerOf[batch.agents[i]!]!;
        actions[i] = p >= 0 && p < obs.playerTokens ? sampleLogits(logits, p * classes, classes, 1, batch.rng) : 0;
      }
    },
  };
  w.world.deciders[0] = decider; // the agents keep their decider index
  return {
    ...w,
    async prepare() {
      obs.gather();
      obs.encodeMatch(ort.tokens, ort.mask);
      logits = await ort.runAsync(1);
    },
  };
}

async function tickOrt(w: OrtWorld): Promise<void> {
  const t0 = monotonicClock();
  senseSystem(w.world);
  const t1 = monotonicClock();
  await w.prepare();
  decideSystem(w.world);
  const t2 = monotonicClock();
  actSystem(w.world);
  const t3 = monotonicClock();
  phase[0] = t1 - t0;
  phase[1] = t2 - t1;
  phase[2] = t3 - t2;
  phase[3] = t3 - t0;
  advance(w);
}

async function runOrtTicks(w: OrtWorld, n: number, samples?: Float64Array[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    await tickOrt(w);
    if (samples !== undefined) for (let k = 0; k < 4; k++) samples[k]![i] = phase[k]!;
  }
}

/**
 * Why this case has no heap growth figure: onnxruntime-web allocates per run (its tensors and
 * promises), so young-generation collections run inside the measured window and the before/after
 * difference no longer counts what the ticks allocated (it reads 0 B where Node's --trace-gc shows
 * a scavenge every few hundred ticks).
 */
export const ORT_HEAP_NOTE = 'not measured: onnxruntime-web allocates per run, and the collections inside the window hide it';

/** The onnxruntime-web case: warm-up, timed ticks (no heap growth: {@link ORT_HEAP_NOTE}). */
export async function benchOrtCase(c: TickCase, o: { ticks: number }, kernels: KernelSet): Promise<TickRow> {
  const w = await makeOrtWorld(c, kernels);
  await runOrtTicks(w, 300);
  const samples = [0, 1, 2, 3].map(() => new Float64Array(o.ticks));
  await runOrtTicks(w, o.ticks, samples);
  return {
    case: c.name,
    ...phasesUs(samples),
    heapGrowthPer10kTicks: null,
    heapNote: ORT_HEAP_NOTE,
  };
}
