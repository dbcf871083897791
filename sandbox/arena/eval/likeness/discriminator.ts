/**
 * A discriminator score: how well a small classifier tells 1-second windows of one source's
 * movement (e.g. a policy's) from another's (the humans'), on held-out windows. 50 % means the
 * two cannot be told apart from these features; 100 % means always.
 *
 * Windows: consecutive, non-overlapping runs of `window` frames inside one trajectory. Each is
 * its per-frame channels (speed, acceleration, turn rate, wall distance, forward and lateral
 * velocity) plus each channel's mean and standard deviation, standardised with the training
 * fold's statistics. Classifier: L2-regularised logistic regression, full-batch gradient descent
 * (deterministic). The classes are balanced by drawing as many windows of the larger source as
 * the smaller has (seeded); k-fold cross-validation with contiguous folds (windows next to each
 * other in time stay in one fold), every window held out once.
 */
import { Rng } from '../../../../sdk/core/index.js';
import type { MovementFeatures } from './features.js';

/** Options of {@link discriminate}. */
export interface DiscriminatorOptions {
  /** Frames per window (default 16: 1 s at 16 Hz). */
  window?: number;
  /** Folds (default 5). */
  folds?: number;
  /** Seed of the balancing draw (default 1). */
  seed?: number;
}

/** The score. */
export interface DiscriminatorScore {
  /** Held-out accuracy (0.5: indistinguishable). */
  accuracy: number;
  /** Its 95 % Wilson interval. */
  interval: [number, number];
  /** Windows per class used. */
  windowsPerClass: number;
}

const CHANNELS = 6;

/** Held-out accuracy telling `a`'s windows from `b`'s (see the module comment). */
export function discriminate(a: MovementFeatures, b: MovementFeatures, options: DiscriminatorOptions = {}): DiscriminatorScore {
  const window = options.window ?? 16;
  const folds = options.folds ?? 5;
  const rng = new Rng(options.seed ?? 1);
  let xa = windows(a, window);
  let xb = windows(b, window);
  const n = Math.min(xa.length, xb.length);
  if (n < folds) return { accuracy: Number.NaN, interval: [0, 1], windowsPerClass: n };
  // Balance: keep n of the larger, drawn without replacement, in their original (time) order.
  const draw = (x: Float64Array[]) => {
    if (x.length === n) return x;
    const order = x.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order
      .slice(0, n)
      .sort((p, q) => p - q)
      .map((i) => x[i]!);
  };
  xa = draw(xa);
  xb = draw(xb);
  let correct = 0;
  for (let f = 0; f < folds; f++) {
    const lo = Math.floor((f * n) / folds);
    const hi = Math.floor(((f + 1) * n) / folds);
    const train: Float64Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i >= lo && i < hi) continue;
      train.push(xa[i]!, xb[i]!);
      labels.push(1, 0);
    }
    const model = fitLogistic(train, labels);
    for (let i = lo; i < hi; i++) {
      if (model.predict(xa[i]!) >= 0.5) correct++;
      if (model.predict(xb[i]!) < 0.5) correct++;
    }
  }
  const total = 2 * n;
  return { accuracy: correct / total, interval: wilson(correct, total), windowsPerClass: n };
}

/** Window vectors of a feature set. */
function windows(f: MovementFeatures, window: number): Float64Array[] {
  const out: Float64Array[] = [];
  const channels = [f.speed, f.acceleration, f.turnRate, f.wallDistance, f.forward, f.lateral];
  for (let t = 0; t + 1 < f.starts.length; t++) {
    // Skip each trajectory's first frame: its acceleration and turn rate are undefined.
    for (let s = f.starts[t]! + 1; s + window <= f.starts[t + 1]!; s += window) {
      const v = new Float64Array(CHANNELS * window + 2 * CHANNELS);
      channels.forEach((c, ch) => {
        let sum = 0;
        let sq = 0;
        for (let k = 0; k < window; k++) {
          const x = c[s + k]!;
          v[ch * window + k] = x;
          sum += x;
          sq += x * x;
        }
        const mean = sum / window;
        v[CHANNELS * window + ch] = mean;
        v[CHANNELS * window + CHANNELS + ch] = Math.sqrt(Math.max(0, sq / window - mean * mean));
      });
      out.push(v);
    }
  }
  return out;
}

/** L2-regularised logistic regression on standardised inputs. */
function fitLogistic(x: readonly Float64Array[], y: readonly number[], lambda = 0.01, iterations = 400, rate = 0.5) {
  const d = x[0]!.length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const v of x) for (let j = 0; j < d; j++) mean[j] = mean[j]! + v[j]! / x.length;
  for (const v of x) for (let j = 0; j < d; j++) scale[j] = scale[j]! + (v[j]! - mean[j]!) ** 2 / x.length;
  for (let j = 0; j < d; j++) scale[j] = 1 / Math.max(1e-6, Math.sqrt(scale[j]!));
  const z = x.map((v) => v.map((e, j) => (e - mean[j]!) * scale[j]!));
  const w = new Float64Array(d);
  let bias = 0;
  const grad = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(dot(w, z[i]!) + bias);
      const e = p - y[i]!;
      const zi = z[i]!;
      for (let j = 0; j < d; j++) grad[j] = grad[j]! + e * zi[j]!;
      gb += e;
    }
    for (let j = 0; j < d; j++) w[j] = w[j]! - rate * (grad[j]! / z.length + lambda * w[j]!);
    bias -= (rate * gb) / z.length;
  }
  return {
    predict(v: Float64Array): number {
      let s = bias;
      for (let j = 0; j < d; j++) s += w[j]! * (v[j]! - mean[j]!) * scale[j]!;
      return sigmoid(s);
    },
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** 95 % Wilson score interval. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}
