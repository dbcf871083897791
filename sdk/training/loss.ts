/** Softmax cross-entropy over the classes of the tokens that carry a target. */

/** Loss and counts of one batch. */
export interface LossResult {
  /** Mean cross-entropy over the targets (nats). */
  loss: number;
  /** Targets whose argmax class is right. */
  correct: number;
  /** Targets in the batch. */
  count: number;
}

/**
 * Mean cross-entropy of `logits` (positions × classes) against `targets` (one per position,
 * -1 for none); writes d(loss)/d(logits) into `dLogits` when given.
 */
export function crossEntropy(
  logits: Float32Array,
  targets: Int32Array,
  positions: number,
  classes: number,
  dLogits?: Float32Array,
): LossResult {
  let count = 0;
  for (let p = 0; p < positions; p++) if (targets[p]! >= 0) count++;
  let loss = 0;
  let correct = 0;
  if (dLogits !== undefined) dLogits.fill(0, 0, positions * classes);
  for (let p = 0; p < positions; p++) {
    const t = targets[p]!;
    if (t < 0) continue;
    const o = p * classes;
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < classes; c++)
      if (logits[o + c]! > max) {
        max = logits[o + c]!;
        arg = c;
      }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c]! - max);
    loss += Math.log(sum) + max - logits[o + t]!;
    if (arg === t) correct++;
    if (dLogits !== undefined) {
      for (let c = 0; c < classes; c++) dLogits[o + c] = Math.exp(logits[o + c]! - max) / sum / count;
      dLogits[o + t] = dLogits[o + t]! - 1 / count;
    }
  }
  return { loss: count > 0 ? loss / count : 0, correct, count };
}
