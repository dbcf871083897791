/**
 * Fuzz: seeded mutations of the repository's own ONNX files (tests/fixtures/models, models/),
 * each run through tickmind and through onnxruntime-web directly. Fails on an error that is not a
 * TickmindError, a step slower than 1 s, tickmind and onnxruntime disagreeing on whether a file
 * runs or on its values, a file that changes the results of a model loaded alongside it, and a
 * file that costs more than 512 MB (100 MB and 1 s when it is refused). onnxruntime crashing inside a
 * kernel (Emscripten's abort(): a GRU over 0 rows, seed 43) where tickmind ran is reported apart, not
 * counted as a refusal. A second sequence (seed + 1)
 * runs natively with int8 weights: coded refusals, no step over 1 s, the same run-or-refuse verdict
 * as float32, and an int8 policy loaded alongside keeps its outputs bit for bit.
 *
 * TICKMIND_FUZZ=3000 scales the run (default 300); TICKMIND_FUZZ_SEED picks another sequence;
 * TICKMIND_FUZZ_REPORT=1 prints the table. To replay cases of a failing run, TICKMIND_FUZZ_ONLY=17,203
 * (with the same seed) runs those mutations only, prints each outcome, and writes each mutant to
 * TICKMIND_FUZZ_SAVE (a folder) when set.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web/wasm';
import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { Rng, TickmindError } from '../../sdk/core/index.js';
import { NativeSession } from '../../sdk/inference/index.js';
import { type CaseResult, runCase, type Verdict } from './fuzz-harness.js';
import { mutate } from './fuzz-mutations.js';

const COUNT = Number(process.env.TICKMIND_FUZZ ?? 300);
const SEED = Number(process.env.TICKMIND_FUZZ_SEED ?? 20);
const ONLY = process.env.TICKMIND_FUZZ_ONLY?.split(',').map(Number);
const SAVE = process.env.TICKMIND_FUZZ_SAVE;
const REPORT = process.env.TICKMIND_FUZZ_REPORT === '1' || COUNT > 300;
/** Mutations generated: every one up to the last replayed case (the sequence depends on all before it). */
const LAST = ONLY === undefined ? COUNT : Math.max(...ONLY) + 1;

const ROOT = join(import.meta.dirname, '..', '..');
const BASES = [join(ROOT, 'tests', 'fixtures', 'models'), join(ROOT, 'models')].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      return { name: f.replace(/\.onnx$/, ''), bytes, inputs: NativeSession.create(bytes).inputs };
    }),
);

/** The large transformer is picked less often: onnxruntime takes long to load it. */
const weightOf = (bytes: Uint8Array): number => (bytes.length > 400_000 ? 0.4 : 1);

const MB = 1024 * 1024;
const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

/** The base whose cumulative weight passes `r`. */
function pickBase(r: number): (typeof BASES)[number] {
  let left = r;
  for (const b of BASES) {
    left -= weightOf(b.bytes);
    if (left < 0) return b;
  }
  return BASES[0]!;
}

interface Row {
  index: number;
  base: string;
  kind: string;
  detail: string;
  result: CaseResult;
  peakGrowth: number;
  wallMs: number;
}

describe('fuzz: mutated model files', () => {
  it(
    `${ONLY === undefined ? COUNT : `replay of ${ONLY.length}`} seeded mutations: coded refusals, no hangs, native and onnxruntime agree, no model changes another`,
    async () => {
      // A shipped policy loaded alongside every mutant: its outputs must stay bit-identical.
      const policy = NativeSession.create(new Uint8Array(readFileSync(join(ROOT, 'models', 'joint-5v5.onnx'))));
      const policyFeeds = randomFeeds(policy.inputs, { batch: 2 }, 1);
      const bits = () => Array.from(new Uint32Array(Float32Array.from(policy.runSync(policyFeeds).logits!.data as Float32Array).buffer));
      const reference = bits();
      // The first sessions pay for start-up (onnxruntime's WebAssembly, tickmind's code): not a mutant's cost.
      await (await ort.InferenceSession.create(BASES[0]!.bytes)).release();
      for (const base of BASES) await runCase(base.bytes, 0, base.inputs);

      const rng = new Rng(SEED);
      const total = BASES.reduce((s, b) => s + weightOf(b.bytes), 0);
      const rows: Row[] = [];
      const failures: string[] = [];
      for (let i = 0; i < LAST; i++) {
        const base = pickBase(rng.next() * total);
        const mutant = mutate(base.bytes, rng);
        if (ONLY !== undefined && !ONLY.includes(i)) continue;
        if (SAVE !== undefined) writeFileSync(join(SAVE, `fuzz-${SEED}-${i}.onnx`), mutant.bytes);
        const rssBefore = maxRss();
        const t0 = performance.now();
        const result = await runCase(mutant.bytes, SEED * 1000 + i, base.inputs);
        const wallMs = performance.now() - t0;
        const row: Row = {
          index: i,
          base: base.name,
          kind: mutant.kind,
          detail: mutant.detail,
          result,
          peakGrowth: maxRss() - rssBefore,
          wallMs,
        };
        rows.push(row);
        const where = `#${i} ${base.name} [${mutant.kind}] ${mutant.detail}`;
        if (ONLY !== undefined) console.log(where, JSON.stringify(result));
        if (result.verdict === 'UNCODED error' || result.verdict.startsWith('DISAGREE'))
          failures.push(`${where}: ${result.verdict} — ${result.note}`);
        if (result.slowestMs > 1000) failures.push(`${where}: a step took ${result.slowestMs.toFixed(0)} ms`);
        if (row.peakGrowth > 512 * MB) failures.push(`${where}: peak memory grew ${(row.peakGrowth / MB).toFixed(0)} MB`);
        const refused = result.verdict === 'refused by limits' || result.verdict === 'refused at load (coded)';
        if (refused && result.ort === 'skipped' && (row.peakGrowth > 100 * MB || wallMs > 1000)) {
          failures.push(`${where}: refusing it cost ${(row.peakGrowth / MB).toFixed(0)} MB, ${wallMs.toFixed(0)} ms`);
        }
        const now = bits();
        if (now.some((v, k) => v !== reference[k])) {
          failures.push(`${where}: the shipped policy's outputs changed`);
          reference.splice(0, reference.length, ...now);
        }
      }
      await policy.dispose();
      if (REPORT) console.log(report(rows, failures));
      expect(failures).toEqual([]);
    },
    600_000 + LAST * 2_000,
  );

  it(
    `${COUNT} seeded mutations under int8 weights: coded refusals, no hangs, the float32 verdict, no model changes another`,
    () => {
      // quantize: 'int8' plans other kernels (int8 GEMMs sharing quantized rows, int8 Conv): the
      // same files must be refused with codes, or run, exactly as without it.
      const policy = NativeSession.create(new Uint8Array(readFileSync(join(ROOT, 'models', 'joint-5v5.onnx'))), { quantize: 'int8' });
      const policyFeeds = randomFeeds(policy.inputs, { batch: 2 }, 1);
      const bits = () => Array.from(new Uint32Array(Float32Array.from(policy.runSync(policyFeeds).logits!.data as Float32Array).buffer));
      const reference = bits();
      const rng = new Rng(SEED + 1);
      const total = BASES.reduce((s, b) => s + weightOf(b.bytes), 0);
      const failures: string[] = [];
      let ran = 0;
      for (let i = 0; i < COUNT; i++) {
        const base = pickBase(rng.next() * total);
        const mutant = mutate(base.bytes, rng);
        const where = `#${i} ${base.name} [${mutant.kind}] ${mutant.detail}`;
        const int8 = runNative(mutant.bytes, i, { quantize: 'int8' });
        const float32 = runNative(mutant.bytes, i, {});
        if (int8.outcome.startsWith('UNCODED')) failures.push(`${where}: ${int8.outcome}`);
        if (int8.ms > 1000) failures.push(`${where}: int8 took ${int8.ms.toFixed(0)} ms`);
        if ((int8.outcome === 'ran') !== (float32.outcome === 'ran'))
          failures.push(`${where}: int8 ${int8.outcome}, float32 ${float32.outcome}`);
        if (int8.outcome === 'ran') ran++;
        if (bits().some((v, k) => v !== reference[k])) failures.push(`${where}: the int8 policy's outputs changed`);
      }
      policy.dispose();
      if (REPORT) console.log(`fuzz under int8: ${COUNT} mutations (seed ${SEED + 1}), ${ran} ran, failures: ${failures.length}`);
      expect(failures).toEqual([]);
      expect(ran, 'some mutants run, so the int8 kernels are exercised').toBeGreaterThan(COUNT / 10);
    },
    120_000 + COUNT * 200,
  );
});

/**
 * Loads and runs a file natively at batch 2: 'ran', 'coded CODE', 'UNCODED …', or 'feeds too
 * large' (inputs over 2^24 elements: making random feeds that big would be the test's own cost),
 * and the time tickmind took (load and run; the feeds are made outside it).
 */
function runNative(bytes: Uint8Array, seed: number, options: { quantize?: 'int8' }): { outcome: string; ms: number } {
  let ms = 0;
  const timed = <T>(f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      ms += performance.now() - t0;
    }
  };
  let outcome = 'ran';
  try {
    const session = timed(() => NativeSession.create(bytes, options));
    const dims: Record<string, number> = {};
    for (const input of session.inputs) for (const d of input.dims) if (typeof d === 'string') dims[d] = 2;
    try {
      const elements = session.inputs.reduce((sum, i) => sum + i.dims.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 2), 1), 0);
      if (elements > 2 ** 24) outcome = 'feeds too large';
      else {
        const feeds = randomFeeds(session.inputs, dims, seed);
        timed(() => session.runSync(feeds));
      }
    } finally {
      session.dispose();
    }
  } catch (err) {
    outcome = err instanceof TickmindError ? `coded ${err.code}` : `UNCODED ${(err as Error).name}: ${(err as Error).message}`;
  }
  return { outcome, ms };
}

function describeRow(r: Row | undefined): string {
  return r === undefined ? 'none' : `#${r.index} ${r.base} [${r.kind}] ${r.detail}: ${r.result.tickmind}, onnxruntime ${r.result.ort}`;
}

function report(rows: Row[], failures: string[]): string {
  const counts = new Map<Verdict, number>();
  for (const r of rows) counts.set(r.result.verdict, (counts.get(r.result.verdict) ?? 0) + 1);
  const byKind = new Map<string, Map<Verdict, number>>();
  for (const r of rows) {
    const m = byKind.get(r.kind) ?? new Map<Verdict, number>();
    m.set(r.result.verdict, (m.get(r.result.verdict) ?? 0) + 1);
    byKind.set(r.kind, m);
  }
  const codes = new Map<string, number>();
  for (const r of rows) if (!r.result.tickmind.startsWith('ran')) codes.set(r.result.tickmind, (codes.get(r.result.tickmind) ?? 0) + 1);
  const lines = [`fuzz: ${rows.length} mutations (seed ${SEED})`, '', '| outcome | files |', '|---|---:|'];
  for (const [v, n] of [...counts].sort((a, b) => b[1] - a[1])) lines.push(`| ${v} | ${n} |`);
  const slowest = Math.max(...rows.map((r) => r.result.slowestMs));
  const peak = Math.max(...rows.map((r) => r.peakGrowth));
  const refused = rows.filter((r) => r.result.ort === 'skipped' && !r.result.tickmind.startsWith('ran'));
  lines.push(
    '',
    `uncoded errors: ${rows.filter((r) => r.result.verdict === 'UNCODED error').length}`,
    `steps over 1 s: ${rows.filter((r) => r.result.slowestMs > 1000).length} (slowest ${slowest.toFixed(0)} ms)`,
    `native/onnxruntime disagreements: ${rows.filter((r) => r.result.verdict.startsWith('DISAGREE')).length}`,
    `largest growth of peak memory in one file: ${(peak / MB).toFixed(1)} MB (${describeRow(rows.find((r) => r.peakGrowth === peak))}); process peak ${(maxRss() / MB).toFixed(0)} MB`,
    `refused without asking onnxruntime: ${refused.length}, slowest ${Math.max(0, ...refused.map((r) => r.wallMs)).toFixed(0)} ms, largest peak growth ${(Math.max(0, ...refused.map((r) => r.peakGrowth)) / MB).toFixed(1)} MB`,
    `non-finite native outputs (agreeing with onnxruntime): ${rows.filter((r) => r.result.nonFinite).length}`,
    '',
    `| mutation | ${[...counts.keys()].join(' | ')} |`,
    `|---|${[...counts.keys()].map(() => '---:').join('|')}|`,
  );
  for (const [kind, m] of byKind) lines.push(`| ${kind} | ${[...counts.keys()].map((v) => m.get(v) ?? 0).join(' | ')} |`);
  lines.push('', '| refusal code (auto) | files |', '|---|---:|');
  for (const [c, n] of [...codes].sort((a, b) => b[1] - a[1])) lines.push(`| ${c} | ${n} |`);
  if (failures.length > 0) lines.push('', 'failures:', ...failures);
  return lines.join('\n');
}
