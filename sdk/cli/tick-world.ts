/**
 * The worlds and the tick loop of `npm run bench:tick` (tick-bench.ts runs them), free of Node
 * APIs so that Node (bench/tick.js) and the browser page (bench/browser, `--tick`) build the very
 * same worlds and time the very same ticks. Rapier's mover and the heap readings come from the
 * caller: sdk/cli never loads Rapier, and a page reads its heap differently from Node.
 *
 * Hot path: {@link tick} and {@link runTicks} are plain functions that write into a preallocated
 * phase array and Float64Array samples; they allocate nothing. Heap growth is measured on untimed
 * ticks (each clock read returns a fresh heap number, so timed ticks would measure the harness).
 */
import { Rng, TickmindError } from '../core/index.js';
import {
  type AiWorld,
  actSystem,
  addAgent,
  createAiWorld,
  decideSystem,
  layoutForWorld,
  type PolicyDecider,
  physicsSystem,
  policyDecider,
  senseSystem,
} from '../ecs/index.js';
import { type KernelSet, setKernelSet } from '../inference/index.js';
import { type AgentMover, BvhLevel, BvhMover, BvhRayCaster, type LevelBoxes } from '../physics/index.js';
import { loadPolicy, type Policy, type PolicyMode, type PolicyOptions, starterModelBytes } from '../policy/index.js';
import { monotonicClock } from '../profiling/index.js';
import { RaySensor } from '../sensors/index.js';
import { arenaLevel, wrapAgents } from './profile-match.js';

/** How the agents move in the act phase. */
export type TickMoverKind = 'kinematic' | 'bvh' | 'rapier';

/** One 5v5 case. */
export interface TickCase {
  readonly name: string;
  readonly mode: PolicyMode;
  readonly mover: TickMoverKind;
  /** Waypoint features and line of sight in every token (the shipped models' layout). */
  readonly waypoints: boolean;
  /** Where the policy runs: native, or onnxruntime-web awaited inside the tick (joint kinematic only). */
  readonly backend: 'native' | 'ort';
}

const MOVER_NAMES: Record<TickMoverKind, string> = {
  kinematic: 'kinematic',
  bvh: 'BvhMover (batched WebAssembly)',
  rapier: 'Rapier character controller',
};

function tickCase(mover: TickMoverKind, waypoints: boolean, mode: PolicyMode, backend: 'native' | 'ort' = 'native'): TickCase {
  const name = `5v5 ${mode}${waypoints ? ' with waypoints and line of sight' : ''}, act: ${MOVER_NAMES[mover]}`;
  return { name: backend === 'ort' ? `${name}, policy on onnxruntime-web` : name, mode, mover, waypoints, backend };
}

/** The 5v5 cases, in order. */
export const TICK_CASES: readonly TickCase[] = [
  tickCase('kinematic', false, 'joint'),
  tickCase('bvh', false, 'joint'),
  tickCase('rapier', false, 'joint'),
  tickCase('kinematic', true, 'joint'),
  tickCase('kinematic', true, 'egocentric'),
];

/** The case of {@link TICK_CASES} run again with the policy on onnxruntime-web (option `ort`). */
export const ORT_TICK_CASE: TickCase = tickCase('kinematic', false, 'joint', 'ort');

/** Agents of the budget rows. */
export const BUDGET_AGENTS: readonly number[] = [64, 256];
/** The budget rows' decide budget, µs. */
export const BUDGET_US = 500;
export const budgetCaseName = (agents: number): string => `${agents} agents egocentric, ${BUDGET_US} µs decide budget`;

/** Reads the heap: bytes in use, and a full collection. */
export interface HeapProbe {
  used(): number;
  gc(): void;
}

/** Rapier's character mover on a level: the mover, and `settle` (one world step once the agents are in). */
export type RapierMoverFactory = (level: LevelBoxes, capacity: number) => { mover: AgentMover; settle(): void };

/** A world under test: the AI world, whether a mover steps it, its half extent, its policy decider. */
export interface TickWorld {
  world: AiWorld;
  moves: boolean;
  half: number;
  decider: PolicyDecider;
}

/** What {@link makeTickWorld} builds. */
export interface WorldConfig {
  agents: number;
  mode: PolicyMode;
  /** Half extent of the arena, m. */
  half: number;
  /** Default kinematic. */
  mover?: TickMoverKind;
  /** Egocentric: the scheduler's decide budget, µs. */
  budgetUs?: number;
  /** Waypoint features and line of sight in every token (default false). */
  waypoints?: boolean;
  /** The native kernel set the policy loads with. */
  kernels: KernelSet;
  /** Needed for mover 'rapier'. */
  rapier?: RapierMoverFactory;
}

const sensor = () =>
  new RaySensor({
    layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
    length: 25,
    detectableTags: [1, 2, 3],
  });

/** Loads a policy with the kernel set forced, then restores the setting. */
async function loadWithKernels(bytes: Uint8Array, kernels: KernelSet, options: PolicyOptions): Promise<Policy> {
  const previous = setKernelSet(kernels);
  try {
    return await loadPolicy(bytes, options);
  } finally {
    setKernelSet(previous);
  }
}

/** A world of n agents (two teams) on the benchmark arena, with the starter policy of `mode`; `bytes` is that policy's file. */
export async function makeTickWorld(c: WorldConfig): Promise<TickWorld & { bytes: Uint8Array }> {
  const { agents, mode, half, mover = 'kinematic', waypoints = false } = c;
  const level = arenaLevel(half, 40, agents);
  const bvhLevel = new BvhLevel(level);
  const caster = new BvhRayCaster(bvhLevel, { maxAgents: agents });
  let rapier: ReturnType<RapierMoverFactory> | undefined;
  if (mover === 'rapier') {
    if (c.rapier === undefined)
      throw new TickmindError('INVALID_ARGUMENT', "mover 'rapier' needs a Rapier mover factory", { field: 'rapier' });
    rapier = c.rapier(level, agents + 2);
  }
  const moverOf = mover === 'bvh' ? new BvhMover(bvhLevel, { capacity: agents + 2 }) : rapier?.mover;
  const world = createAiWorld({
    seed: 1,
    capacity: agents + 2,
    sensors: [sensor()],
    deciders: [],
    caster,
    bvh: caster,
    ...(moverOf !== undefined ? { mover: moverOf } : {}),
  });
  const frame = mode === 'joint' ? { playerTokens: 10, halfExtent: half } : {};
  const layout = layoutForWorld(world, { mode, ...frame, waypoints, lineOfSight: waypoints ? {} : false });
  const bytes = starterModelBytes({ observation: layout.toJSON(), seed: 1 });
  const policy = await loadWithKernels(bytes, c.kernels, { maxBatch: Math.max(agents, 1) });
  const decider = policyDecider(world, policy, { temperature: 1, ...(c.budgetUs !== undefined ? { budgetUs: c.budgetUs } : {}) });
  world.deciders.push(decider);
  const rng = new Rng(agents);
  for (let i = 0; i < agents; i++) {
    const e = addAgent(world, {
      team: i % 2,
      position: [rng.uniform(-half + 2, half - 2), 0, rng.uniform(-half + 2, half - 2)],
      yaw: rng.uniform(0, 6.28),
      period: 1,
    });
    if (waypoints) {
      // What a game's navigator writes each tick: here one fixed point per agent (the encoding is what costs).
      const W = world.c.Waypoint;
      W.x[e] = rng.uniform(-half, half);
      W.z[e] = rng.uniform(-half, half);
      W.goalDistance[e] = 20;
      W.active[e] = 1;
    }
  }
  rapier?.settle();
  return { world, moves: moverOf !== undefined, half, decider, bytes };
}

/** sense, decide, act and the whole AI tick of the last {@link tick}, µs. */
export const phase = new Float64Array(4);

/** Physics (a mover) or wrapping (kinematic agents have no walls), then the next tick. */
export function advance(w: TickWorld): void {
  if (w.moves) physicsSystem(w.world);
  else wrapAgents(w.world, w.half);
  w.world.tick++;
}

/** One timed AI tick; {@link phase} receives the phases' µs. Allocates nothing. */
export function tick(w: TickWorld): void {
  const t0 = monotonicClock();
  senseSystem(w.world);
  const t1 = monotonicClock();
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

/** n timed ticks; with `samples` (four arrays of at least n), tick i's phases land at index i. */
export function runTicks(w: TickWorld, n: number, samples?: Float64Array[]): void {
  for (let i = 0; i < n; i++) {
    tick(w);
    if (samples !== undefined) for (let k = 0; k < 4; k++) samples[k]![i] = phase[k]!;
  }
}

/** One AI tick without timing (for heap growth). */
function quietTick(w: TickWorld): void {
  senseSystem(w.world);
  decideSystem(w.world);
  actSystem(w.world);
  advance(w);
}

function quietTicks(w: TickWorld, n: number): void {
  for (let i = 0; i < n; i++) quietTick(w);
}

function noop(_i: number): void {}

/** The q-quantile of samples (nearest rank) to 0.1. */
export function tickQuantile(xs: Float64Array, q: number): number {
  const s = Float64Array.from(xs).sort();
  return Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! * 10) / 10;
}

/** The smallest growth over 5 rounds of `run` with no GC in between (background work shows in some rounds only). */
function minGrowth(heap: HeapProbe, run: () => void): number {
  let least = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    heap.gc();
    const before = heap.used();
    run();
    least = Math.min(least, heap.used() - before);
  }
  return least;
}

/** Heap growth over 10k untimed ticks, net of the harness's own growth (an empty loop). */
export function heapGrowth(w: TickWorld, heap: HeapProbe): number {
  quietTicks(w, 2000);
  const harness = minGrowth(heap, () => {
    for (let i = 0; i < 10_000; i++) noop(i);
  });
  return Math.max(0, minGrowth(heap, () => quietTicks(w, 10_000)) - harness);
}

/** Median and p99 of a phase. */
export interface PhaseUs {
  median: number;
  p99: number;
}

/** Median and p99 of samples[k]. */
export const phaseUs = (samples: Float64Array[], k: number): PhaseUs => ({
  median: tickQuantile(samples[k]!, 0.5),
  p99: tickQuantile(samples[k]!, 0.99),
});

/** The four phases of a timed run (samples: sense, decide, act, tick), as a row reports them. */
export const phasesUs = (samples: Float64Array[]): { senseUs: PhaseUs; decideUs: PhaseUs; actUs: PhaseUs; tickUs: PhaseUs } => ({
  senseUs: phaseUs(samples, 0),
  decideUs: phaseUs(samples, 1),
  actUs: phaseUs(samples, 2),
  tickUs: phaseUs(samples, 3),
});
