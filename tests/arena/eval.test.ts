/** The evaluation: its distances, and tickmind eval end to end on the synthetic arena. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addSample, createHeatmap, heatmapEmd, histogramEmd } from '../../sandbox/arena/eval/distances.js';
import { wilsonInterval } from '../../sandbox/arena/eval/evaluate.js';
import { arenaSensor } from '../../sandbox/arena/game/arena.js';
import { starterModelBytes } from '../../sdk/policy/index.js';
import { TokenLayout } from '../../sdk/sensors/index.js';

describe('distances', () => {
  it('heatmap EMD: 0 for the same occupancy, the shift for a moved mass, symmetric', () => {
    const a = createHeatmap([0, 0, 40, 40], 4);
    const b = createHeatmap([0, 0, 40, 40], 4);
    for (let i = 0; i < 10; i++) {
      addSample(a, 6, 6);
      addSample(b, 6, 6);
    }
    expect(heatmapEmd(a, b)).toBeLessThan(0.05);
    const c = createHeatmap([0, 0, 40, 40], 4);
    for (let i = 0; i < 10; i++) addSample(c, 30, 6); // 24 m to the right
    expect(heatmapEmd(a, c)).toBeCloseTo(24, 1);
    // Half the mass moves 24 m: half the cost.
    const d = createHeatmap([0, 0, 40, 40], 4);
    for (let i = 0; i < 5; i++) {
      addSample(d, 6, 6);
      addSample(d, 30, 6);
    }
    expect(heatmapEmd(a, d)).toBeCloseTo(12, 1);
    expect(heatmapEmd(d, a)).toBeCloseTo(heatmapEmd(a, d), 3);
    expect(heatmapEmd(a, createHeatmap([0, 0, 40, 40], 4))).toBeNaN();
  });

  it('histogram EMD is the shift between histograms, in bin units', () => {
    const a = Float64Array.from([0, 1, 0, 0, 0]);
    const b = Float64Array.from([0, 0, 0, 1, 0]);
    expect(histogramEmd(a, b, 0.5)).toBeCloseTo(1, 9);
    expect(histogramEmd(a, a, 0.5)).toBe(0);
  });
});

describe('tickmind eval', () => {
  it('prints the JSON contract and writes a self-contained report with the heatmaps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-eval-'));
    const policy = join(dir, 'starter.onnx');
    const layout = TokenLayout.create({ mode: 'egocentric', rays: arenaSensor(), lineOfSight: {} });
    writeFileSync(policy, starterModelBytes({ observation: layout.toJSON(), seed: 1 }));
    const report = join(dir, 'report.html');
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'tickmind.js');
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'eval',
      '--policy',
      policy,
      '--map',
      'synthetic',
      '--rounds',
      '2',
      '--team-size',
      '2',
      '--json',
      '--report',
      report,
    ]);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ policy, mode: 'egocentric', map: 'synthetic', split: 'eval', rounds: 2 });
    expect(r.validation.frames).toBeGreaterThan(0);
    expect(r.validation.randomAccuracy).toBeCloseTo(1 / 97, 9);
    for (const k of ['policyMetrics', 'teacherMetrics', 'randomMetrics', 'referenceMetrics'])
      expect(Object.keys(r[k]).sort()).toEqual([
        'ctWinRate',
        'ctWinRateInterval',
        'ctWins',
        'inSight',
        'lifetime',
        'meanRoundSeconds',
        'occupancyEmd',
        'speedEmd',
        'stuckPerRound',
        'turnRateEmd',
      ]);
    for (const k of ['policyMetrics', 'referenceMetrics']) {
      const m = r[k];
      const [lo, hi] = m.ctWinRateInterval;
      expect(lo).toBeLessThanOrEqual(m.ctWinRate);
      expect(hi).toBeGreaterThanOrEqual(m.ctWinRate);
      expect(hi - lo).toBeGreaterThan(0.3); // two rounds say little, and the interval says so
      for (const side of ['ct', 't']) {
        const s = m.inSight[side];
        if (s.ticks > 0) expect(s.standing + s.walking + s.running).toBeCloseTo(1, 9);
      }
    }
    // The teacher fights: somebody sees an enemy in two rounds of retakes.
    expect(r.referenceMetrics.inSight.ct.ticks + r.referenceMetrics.inSight.t.ticks).toBeGreaterThan(0);
    // The untrained starter is no better than chance on the teacher's decisions.
    expect(r.validation.accuracy).toBeLessThan(0.2);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/enemy is in sight/);
    expect(html).not.toMatch(/https?:\/\/|<script/);
  });
});

describe('wilsonInterval', () => {
  it('gives the 95 % Wilson score interval', () => {
    // Reference values: 20 of 100 → [0.1333, 0.2888]; 0 of 10 → [0, 0.2775].
    const [a, b] = wilsonInterval(20, 100);
    expect(a).toBeCloseTo(0.1333, 3);
    expect(b).toBeCloseTo(0.2888, 3);
    const [c, d] = wilsonInterval(0, 10);
    expect(c).toBe(0);
    expect(d).toBeCloseTo(0.2775, 3);
  });
});
