/**
 * The token transformer of tickmind's policies (the starter architecture: a linear embedding,
 * pre-norm encoder layers of masked multi-head attention and a GELU MLP, a final LayerNorm and a
 * per-token head over the movement classes), with a forward pass that keeps what backprop needs
 * and the exact backward pass. Parameter names and layouts are those of the ONNX graph
 * (`layers.0.qkv.weight` is d × 3d, row-major), so trained weights export as they are.
 * Buffers are sized once for `maxBatch` rows.
 */
import { TickmindError } from '../core/index.js';
import { accumulateWeightGrad, gelu, geluGrad, matmul, matmulTransB } from './math.js';

/** Hyperparameters of a {@link TokenNet}. */
export interface TokenNetConfig {
  /** Tokens per row. */
  tokens: number;
  /** Features per token. */
  features: number;
  /** Model width. */
  d: number;
  /** Encoder layers. */
  layers: number;
  /** Attention heads (d divisible by heads). */
  heads: number;
  /** Feed-forward width. */
  ff: number;
  /** Output classes. */
  classes: number;
}

/** A trainable tensor: values, gradient, shape. */
export interface Param {
  /** Name in the ONNX graph. */
  name: string;
  /** Shape. */
  dims: number[];
  /** Values. */
  data: Float32Array;
  /** Gradient (accumulated by backward). */
  grad: Float32Array;
  /** Whether weight decay applies (matrices, not biases). */
  decay: boolean;
}

/** The row shape a policy network takes and gives. */
export interface RowShape {
  /** Tokens per row. */
  readonly tokens: number;
  /** Features per token. */
  readonly features: number;
  /** Classes per token. */
  readonly classes: number;
}

/** What the trainer needs of a policy network (the token transformer, the MLP). */
export interface PolicyNet {
  /** Row shape: tokens, features per token, classes per token. */
  readonly config: RowShape;
  /** Most rows per batch. */
  readonly maxBatch: number;
  /** Trainable parameters. */
  readonly params: Param[];
  /** Gradient of the loss with respect to the last logits (set before backward). */
  readonly dLogits: Float32Array;
  /** Logits (rows × tokens × classes) of `rows` rows. */
  forward(x: Float32Array, mask: Uint8Array, rows: number): Float32Array;
  /** Backward pass of the last forward; adds to the parameters' gradients. */
  backward(): void;
  /** Zeroes every gradient. */
  zeroGrad(): void;
  /** Current weights by name (copies). */
  weights(): Record<string, Float32Array>;
}

interface LayerCache {
  hIn: Float32Array;
  a: Float32Array;
  rstd1: Float32Array;
  qkv: Float32Array;
  p: Float32Array;
  merged: Float32Array;
  hMid: Float32Array;
  n2: Float32Array;
  rstd2: Float32Array;
  f1: Float32Array;
  g: Float32Array;
}

/**
 * Parameters from (name, shape, decay) triples and initial values by name; a missing or
 * mis-sized value is a SHAPE_MISMATCH naming the parameter.
 */
export function createParams(shapes: readonly [string, number[], boolean][], init: Record<string, Float32Array>): Param[] {
  return shapes.map(([name, dims, decay]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const v = init[name];
    if (v === undefined || v.length !== n)
      throw new TickmindError(
        'SHAPE_MISMATCH',
        `initial weights: '${name}' needs ${n} values (shape [${dims}]), got ${v?.length ?? 'none'}`,
        {
          field: name,
        },
      );
    return { name, dims, data: Float32Array.from(v), grad: new Float32Array(n), decay };
  });
}

const EPS = 1e-5;
const MASKED = -1e9;

/** The network (see the module comment). */
export class TokenNet implements PolicyNet {
  /** Parameters in a fixed order. */
  readonly params: Param[];
  /** Logits of the last forward pass: rows × tokens × classes. */
  readonly logits: Float32Array;
  /** Gradient of the loss with respect to `logits`, set by the caller before {@link backward}. */
  readonly dLogits: Float32Array;
  private readonly byName = new Map<string, Param>();
  private readonly caches: LayerCache[];
  private readonly hOut: Float32Array;
  private readonly nf: Float32Array;
  private readonly rstdf: Float32Array;
  private readonly dh: Float32Array;
  private readonly dTmp: Float32Array;
  private readonly dQkv: Float32Array;
  private readonly dF: Float32Array;
  private readonly dP: Float32Array;
  private x: Float32Array = new Float32Array(0);
  private mask: Uint8Array = new Uint8Array(0);
  private rows = 0;

  constructor(
    /** Hyperparameters. */
    readonly config: TokenNetConfig,
    /** Most rows per batch. */
    readonly maxBatch: number,
    /** Initial values by parameter name (all required). */
    init: Record<string, Float32Array>,
  ) {
    const { tokens: T, features: F, d, layers: L, heads: H, ff, classes: C } = config;
    if (d % H !== 0) throw new TickmindError('INVALID_ARGUMENT', `d = ${d} is not divisible by heads = ${H}`, { field: 'heads' });
    const shapes: [string, number[], boolean][] = [
      ['embed.weight', [F, d], true],
      ['embed.bias', [d], false],
    ];
    for (let l = 0; l < L; l++) {
      const p = `layers.${l}`;
      shapes.push(
        [`${p}.qkv.weight`, [d, 3 * d], true],
        [`${p}.qkv.bias`, [3 * d], false],
        [`${p}.out.weight`, [d, d], true],
        [`${p}.out.bias`, [d], false],
        [`${p}.ff1.weight`, [d, ff], true],
        [`${p}.ff1.bias`, [ff], false],
        [`${p}.ff2.weight`, [ff, d], true],
        [`${p}.ff2.bias`, [d], false],
      );
    }
    shapes.push(['head.weight', [d, C], true], ['head.bias', [C], false]);
    this.params = createParams(shapes, init);
    for (const p of this.params) this.byName.set(p.name, p);
    const N = maxBatch * T;
    const f = (n: number) => new Float32Array(n);
    this.caches = Array.from({ length: L }, () => ({
      hIn: f(N * d),
      a: f(N * d),
      rstd1: f(N),
      qkv: f(N * 3 * d),
      p: f(maxBatch * H * T * T),
      merged: f(N * d),
      hMid: f(N * d),
      n2: f(N * d),
      rstd2: f(N),
      f1: f(N * ff),
      g: f(N * ff),
    }));
    this.hOut = f(N * d);
    this.nf = f(N * d);
    this.rstdf = f(N);
    this.logits = f(N * C);
    this.dLogits = f(N * C);
    this.dh = f(N * d);
    this.dTmp = f(N * Math.max(d, ff));
    this.dQkv = f(N * 3 * d);
    this.dF = f(N * ff);
    this.dP = f(T * T);
  }

  /** A parameter by name. */
  param(name: string): Param {
    const p = this.byName.get(name);
    if (p === undefined) throw new TickmindError('INVALID_ARGUMENT', `no parameter '${name}'`, { field: name });
    return p;
  }

  /** Current weights by name (copies), for export. */
  weights(): Record<string, Float32Array> {
    return Object.fromEntries(this.params.map((p) => [p.name, p.data.slice()]));
  }

  /** Forward pass over `rows` rows of tokens (rows × T × F) with key masks (rows × T, 1 = absent); fills `logits`. */
  forward(x: Float32Array, mask: Uint8Array, rows: number): Float32Array {
    if (rows > this.maxBatch)
      throw new TickmindError('MODEL_LIMIT', `${rows} rows exceed the batch of ${this.maxBatch}`, { field: 'rows' });
    const { tokens: T, features: F, d, layers: L, ff, classes: C } = this.config;
    const N = rows * T;
    this.x = x;
    this.mask = mask;
    this.rows = rows;
    let h = this.caches.length > 0 ? this.caches[0]!.hIn : this.hOut;
    matmul(x, this.param('embed.weight').data, h, N, F, d, this.param('embed.bias').data);
    for (let l = 0; l < L; l++) {
      const c = this.caches[l]!;
      const p = `layers.${l}`;
      if (h !== c.hIn) c.hIn.set(h.subarray(0, N * d));
      layerNorm(c.hIn, c.a, c.rstd1, N, d);
      matmul(c.a, this.param(`${p}.qkv.weight`).data, c.qkv, N, d, 3 * d, this.param(`${p}.qkv.bias`).data);
      this.attention(c, rows);
      matmul(c.merged, this.param(`${p}.out.weight`).data, c.hMid, N, d, d, this.param(`${p}.out.bias`).data);
      for (let i = 0; i < N * d; i++) c.hMid[i] = c.hMid[i]! + c.hIn[i]!;
      layerNorm(c.hMid, c.n2, c.rstd2, N, d);
      matmul(c.n2, this.param(`${p}.ff1.weight`).data, c.f1, N, d, ff, this.param(`${p}.ff1.bias`).data);
      for (let i = 0; i < N * ff; i++) c.g[i] = gelu(c.f1[i]!);
      const next = l + 1 < L ? this.caches[l + 1]!.hIn : this.hOut;
      matmul(c.g, this.param(`${p}.ff2.weight`).data, next, N, ff, d, this.param(`${p}.ff2.bias`).data);
      for (let i = 0; i < N * d; i++) next[i] = next[i]! + c.hMid[i]!;
      h = next;
    }
    layerNorm(h, this.nf, this.rstdf, N, d);
    matmul(this.nf, this.param('head.weight').data, this.logits, N, d, C, this.param('head.bias').data);
    return this.logits;
  }

  /** Backward pass of the last forward, from `dLogits`; adds to every parameter's `grad`. */
  backward(): void {
    const { tokens: T, features: F, d, layers: L, ff, classes: C } = this.config;
    const N = this.rows * T;
    const dh = this.dh;
    accumulateWeightGrad(this.nf, this.dLogits, this.param('head.weight').grad, N, d, C, this.param('head.bias').grad);
    matmulTransB(this.dLogits, this.param('head.weight').data, this.dTmp, N, C, d);
    layerNormBackward(this.dTmp, this.nf, this.rstdf, dh, N, d, false);
    for (let l = L - 1; l >= 0; l--) {
      const c = this.caches[l]!;
      const p = `layers.${l}`;
      // h_out = hMid + ff2(gelu(ff1(LN2(hMid))))
      accumulateWeightGrad(c.g, dh, this.param(`${p}.ff2.weight`).grad, N, ff, d, this.param(`${p}.ff2.bias`).grad);
      matmulTransB(dh, this.param(`${p}.ff2.weight`).data, this.dF, N, d, ff);
      for (let i = 0; i < N * ff; i++) this.dF[i] = this.dF[i]! * geluGrad(c.f1[i]!);
      accumulateWeightGrad(c.n2, this.dF, this.param(`${p}.ff1.weight`).grad, N, d, ff, this.param(`${p}.ff1.bias`).grad);
      matmulTransB(this.dF, this.param(`${p}.ff1.weight`).data, this.dTmp, N, ff, d);
      layerNormBackward(this.dTmp, c.n2, c.rstd2, dh, N, d, true); // dh is now d(hMid)
      // hMid = hIn + out(attention(LN1(hIn)))
      accumulateWeightGrad(c.merged, dh, this.param(`${p}.out.weight`).grad, N, d, d, this.param(`${p}.out.bias`).grad);
      matmulTransB(dh, this.param(`${p}.out.weight`).data, this.dTmp, N, d, d); // d(merged)
      this.attentionBackward(c, this.dTmp);
      accumulateWeightGrad(c.a, this.dQkv, this.param(`${p}.qkv.weight`).grad, N, d, 3 * d, this.param(`${p}.qkv.bias`).grad);
      matmulTransB(this.dQkv, this.param(`${p}.qkv.weight`).data, this.dTmp, N, 3 * d, d);
      layerNormBackward(this.dTmp, c.a, c.rstd1, dh, N, d, true); // dh is now d(hIn)
    }
    accumulateWeightGrad(this.x, dh, this.param('embed.weight').grad, N, F, d, this.param('embed.bias').grad);
  }

  /** Zeroes every gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  private attention(c: LayerCache, rows: number): void {
    const { tokens: T, d, heads: H } = this.config;
    const dh = d / H;
    const scale = 1 / Math.sqrt(dh);
    const q = c.qkv;
    const stride = 3 * d;
    for (let b = 0; b < rows; b++) {
      for (let hh = 0; hh < H; hh++) {
        const pBase = (b * H + hh) * T * T;
        for (let i = 0; i < T; i++) {
          const qi = (b * T + i) * stride + hh * dh;
          let max = -Infinity;
          for (let j = 0; j < T; j++) {
            const kj = (b * T + j) * stride + d + hh * dh;
            let s = 0;
            for (let k = 0; k < dh; k++) s += q[qi + k]! * q[kj + k]!;
            s = s * scale + (this.mask[b * T + j] === 1 ? MASKED : 0);
            c.p[pBase + i * T + j] = s;
            if (s > max) max = s;
          }
          let sum = 0;
          for (let j = 0; j < T; j++) {
            const e = Math.exp(c.p[pBase + i * T + j]! - max);
            c.p[pBase + i * T + j] = e;
            sum += e;
          }
          const out = (b * T + i) * d + hh * dh;
          for (let k = 0; k < dh; k++) c.merged[out + k] = 0;
          for (let j = 0; j < T; j++) {
            const pij = c.p[pBase + i * T + j]! / sum;
            c.p[pBase + i * T + j] = pij;
            const vj = (b * T + j) * stride + 2 * d + hh * dh;
            for (let k = 0; k < dh; k++) c.merged[out + k] = c.merged[out + k]! + pij * q[vj + k]!;
          }
        }
      }
    }
  }

  /** From d(merged) to d(qkv) for one layer. */
  private attentionBackward(c: LayerCache, dMerged: Float32Array): void {
    const { tokens: T, d, heads: H } = this.config;
    const dh = d / H;
    const scale = 1 / Math.sqrt(dh);
    const q = c.qkv;
    const dq = this.dQkv;
    const stride = 3 * d;
    dq.fill(0, 0, this.rows * T * stride);
    const dP = this.dP;
    for (let b = 0; b < this.rows; b++) {
      for (let hh = 0; hh < H; hh++) {
        const pBase = (b * H + hh) * T * T;
        for (let i = 0; i < T; i++) {
          const di = (b * T + i) * d + hh * dh;
          for (let j = 0; j < T; j++) {
            const vj = (b * T + j) * stride + 2 * d + hh * dh;
            let s = 0;
            for (let k = 0; k < dh; k++) s += dMerged[di + k]! * q[vj + k]!;
            dP[i * T + j] = s;
            const pij = c.p[pBase + i * T + j]!;
            for (let k = 0; k < dh; k++) dq[vj + k] = dq[vj + k]! + pij * dMerged[di + k]!;
          }
        }
        for (let i = 0; i < T; i++) {
          let dot = 0;
          for (let j = 0; j < T; j++) dot += c.p[pBase + i * T + j]! * dP[i * T + j]!;
          const qi = (b * T + i) * stride + hh * dh;
          for (let j = 0; j < T; j++) {
            const ds = c.p[pBase + i * T + j]! * (dP[i * T + j]! - dot) * scale;
            if (ds === 0) continue;
            const kj = (b * T + j) * stride + d + hh * dh;
            for (let k = 0; k < dh; k++) {
              dq[qi + k] = dq[qi + k]! + ds * q[kj + k]!;
              dq[kj + k] = dq[kj + k]! + ds * q[qi + k]!;
            }
          }
        }
      }
    }
  }
}

/** y = (x − mean) / sqrt(var + eps) per row of width d; keeps 1/std per row. */
function layerNorm(x: Float32Array, y: Float32Array, rstd: Float32Array, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[o + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const t = x[o + j]! - mean;
      v += t * t;
    }
    const s = 1 / Math.sqrt(v / d + EPS);
    rstd[r] = s;
    for (let j = 0; j < d; j++) y[o + j] = (x[o + j]! - mean) * s;
  }
}

/** dx = rstd · (dy − mean(dy) − y · mean(dy · y)); written into dx, or added to it when `accumulate`. */
function layerNormBackward(
  dy: Float32Array,
  y: Float32Array,
  rstd: Float32Array,
  dx: Float32Array,
  rows: number,
  d: number,
  accumulate: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < d; j++) {
      m1 += dy[o + j]!;
      m2 += dy[o + j]! * y[o + j]!;
    }
    m1 /= d;
    m2 /= d;
    const s = rstd[r]!;
    for (let j = 0; j < d; j++) {
      const g = s * (dy[o + j]! - m1 - y[o + j]! * m2);
      dx[o + j] = accumulate ? dx[o + j]! + g : g;
    }
  }
}
