/** AdamW (decoupled weight decay) and the learning-rate schedule: linear warm-up, then cosine decay to a floor. */
import type { Param } from './token-net.js';

/** AdamW settings. */
export interface AdamWOptions {
  /** β₁ (default 0.9). */
  beta1?: number;
  /** β₂ (default 0.999). */
  beta2?: number;
  /** ε (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay on matrices (default 0.01). */
  weightDecay?: number;
}

/** AdamW over a parameter list (moments preallocated). */
export class AdamW {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly wd: number;

  constructor(
    private readonly params: readonly Param[],
    options: AdamWOptions = {},
  ) {
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
    this.b1 = options.beta1 ?? 0.9;
    this.b2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.wd = options.weightDecay ?? 0.01;
  }

  /** One update at learning rate `lr` from the parameters' gradients. */
  step(lr: number): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k]!;
      const v = this.v[k]!;
      const decay = p.decay ? 1 - lr * this.wd : 1;
      for (let i = 0; i < p.data.length; i++) {
        const g = p.grad[i]!;
        m[i] = this.b1 * m[i]! + (1 - this.b1) * g;
        v[i] = this.b2 * v[i]! + (1 - this.b2) * g * g;
        p.data[i] = p.data[i]! * decay - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + this.eps);
      }
    });
  }
}

/** Learning rate at `step` of `total`: linear warm-up over `warmup` steps to `peak`, then cosine down to `peak · floor`. */
export function learningRate(step: number, total: number, peak: number, warmup: number, floor = 0.05): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
