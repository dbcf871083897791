/**
 * `tickmind demo`: a headless 5v5 match where every agent decides every tick with a d = 64
 * token transformer (one batched native forward pass per tick) — the repository's fixture in a
 * checkout, else the SDK's seeded starter of the same shape — sampling one of 97 movement classes
 * with the seeded RNG. Prints per-tick decision latency next to onnxruntime-web on the same
 * inputs (when that optional peer is installed), and a checksum of the trajectories (same seed,
 * same checksum).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, TickmindError } from '../core/index.js';
import { NativeSession, OrtSession } from '../inference/index.js';
import { starterModelBytes } from '../policy/index.js';
import { monotonicClock } from '../profiling/index.js';
import { checkKnown, intOption, option, type ParsedArgs } from './args.js';
import { readModel } from './model-check.js';
import { round, summarize } from './stats.js';

const AGENTS = 10;
const TOKENS = 10;
const FEATURES = 24;
const CLASSES = 97;
const DT = 1 / 64;
const ARENA = 20;

/** The default model: the d=64 token transformer from the test fixtures, when run from the repository. */
export function defaultDemoModel(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', '..', 'tests', 'fixtures', 'models', 'transformer_d64_l2.onnx');
}

/** Outside a checkout: the SDK's seeded starter transformer with the demo's shape (10 tokens of 24 features). */
function starterDemoModel(): Uint8Array {
  const names = Array.from({ length: FEATURES }, (_, i) => `f${i}`);
  const observation = {
    version: 2,
    mode: 'egocentric' as const,
    tokens: TOKENS,
    playerTokens: TOKENS,
    objectives: 0,
    featuresPerToken: FEATURES,
    stack: 1,
    maxAllies: 4,
    maxEnemies: 5,
    blocks: [
      {
        kind: 'entity' as const,
        scope: 'all' as const,
        offset: 0,
        width: FEATURES,
        names,
        positionScale: 20,
        velocityScale: 5,
        maxHealth: 100,
      },
    ],
    entityFeatures: names,
    rays: null,
  };
  return starterModelBytes({ observation, seed: 1 });
}

/** Movement class -> planar velocity: 0 stands still; else 16 directions x run/walk/crouch x jump. */
function classVelocity(c: number, out: Float32Array): void {
  if (c === 0) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  const k = c - 1;
  const dir = k % 16;
  const stature = Math.floor(k / 16) % 3;
  const speed = [5, 2.5, 1.5][stature]!;
  const angle = (dir * Math.PI) / 8;
  out[0] = Math.cos(angle) * speed;
  out[1] = Math.sin(angle) * speed;
}

interface MatchState {
  pos: Float32Array;
  vel: Float32Array;
}

/** Egocentric observation rows: for each agent, every player relative to it (self first). */
function observe(s: MatchState, tokens: Float32Array): void {
  tokens.fill(0);
  for (let a = 0; a < AGENTS; a++) {
    for (let t = 0; t < TOKENS; t++) {
      const p = (a + t) % AGENTS;
      const o = (a * TOKENS + t) * FEATURES;
      tokens[o] = (s.pos[2 * p]! - s.pos[2 * a]!) / ARENA;
      tokens[o + 1] = (s.pos[2 * p + 1]! - s.pos[2 * a + 1]!) / ARENA;
      tokens[o + 2] = s.vel[2 * p]! / 5;
      tokens[o + 3] = s.vel[2 * p + 1]! / 5;
      tokens[o + 4] = p < AGENTS / 2 === a < AGENTS / 2 ? 1 : -1;
      tokens[o + 5] = t === 0 ? 1 : 0;
    }
  }
}

function sample(logits: Float32Array, offset: number, temperature: number, rng: Rng): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < CLASSES; c++) max = Math.max(max, logits[offset + c]!);
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) sum += Math.exp((logits[offset + c]! - max) / temperature);
  let u = rng.next() * sum;
  for (let c = 0; c < CLASSES; c++) {
    u -= Math.exp((logits[offset + c]! - max) / temperature);
    if (u <= 0) return c;
  }
  return CLASSES - 1;
}

interface MatchResult {
  /** Decide-phase latency per tick, µs. */
  nativeUs: Float64Array;
  /** How often each movement class was sampled. */
  counts: Int32Array;
  /** Copies of the observation rows of every REPLAY_EVERY-th tick, for the reference replay. */
  snapshots: Float32Array[];
  checksum: number;
}

const REPLAY_EVERY = 4;

/** Plays the match on the native backend alone, so nothing else runs inside the timed section. */
function playMatch(native: NativeSession, ticks: number, seed: number): MatchResult {
  const rng = new Rng(seed);
  const state: MatchState = { pos: new Float32Array(AGENTS * 2), vel: new Float32Array(AGENTS * 2) };
  for (let i = 0; i < AGENTS * 2; i++) state.pos[i] = rng.uniform(-ARENA / 2, ARENA / 2);
  const tokens = new Float32Array(AGENTS * TOKENS * FEATURES);
  const feeds = {
    tokens: { data: tokens, dims: [AGENTS, TOKENS, FEATURES] },
    mask: { data: new Uint8Array(AGENTS * TOKENS), dims: [AGENTS, TOKENS] },
  };
  const result: MatchResult = { nativeUs: new Float64Array(ticks), counts: new Int32Array(CLASSES), snapshots: [], checksum: 0 };
  const v = new Float32Array(2);
  observe(state, tokens);
  for (let i = 0; i < 30; i++) native.runSync(feeds); // warm-up: plan building and JIT
  for (let tick = 0; tick < ticks; tick++) {
    observe(state, tokens);
    if (tick % REPLAY_EVERY === 0) result.snapshots.push(tokens.slice());
    const t = monotonicClock();
    const out = native.runSync(feeds).logits!;
    result.nativeUs[tick] = monotonicClock() - t;
    const logits = out.data as Float32Array;
    // Each agent's row: its own token first (the starter computes token 0 alone: [agents, 1, classes]).
    const stride = (out.dims[1] ?? TOKENS) * CLASSES;
    for (let a = 0; a < AGENTS; a++) {
      const c = sample(logits, a * stride, 1, rng);
      result.counts[c]!++;
      classVelocity(c, v);
      for (let k = 0; k < 2; k++) {
        const i = 2 * a + k;
        state.vel[i] = v[k]!;
        state.pos[i] = Math.max(-ARENA, Math.min(ARENA, state.pos[i]! + state.vel[i]! * DT));
      }
    }
    if (tick % 128 === 127) process.stderr.write(`  tick ${tick + 1}/${ticks}\n`);
  }
  const M = 1_000_000_007;
  for (let i = 0; i < state.pos.length; i++) result.checksum = (((result.checksum * 31 + Math.round(state.pos[i]! * 1000)) % M) + M) % M;
  return result;
}

/** Replays recorded observations through onnxruntime-web: its latency and the largest output difference. */
async function replayOnOrt(
  bytes: Uint8Array,
  file: string,
  native: NativeSession,
  snapshots: Float32Array[],
): Promise<{ ortUs: Float64Array; maxAbsDiff: number }> {
  const ort = await OrtSession.create(bytes, { file });
  const mask = { data: new Uint8Array(AGENTS * TOKENS), dims: [AGENTS, TOKENS] };
  const ortUs = new Float64Array(snapshots.length);
  let maxAbsDiff = 0;
  try {
    for (let i = 0; i < 30; i++) await ort.run({ tokens: { data: snapshots[0]!, dims: [AGENTS, TOKENS, FEATURES] }, mask });
    for (let s = 0; s < snapshots.length; s++) {
      const feeds = { tokens: { data: snapshots[s]!, dims: [AGENTS, TOKENS, FEATURES] }, mask };
      const t = monotonicClock();
      const ref = (await ort.run(feeds)).logits!.data as Float32Array;
      ortUs[s] = monotonicClock() - t;
      const out = native.runSync(feeds).logits!.data as Float32Array;
      for (let i = 0; i < out.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(out[i]! - ref[i]!));
    }
  } finally {
    await ort.dispose();
  }
  return { ortUs, maxAbsDiff };
}

export async function demoCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, ['model', 'ticks', 'seed']);
  const given = option(args, 'model');
  const fixture = defaultDemoModel();
  if (given !== undefined && !existsSync(given))
    throw new TickmindError('IO', 'demo model not found (a token transformer with inputs tokens[batch,10,24] and mask[batch,10])', {
      file: given,
    });
  const file = given ?? (existsSync(fixture) ? fixture : 'the seeded starter transformer (d = 64, 2 layers)');
  const ticks = intOption(args, 'ticks', 640, 1, 1_000_000);
  const seed = intOption(args, 'seed', 1, 1, 2 ** 31 - 1);
  const bytes = given !== undefined || existsSync(fixture) ? readModel(file) : starterDemoModel();
  const native = NativeSession.create(bytes, { file });
  process.stderr.write(`tickmind demo: ${AGENTS} agents, ${ticks} ticks at 64 Hz, model ${file}\n`);
  const match = playMatch(native, ticks, seed);
  process.stderr.write(`  replaying ${match.snapshots.length} ticks on onnxruntime-web for reference\n`);
  const reference = await replayOnOrt(bytes, file, native, match.snapshots).catch((err: unknown) => {
    if (err instanceof TickmindError && err.code === 'BACKEND_UNAVAILABLE') return undefined;
    throw err;
  });
  const nativeMax = match.nativeUs.reduce((m, x) => Math.max(m, x), 0);
  const n = summarize(match.nativeUs);
  const o = reference === undefined ? undefined : summarize(reference.ortUs);
  const top = [...match.counts.keys()].sort((a, b) => match.counts[b]! - match.counts[a]!).slice(0, 5);
  const lines = [
    `decide phase, ${AGENTS} agents in one batched pass per tick (${native.lastFlops / 1e6} MFLOP):`,
    `  native           p50 ${n.medianUs.toFixed(1)} µs   p99 ${n.p99Us.toFixed(1)} µs   max ${round(nativeMax).toFixed(1)} µs`,
    ...(o === undefined || reference === undefined
      ? ['  onnxruntime-web  not installed (an optional peer): npm install onnxruntime-web to compare']
      : [
          `  onnxruntime-web  p50 ${o.medianUs.toFixed(1)} µs   p99 ${o.p99Us.toFixed(1)} µs   (same inputs, replayed)`,
          `  speed-up (median) ${(o.medianUs / n.medianUs).toFixed(2)}x; max |native - ort| ${reference.maxAbsDiff.toExponential(2)}`,
        ]),
    `  share of a 1 ms tick budget at p99: ${((n.p99Us / 1000) * 100).toFixed(1)}%`,
    `most sampled movement classes: ${top.map((c) => `${c} (${match.counts[c]})`).join(', ')}`,
    `trajectory checksum (seed ${seed}): ${match.checksum}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
