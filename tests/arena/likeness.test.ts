/** Human-likeness measures: the 1-D earth mover's distance and the discriminator behave as their definitions say. */
import { describe, expect, it } from 'vitest';
import { discriminate } from '../../sandbox/arena/eval/likeness/discriminator.js';
import { type MovementFeatures, sampleEmd } from '../../sandbox/arena/eval/likeness/features.js';
import { Rng } from '../../sdk/core/index.js';

/** Features of `n` frames in trajectories of 160 frames, speed drawn by `speed`. */
function features(n: number, speed: (rng: Rng) => number, seed: number): MovementFeatures {
  const rng = new Rng(seed);
  const f = (g: () => number) => Float64Array.from({ length: n }, g);
  const starts = Int32Array.from({ length: Math.floor(n / 160) + 1 }, (_, i) => Math.min(n, i * 160));
  return {
    speed: f(() => speed(rng)),
    acceleration: f(() => rng.next()),
    turnRate: f(() => 100 * rng.next()),
    wallDistance: f(() => 3 * rng.next()),
    forward: f(() => rng.next()),
    lateral: f(() => rng.next()),
    starts,
    standingBouts: new Float64Array(0),
    standingShare: 0,
  };
}

describe('sampleEmd', () => {
  it('is the shift between a sample and its translate, and zero against itself', () => {
    const a = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) * 3);
    const b = a.map((x) => x + 1.5);
    expect(sampleEmd(a, a)).toBe(0);
    expect(sampleEmd(a, b)).toBeCloseTo(1.5, 10);
    // Different sizes: {0, 1} against {0, 0.5, 1} moves a third of the mass by 0.5.
    expect(sampleEmd(Float64Array.of(0, 1), Float64Array.of(0, 0.5, 1))).toBeCloseTo(1 / 6, 10);
  });
});

describe('discriminate', () => {
  it('is near chance for two draws of the same movement and near 100 % for clearly different movement', () => {
    const same = discriminate(
      features(3200, (r) => 4 * r.next(), 1),
      features(3200, (r) => 4 * r.next(), 2),
    );
    expect(same.accuracy).toBeGreaterThan(0.3);
    expect(same.accuracy).toBeLessThan(0.7);
    const different = discriminate(
      features(3200, (r) => 4 * r.next(), 1),
      features(3200, (r) => 2 + 4 * r.next(), 2),
    );
    expect(different.accuracy).toBeGreaterThan(0.95);
    expect(different.windowsPerClass).toBe(180); // 20 trajectories of 160 frames: 9 one-second windows each (first frame skipped)
  });
});
