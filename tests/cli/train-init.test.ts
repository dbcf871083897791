/** `tickmind train --init POLICY.onnx`: fine-tuning starts from the policy's weights and architecture, and refuses a policy that does not fit. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../sdk/inference/index.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tickmind.js');
type Result = { code?: number; stdout: string; stderr: string };
const tickmind = (...args: string[]): Promise<Result> => run(process.execPath, [BIN, ...args]).catch((e: Result) => e);

describe('tickmind train --init', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickmind-init-'));
    data = join(dir, 'demos');
    const rec = await tickmind('record', '--rounds', '1', '--seed', '3', '--team-size', '1', '--out', data, '--format', 'npz', '--json');
    expect(rec.code ?? 0, rec.stderr).toBe(0);
  }, 120_000);

  it('starts from the shipped egocentric model: a tiny learning rate leaves its weights, and its architecture is kept', async () => {
    const out = join(dir, 'ft.onnx');
    const r = await tickmind(
      'train',
      '--data',
      data,
      '--arch',
      'egocentric',
      '--init',
      join(ROOT, 'models', 'egocentric.onnx'),
      '--epochs',
      '1',
      '--lr',
      '1e-9',
      '--out',
      out,
      '--json',
    );
    expect(r.code ?? 0, r.stderr).toBe(0);
    const before = decodeModel(new Uint8Array(readFileSync(join(ROOT, 'models', 'egocentric.onnx')))).graph.initializers;
    const after = decodeModel(new Uint8Array(readFileSync(out))).graph.initializers;
    for (const name of ['embed.weight', 'layers.0.qkv.weight', 'layers.0.ff2.weight', 'head.bias']) {
      const a = before.get(name)!.data as Float32Array;
      const b = after.get(name)!.data as Float32Array;
      expect(b.length).toBe(a.length);
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      expect(diff, name).toBeLessThan(1e-4);
    }
  }, 120_000);

  it('refuses a policy of another mode, naming it', async () => {
    const r = await tickmind(
      'train',
      '--data',
      data,
      '--arch',
      'egocentric',
      '--init',
      join(ROOT, 'models', 'joint-5v5.onnx'),
      '--out',
      join(dir, 'x.onnx'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--init is a joint policy; --arch egocentric trains an? egocentric one/);
  }, 60_000);
});
