/** Decoding logits into classes: seeded sampling with a temperature, and argmax. Allocation-free. */
import type { Rng } from '../core/rng.js';

/** Index of the largest logit in logits[offset .. offset + classes) (first on ties). */
export function argmax(logits: ArrayLike<number>, offset: number, classes: number): number {
  let best = 0;
  let bestValue = logits[offset]!;
  for (let c = 1; c < classes; c++) {
    const v = logits[offset + c]!;
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/** Each class's exp, computed once per call (grown when a head has more classes: never per tick). */
let weights = new Float64Array(128);

/**
 * Samples a class from softmax(logits / temperature) over logits[offset .. offset + classes),
 * drawing one uniform from `rng`. temperature ≤ 0 is argmax (and draws nothing).
 */
export function sampleLogits(logits: ArrayLike<number>, offset: number, classes: number, temperature: number, rng: Rng): number {
  if (!(temperature > 0)) return argmax(logits, offset, classes);
  if (weights.length < classes) weights = new Float64Array(classes);
  const inv = 1 / temperature;
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const w = Math.exp((logits[offset + c]! - max) * inv);
    weights[c] = w;
    sum += w;
  }
  let u = rng.next() * sum;
  for (let c = 0; c < classes; c++) {
    u -= weights[c]!;
    if (u < 0) return c;
  }
  // Rounding left a sliver: the last class with any mass.
  for (let c = classes - 1; c > 0; c--) if (logits[offset + c]! > Number.NEGATIVE_INFINITY) return c;
  return 0;
}
