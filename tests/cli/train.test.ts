/** record → train → profile, end to end through the command line, on the synthetic arena. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../sdk/policy/index.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tickmind.js');
type Result = { code?: number; stdout: string; stderr: string };
const tickmind = (...args: string[]): Promise<Result> => run(process.execPath, [BIN, ...args]).catch((e: Result) => e);

describe('tickmind train', () => {
  it('trains on a recording, exports a policy that loads and plays, with its curve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-train-'));
    const data = join(dir, 'demos');
    const rec = await tickmind('record', '--rounds', '2', '--seed', '2', '--map', 'synthetic', '--team-size', '2', '--out', data, '--json');
    expect(rec.code ?? 0).toBe(0);
    const out = join(dir, 'policy.onnx');
    const r = await tickmind(
      'train',
      '--data',
      data,
      '--arch',
      'egocentric',
      '--out',
      out,
      '--epochs',
      '2',
      '--d',
      '16',
      '--layers',
      '1',
      '--heads',
      '2',
      '--ff',
      '48',
      '--json',
    );
    expect(r.code ?? 0).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ out, arch: 'egocentric', epochs: 2 });
    expect(summary.trainFrames + summary.valFrames).toBe(JSON.parse(rec.stdout).frames);
    const policy = await loadPolicy(new Uint8Array(readFileSync(out)), { file: out });
    expect(policy.spec).toMatchObject({ mode: 'egocentric', trained: true, architecture: { d: 16, layers: 1, ff: 48 } });
    expect(policy.spec.training).toMatchObject({ epochs: 2, seed: 1, valAccuracy: summary.valAccuracy });
    const curve = readFileSync(summary.curve, 'utf8');
    expect(curve).toMatch(/<svg/);
    expect(curve).not.toMatch(/https?:\/\/|<script/);
    const profile = await tickmind(
      'profile',
      '--map',
      'synthetic',
      '--agents',
      '4',
      '--mode',
      'egocentric',
      '--policy',
      out,
      '--ticks',
      '100',
      '--json',
    );
    expect(profile.code ?? 0).toBe(0);
    expect(JSON.parse(profile.stdout)).toMatchObject({ policy: out, mode: 'egocentric', map: 'synthetic' });
  });

  it('joint: records match rows, trains the joint transformer (and the MLP), and the policy decides for everyone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-train-joint-'));
    const data = join(dir, 'demos');
    await tickmind(
      'record',
      '--rounds',
      '1',
      '--seed',
      '4',
      '--map',
      'synthetic',
      '--team-size',
      '2',
      '--observations',
      'joint',
      '--out',
      data,
    );
    const out = join(dir, 'joint.onnx');
    const r = await tickmind(
      'train',
      '--data',
      data,
      '--arch',
      'joint',
      '--out',
      out,
      '--epochs',
      '1',
      '--d',
      '16',
      '--layers',
      '1',
      '--heads',
      '2',
      '--json',
    );
    expect(r.code ?? 0).toBe(0);
    expect((await loadPolicy(new Uint8Array(readFileSync(out)))).spec).toMatchObject({ mode: 'joint', trained: true });
    const profile = await tickmind('profile', '--map', 'synthetic', '--agents', '4', '--policy', out, '--ticks', '60', '--json');
    expect(JSON.parse(profile.stdout)).toMatchObject({ mode: 'joint', agents: 4 });
    const mlp = await tickmind(
      'train',
      '--data',
      data,
      '--arch',
      'mlp',
      '--hidden',
      '32',
      '--out',
      join(dir, 'mlp.onnx'),
      '--epochs',
      '1',
      '--json',
    );
    expect(mlp.code ?? 0).toBe(0);
    expect((await loadPolicy(new Uint8Array(readFileSync(join(dir, 'mlp.onnx'))))).spec).toMatchObject({
      mode: 'joint',
      trained: true,
      architecture: { kind: 'mlp', hidden: 32 },
    });
    // Two recordings train together (DAgger aggregates the teacher's and the relabelled ones this way).
    const more = join(dir, 'more');
    await tickmind(
      'record',
      '--rounds',
      '1',
      '--seed',
      '5',
      '--map',
      'synthetic',
      '--team-size',
      '2',
      '--observations',
      'joint',
      '--out',
      more,
    );
    const both = await tickmind(
      'train',
      '--data',
      data,
      '--data',
      more,
      '--arch',
      'joint',
      '--out',
      join(dir, 'both.onnx'),
      '--epochs',
      '1',
      '--d',
      '16',
      '--layers',
      '1',
      '--heads',
      '2',
      '--json',
    );
    const one = JSON.parse(r.stdout);
    expect(JSON.parse(both.stdout).frames).toBeGreaterThan(one.frames);
    const wrong = await tickmind('train', '--data', data, '--arch', 'egocentric', '--out', join(dir, 'x.onnx'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--arch egocentric needs an egocentric recording, but .* holds joint observations/);
  });

  it('says what is wrong with bad input', async () => {
    const arch = await tickmind('train', '--data', '.', '--arch', 'cnn', '--out', '/tmp/x.onnx');
    expect(arch.code).toBe(2);
    expect(arch.stderr).toMatch(/--arch must be joint, egocentric or mlp/);
    const missing = await tickmind('train', '--data', '/nonexistent/dir', '--out', '/tmp/x.onnx');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no dataset at \/nonexistent\/dir/);
    const notData = await tickmind('train', '--data', import.meta.dirname, '--out', '/tmp/x.onnx');
    expect(notData.stderr).toMatch(/neither meta\/info\.json .* nor dataset\.npz/);
    const noOut = await tickmind('train', '--data', '.');
    expect(noOut.code).toBe(2);
  });
});
