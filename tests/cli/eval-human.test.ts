/** `tickmind eval --human`: the arena's players against the human of the CS:GO test demo, per distribution and by a discriminator. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tickmind.js');
type Result = { code?: number; stdout: string; stderr: string };
const tickmind = (...args: string[]): Promise<Result> =>
  run(process.execPath, [BIN, ...args], { timeout: 300_000 }).catch((e: Result) => e);

describe('tickmind eval --human', () => {
  it('compares the teacher, the shipped joint model, random and the demo’s own players with the human', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tickmind-human-'));
    const imp = await tickmind(
      'import-demo',
      join(ROOT, 'tests', 'fixtures', 'demos', 'csgo_de_dust2_test_2_17_21.dem'),
      '--out',
      out,
      '--format',
      'npz',
    );
    expect(imp.code ?? 0, imp.stderr).toBe(0);
    const r = await tickmind('eval', '--human', out, '--rounds', '2', '--json');
    expect(r.code ?? 0, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.human).toMatchObject({ trajectories: 2, frames: 1013 });
    expect(result.rows.map((x: { name: string }) => x.name)).toEqual([
      'teacher',
      'joint-5v5 (shipped)',
      'random',
      'game bots (demo)',
      'humans, other half (noise floor)',
    ]);
    const row = (name: string) => result.rows.find((x: { name: string }) => x.name === name);
    for (const x of result.rows) {
      for (const d of Object.values(x.distance) as number[]) expect(d).toBeGreaterThanOrEqual(0);
      expect(x.discriminator.accuracy).toBeGreaterThanOrEqual(0);
      expect(x.discriminator.accuracy).toBeLessThanOrEqual(1);
    }
    // Random flails: its turn rate is far from the human's, and a classifier tells it apart.
    expect(row('random').distance.turnRate).toBeGreaterThan(5 * row('teacher').distance.turnRate);
    expect(row('random').discriminator.accuracy).toBeGreaterThan(0.9);
    // The demo's bots never move (this file's bots were frozen): they stand all the time.
    expect(row('game bots (demo)').standingShare).toBe(1);
    // The human against itself is the closest on speed.
    for (const x of result.rows)
      if (x.name !== 'humans, other half (noise floor)')
        expect(x.distance.speed).toBeGreaterThan(row('humans, other half (noise floor)').distance.speed);
  }, 300_000);

  it('--human without demo data is a usage error; options of the plain eval are refused with it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tickmind-human-'));
    const a = await tickmind('eval', '--human', empty);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--human expects demo data from tickmind import-demo/);
    const b = await tickmind('eval', '--human', empty, '--temperature', '0.5');
    expect(b.code).toBe(2);
  });
});
