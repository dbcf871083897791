/** The command-line contracts other tools rely on: JSON shapes, files written, exit codes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { outputFileName } from '../../sdk/cli/model-run.js';
import { readNpy, writeNpy } from '../../sdk/dataset/index.js';
import { sparseRowsByDefault } from '../../sdk/inference/index.js';
import { compare, FIXTURE_DIR, fixtures, loadNpy } from '../helpers/fixtures.js';
import { buildModel } from '../helpers/onnx-builder.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tickmind.js');

async function tickmind(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const model = (name: string) => join(FIXTURE_DIR, `${name}.onnx`);

describe('tickmind model check', () => {
  it('--json prints the contract and exits 0 on a match', async () => {
    const r = await tickmind('model', 'check', model('transformer_d64_l2'), '--dim', 'batch=3', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['file', 'ok', 'backend', 'opset', 'inputs', 'outputs', 'unsupportedOps', 'maxAbsDiff', 'error']),
    );
    expect(report).toMatchObject({ ok: true, backend: 'native', opset: 14, unsupportedOps: [], error: null });
    expect(report.inputs).toEqual([
      { name: 'tokens', shape: [3, 10, 24], dtype: 'float32' },
      { name: 'mask', shape: [3, 10], dtype: 'bool' },
    ]);
    expect(report.outputs).toEqual([{ name: 'logits', shape: [3, 10, 97], dtype: 'float32' }]);
    expect(report.maxAbsDiff).toBeLessThan(1e-4);
  });

  it('exits 1 with an error object for a broken file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-'));
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, readFileSync(model('mlp_200_256_256_32')).subarray(0, 1000));
    const r = await tickmind('model', 'check', bad, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.error.code).toBe('MODEL_DECODE');
    expect(report.error.message).toContain('bad.onnx');
  });

  it('reports the ops that force onnxruntime-web under auto', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-'));
    const file = join(dir, 'selu.onnx');
    writeFileSync(
      file,
      buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: ['n', 4] }],
        outputs: [{ name: 'y', type: 'float32', dims: ['n', 4] }],
        nodes: [{ op: 'Selu', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    const r = await tickmind('model', 'check', file, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, backend: 'ort', unsupportedOps: ['Selu'] });
    const forced = await tickmind('model', 'check', file, '--backend', 'native', '--json');
    expect(forced.code).toBe(1);
    expect(JSON.parse(forced.stdout).error.code).toBe('OP_UNSUPPORTED');
  });

  it('exits 2 on usage errors', async () => {
    expect((await tickmind('model', 'check')).code).toBe(2);
    expect((await tickmind('model', 'check', 'x.onnx', '--backend', 'gpu')).code).toBe(2);
    expect((await tickmind('model', 'check', 'x.onnx', '--dim', 'batch')).code).toBe(2);
    expect((await tickmind('model', 'frobnicate')).code).toBe(2);
  });
});

describe('tickmind model run', () => {
  it('writes each output as .npy that matches the PyTorch reference', async () => {
    const f = fixtures().find((x) => x.name === 'transformer_d64_l2')!;
    const out = mkdtempSync(join(tmpdir(), 'tm-out-'));
    const inputs = f.inputs.flatMap((i) => ['--input', `${i.name}=${join(FIXTURE_DIR, i.file)}`]);
    const r = await tickmind('model', 'run', model(f.name), ...inputs, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const got = readNpy(new Uint8Array(readFileSync(join(out, 'logits.npy'))));
    const want = loadNpy(f.outputs[0]!.file);
    expect(got.dims).toEqual(want.dims);
    expect(compare(got.data as Float32Array, want.data as Float32Array).failures).toBe(0);
  });

  it('sanitizes output names into file names', () => {
    expect(outputFileName('/encoder/out:0')).toBe('_encoder_out_0.npy');
    expect(outputFileName('logits.v2-final')).toBe('logits.v2-final.npy');
  });

  it('fails clearly on a feed of the wrong dtype', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-'));
    const obs = join(dir, 'obs.npy');
    writeFileSync(obs, writeNpy({ dtype: 'float64', dims: [1, 200], data: new Float64Array(200) }));
    const r = await tickmind('model', 'run', model('mlp_200_256_256_32'), '--input', `obs=${obs}`, '--out', dir, '--backend', 'native');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DTYPE_MISMATCH.*obs/);
  });
});

describe('tickmind model quantize', () => {
  it('writes an int8 copy that loads, says how close it is, and refuses a model with nothing to quantize', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-'));
    const out = join(dir, 'mlp-int8.onnx');
    const r = await tickmind('model', 'quantize', model('mlp_200_256_256_32'), '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ out, layers: 3 });
    expect(summary.fileBytesAfter).toBeLessThan(summary.fileBytesBefore / 3);
    expect(summary.maxRelativeError).toBeGreaterThan(0);
    expect(summary.maxRelativeError).toBeLessThan(0.02);
    const check = await tickmind('model', 'check', out);
    expect(check.code, check.stderr).toBe(0);
    const none = await tickmind('model', 'quantize', model('layernorm_decomposed'), '--out', join(dir, 'x.onnx'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no MatMul\/Gemm weight matrix or Conv filter to quantize/);
  });
});

describe('tickmind model bench', () => {
  it('--json prints native and onnxruntime-web timings and their ratio per batch', async () => {
    const r = await tickmind('model', 'bench', model('mlp_200_256_256_32'), '--batch', '1,4', '--iterations', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.file).toContain('mlp_200_256_256_32.onnx');
    expect(report.results.map((x: { batch: number }) => x.batch)).toEqual([1, 4]);
    // Whether ReLU layers took the sparse kernel: the engine's default (off under Node 20).
    expect(report.sparseRows).toBe(sparseRowsByDefault(process.versions.v8));
    for (const row of report.results) {
      expect(row.native.medianUs).toBeGreaterThan(0);
      expect(row.native.p99Us).toBeGreaterThanOrEqual(row.native.medianUs);
      expect(row.native.gflops).toBeGreaterThan(0);
      expect(row.ortWeb.medianUs).toBeGreaterThan(0);
      expect(row.ratio).toBeCloseTo(row.ortWeb.medianUs / row.native.medianUs, 1);
      // Float32 on both: the outputs agree to rounding.
      expect(row.maxAbsDiff).toBeLessThan(1e-4);
    }
  });

  it('--quantize int8 times int8 weights against float32 onnxruntime-web and says how far apart they are; other values exit 2', async () => {
    const r = await tickmind(
      'model',
      'bench',
      model('mlp_200_256_256_32'),
      '--batch',
      '4',
      '--iterations',
      '20',
      '--quantize',
      'int8',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.quantize).toBe('int8');
    const [row] = report.results;
    // Int8 weights move the logits (the MLP's reach ~10): visibly, not wildly.
    expect(row.maxAbsDiff).toBeGreaterThan(1e-4);
    expect(row.maxAbsDiff).toBeLessThan(0.5);
    const text = await tickmind('model', 'bench', model('mlp_200_256_256_32'), '--batch', '4', '--iterations', '20', '--quantize', 'int8');
    expect(text.stdout).toContain("weights: int8 on native (quantize: 'int8')");
    expect(text.stdout).toContain('max |native − ort|');
    const bad = await tickmind('model', 'bench', model('mlp_200_256_256_32'), '--quantize', 'int4');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--quantize expects int8, got 'int4'");
  });
});

describe('npx tickmind', () => {
  it('runs the bin from the repository root', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const { stdout } = await run('npx', ['--offline', 'tickmind', '--version'], { cwd: root, timeout: 60_000 });
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('prints usage with --help and exits 2 without a command', async () => {
    const help = await tickmind('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tickmind model check FILE');
    expect((await tickmind()).code).toBe(2);
  });
});

describe('tickmind demo', () => {
  it('plays a seeded match: same seed, same trajectory checksum', async () => {
    const a = await tickmind('demo', '--ticks', '40', '--seed', '9');
    const b = await tickmind('demo', '--ticks', '40', '--seed', '9');
    expect(a.code, a.stderr).toBe(0);
    const checksum = (s: string) => /trajectory checksum \(seed 9\): (\d+)/.exec(s)?.[1];
    expect(checksum(a.stdout)).toBeDefined();
    expect(checksum(a.stdout)).toBe(checksum(b.stdout));
  });
});

describe('tickmind profile', () => {
  it('--json prints the contract; --trace and --report write a parseable trace and a self-contained page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-profile-'));
    const trace = join(dir, 'trace.json');
    const report = join(dir, 'report.html');
    const r = await tickmind(
      'profile',
      '--map',
      'arena',
      '--agents',
      '4',
      '--ticks',
      '120',
      '--json',
      '--trace',
      trace,
      '--report',
      report,
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining([
        'agents',
        'ticks',
        'budgetUs',
        'backend',
        'phases',
        'overBudgetTicks',
        'deferredDecisions',
        'maxDecisionWaitTicks',
        'raysPerTick',
        'heapGrowthBytesPer1kTicks',
      ]),
    );
    // 4 agents × 16 rays, and line of sight between the 2 × 2 opponents (the starter's layout reads it).
    // 120 profiled ticks after the shortest warm-up (40 % of --ticks, from 200 to 2000).
    expect(out).toMatchObject({
      agents: 4,
      ticks: 120,
      warmupTicks: 200,
      budgetUs: 1000,
      backend: 'native',
      raysPerTick: 68,
      deferredDecisions: 0,
    });
    for (const phase of ['sense', 'decide', 'act', 'total']) {
      const p = out.phases[phase];
      expect(Object.keys(p)).toEqual(['p50Us', 'p90Us', 'p99Us', 'p999Us', 'maxUs']);
      expect(p.p50Us).toBeLessThanOrEqual(p.p90Us);
      expect(p.p99Us).toBeLessThanOrEqual(p.maxUs);
    }
    expect(out.phases.total.p50Us).toBeGreaterThanOrEqual(out.phases.decide.p50Us);
    const events = JSON.parse(readFileSync(trace, 'utf8')).traceEvents as { name: string; ph: string }[];
    expect(events.filter((e) => e.name === 'tick')).toHaveLength(120);
    expect(events.some((e) => e.name.startsWith('decide:policy(joint'))).toBe(true);
    expect(readFileSync(report, 'utf8')).not.toMatch(/https?:\/\/|<script/);
  });

  it('defers decisions under a tight egocentric budget and reports the wait', async () => {
    const r = await tickmind(
      'profile',
      '--map',
      'arena',
      '--agents',
      '32',
      '--ticks',
      '60',
      '--mode',
      'egocentric',
      '--budget-us',
      '20',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.deferredDecisions).toBeGreaterThan(0);
    expect(out.maxDecisionWaitTicks).toBeGreaterThan(0);
    const roomy = JSON.parse(
      (
        await tickmind(
          'profile',
          '--map',
          'arena',
          '--agents',
          '32',
          '--ticks',
          '60',
          '--mode',
          'egocentric',
          '--budget-us',
          '100000',
          '--json',
        )
      ).stdout,
    );
    expect(roomy).toMatchObject({ deferredDecisions: 0, maxDecisionWaitTicks: 0, overBudgetTicks: 0 });
  });

  it('exits 2 with a clear message on bad options', async () => {
    const r = await tickmind('profile', '--map', 'nuke');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown --map 'nuke' \(available: arena, dust2, inferno, synthetic; or --level FILE.json for your own\)/);
    const j = await tickmind('profile', '--backend', 'ort');
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/joint policies run on the native backend/);
  });

  it('by default (--map dust2) profiles retake rounds from the real plant states, the shipped model moving every player', async () => {
    const r = await tickmind('profile', '--agents', '6', '--ticks', '150', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // Without --policy the shipped joint model plays (models/joint-5v5.onnx).
    expect(out).toMatchObject({ map: 'dust2', agents: 6, ticks: 150, deferredDecisions: 0, policy: 'models/joint-5v5.onnx' });
    // 6 live players × 16 rays while nobody has died yet, and line of sight between the 3 × 3 opponents.
    expect(out.raysPerTick).toBeGreaterThan(80);
    expect(out.raysPerTick).toBeLessThanOrEqual(96 + 9);
    expect(out.phases.decide.p50Us).toBeGreaterThan(0);
    const odd = await tickmind('profile', '--map', 'dust2', '--agents', '7');
    expect(odd.code).toBe(2); // a usage error, as the flags' range checks
    expect(odd.stderr).toMatch(/--agents must be 2, 4, 6, 8 or 10 \(got 7; --map arena takes any number\)/);
  });

  it('runs the fastest kernels this engine has unless --kernels names one, and says which ran', async () => {
    const fastest = JSON.parse((await tickmind('profile', '--map', 'arena', '--agents', '2', '--ticks', '10', '--json')).stdout);
    // Node 20 runs relaxed SIMD once V8's flag is on (profile turns it on); Node 22+ with no flag.
    expect(fastest.kernels).toBe('relaxed');
    const simd = await tickmind('profile', '--map', 'arena', '--agents', '2', '--ticks', '10', '--kernels', 'simd', '--json');
    expect(JSON.parse(simd.stdout).kernels).toBe('simd');
    expect(simd.stderr).toMatch(/native \(simd kernels\)/);
    for (const wrong of ['relaxed,simd', 'avx']) {
      const r = await tickmind('profile', '--map', 'arena', '--kernels', wrong);
      expect(r.code, wrong).toBe(2);
      expect(r.stderr).toMatch(/--kernels/);
    }
  });

  it('--map inferno profiles in both modes: the shipped models are for dust2, so the starter of their architecture plays', async () => {
    for (const mode of ['joint', 'egocentric']) {
      const r = await tickmind('profile', '--map', 'inferno', '--mode', mode, '--agents', '4', '--ticks', '60', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ map: 'inferno', mode, agents: 4, ticks: 60, policy: 'starter' });
    }
  });

  it('--matches steps several matches per tick, their joint passes staggered; --physics picks the mover', async () => {
    const r = await tickmind('profile', '--agents', '4', '--matches', '3', '--decision-period', '4', '--ticks', '120', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      map: 'dust2',
      matches: 3,
      physics: 'bvh',
      decisionPeriod: 4,
      deferredDecisions: 0,
      maxDecisionWaitTicks: 0,
    });
    // phases.total sums the matches' AI steps; serverTick adds every match's game rules.
    expect(out.serverTick.p50Us).toBeGreaterThan(out.phases.total.p50Us);
    expect(out.phases.total.p50Us).toBeGreaterThanOrEqual(out.phases.act.p50Us);
    const rapier = JSON.parse((await tickmind('profile', '--agents', '2', '--physics', 'rapier', '--ticks', '20', '--json')).stdout);
    expect(rapier).toMatchObject({ matches: 1, physics: 'rapier' });
    const bad = await tickmind('profile', '--map', 'arena', '--physics', 'rapier');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--physics applies to the retake maps/);
  });

  it('--level profiles your own level of boxes: bots walk its nav mesh; a broken level file is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-level-'));
    const level = join(dir, 'hall.json');
    writeFileSync(
      level,
      JSON.stringify({
        format: 'tickmind-level',
        version: 1,
        name: 'hall',
        boxes: [
          { min: [0, -1, 0], max: [30, 0, 20], tag: 4 },
          { min: [10, 0, 4], max: [12, 3, 16], tag: 2 },
        ],
        spawns: [
          [3, 0, 3],
          [27, 0, 17],
        ],
      }),
    );
    const r = await tickmind('profile', '--level', level, '--agents', '4', '--ticks', '300', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ map: 'level hall', agents: 4, ticks: 300, policy: 'starter', physics: 'kinematic' });
    const moved = await tickmind('profile', '--level', level, '--physics', 'rapier');
    expect(moved.code).toBe(2);
    expect(moved.stderr).toMatch(/--physics applies to the retake maps .* --level moves agents kinematically/);
    writeFileSync(level, JSON.stringify({ format: 'tickmind-level', version: 1, boxes: [{ min: [0, 0], max: [1, 1, 1], tag: 2 }] }));
    const bad = await tickmind('profile', '--level', level);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/level: boxes\[0\]: a box is .*hall\.json/);
    const both = await tickmind('profile', '--level', level, '--map', 'dust2');
    expect(both.code).toBe(2);
    const record = await tickmind('record', '--rounds', '1', '--out', join(dir, 'x'), '--level', level);
    expect(record.code).toBe(2);
    expect(record.stderr).toMatch(/--level FILE \(your own level\) is for tickmind profile/);
  });

  it('exits 1 when the policy file is not a tickmind policy', async () => {
    const r = await tickmind('profile', '--map', 'arena', '--policy', model('transformer_d64_l2'), '--ticks', '10');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a tickmind policy/);
  });
});
