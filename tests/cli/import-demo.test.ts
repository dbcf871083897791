/** `tickmind import-demo`: shards per demo, import.json, exit codes, damaged files, and the shards train. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { directorySource } from '../../sdk/cli/files.js';
import { datasetFromNpz, readLeRobot } from '../../sdk/dataset/index.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tickmind.js');
const DIR = join(import.meta.dirname, '..', 'fixtures', 'demos');
const CSGO = join(DIR, 'csgo_de_dust2_test_2_17_21.dem');
const CS2 = join(DIR, 'cs2_de_dust2_14155.dem');

async function tickmind(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tickmind import-demo', () => {
  it('imports a CS:GO and a CS2 demo in two workers, one shard each, that read back and train', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tickmind-import-'));
    const r = await tickmind('import-demo', CSGO, CS2, '--out', out, '--workers', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ demos: 2, imported: 2, failed: 0, skipped: 0, workers: 2 });
    expect(summary.humanLabelAgreement).toBeGreaterThanOrEqual(0.95);
    expect(summary.files.map((f: { game: string }) => f.game)).toEqual(['csgo', 'cs2']); // file order, whichever worker finished first
    expect(JSON.parse(readFileSync(join(out, 'import.json'), 'utf8')).files).toHaveLength(2);
    const shard = join(out, 'csgo_de_dust2_test_2_17_21');
    // The same data in both formats.
    const npz = datasetFromNpz(new Uint8Array(readFileSync(join(shard, 'dataset.npz'))), 'dataset.npz');
    const parquet = await readLeRobot(directorySource(shard));
    expect(parquet.episodes.length).toBe(npz.episodes.length);
    expect(npz.episodes.reduce((n, e) => n + e.length, 0)).toBe(summary.files[0].stats.frames);
    expect(npz.spec.extra?.map).toBe('de_dust2');
    expect(existsSync(join(out, 'cs2_de_dust2_14155', 'dataset.npz'))).toBe(true);
    // `tickmind train` reads a shard.
    const model = join(out, 'human.onnx');
    const t = await tickmind(
      'train',
      '--data',
      shard,
      '--arch',
      'egocentric',
      '--out',
      model,
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
    expect(t.code, t.stderr).toBe(0);
    expect(existsSync(model)).toBe(true);
  }, 180_000);

  it('a cut-short demo writes the rounds read before the cut and exits 1 naming the error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tickmind-import-'));
    const cut = join(out, 'cut.dem');
    writeFileSync(cut, readFileSync(CSGO).subarray(0, 2_600_000));
    const r = await tickmind('import-demo', cut, '--out', out, '--format', 'npz');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cut\.dem: csgo de_dust2, 2 rounds.*INVALID_ARGUMENT: the demo ends early or is corrupt after tick \d+.*rounds read before it are written/,
    );
    const report = JSON.parse(readFileSync(join(out, 'import.json'), 'utf8'));
    expect(report.files[0].error.code).toBe('INVALID_ARGUMENT');
    expect(existsSync(join(out, 'cut', 'dataset.npz'))).toBe(true);
  }, 120_000);

  it('a file that is no demo fails alone; the others still import', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tickmind-import-'));
    const bad = join(out, 'bad.dem');
    writeFileSync(bad, 'not a demo');
    const r = await tickmind('import-demo', bad, CS2, '--out', out, '--workers', '1', '--json');
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ demos: 2, imported: 1, failed: 1 });
    expect(summary.files[0].error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(summary.files[0].error.message).toMatch(/not a CS:GO \(HL2DEMO\) or CS2 \(PBDEMS2\) demo file/);
  }, 120_000);

  it('--map skips demos on other maps; bad options are usage errors (exit 2)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tickmind-import-'));
    const skip = await tickmind('import-demo', CS2, '--out', out, '--map', 'de_inferno', '--json');
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.stdout)).toMatchObject({ imported: 0, skipped: 1 });
    for (const args of [
      ['import-demo', '--out', out],
      ['import-demo', CS2],
      ['import-demo', CS2, '--out', out, '--side', 'north'],
      ['import-demo', CS2, '--out', out, '--every', '0'],
    ]) {
      const r = await tickmind(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/Run 'tickmind --help' for usage/);
    }
  }, 120_000);
});
