import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { planMemory } from '../../sdk/inference/exec/memory.js';

describe('planMemory', () => {
  it('never overlaps buffers that are alive at the same time, and reuses dead space', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const requests = Array.from({ length: 30 }, () => {
        const start = rng.int(20);
        return { bytes: 1 + rng.int(5000), start, end: start + rng.int(6) };
      });
      const { offsets, total } = planMemory(requests);
      requests.forEach((a, i) => {
        expect(offsets[i]! % 64).toBe(0);
        expect(offsets[i]! + a.bytes).toBeLessThanOrEqual(total);
        requests.forEach((b, j) => {
          if (i >= j || a.end < b.start || b.end < a.start) return;
          const disjoint = offsets[i]! + a.bytes <= offsets[j]! || offsets[j]! + b.bytes <= offsets[i]!;
          expect(disjoint, `buffers ${i} and ${j} overlap while both alive`).toBe(true);
        });
      });
      const sum = requests.reduce((s, r) => s + Math.ceil(r.bytes / 64) * 64, 0);
      expect(total).toBeLessThan(sum);
    }
  });
});
