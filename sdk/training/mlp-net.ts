/**
 * The MLP baseline policy network: the row's tokens flattened (tokens × features), two ReLU
 * layers, and a head over every token's classes (tokens × classes), so its logits have the token
 * transformer's shape and any decider runs it. Parameter names and layouts are those of the ONNX
 * graph `buildMlpPolicy` (tickmind/policy) writes. Buffers are sized once for `maxBatch` rows.
 */
import { TickmindError } from '../core/index.js';
import { accumulateWeightGrad, matmul, matmulTransB } from './math.js';
import { createParams, type Param, type PolicyNet, type RowShape } from './token-net.js';

/** Hyperparameters of an {@link MlpNet}. */
export interface MlpNetConfig {
  /** Tokens per row. */
  tokens: number;
  /** Features per token. */
  features: number;
  /** Width of both hidden layers. */
  hidden: number;
  /** Classes per token. */
  classes: number;
}

/** The MLP (see the module comment). */
export class MlpNet implements PolicyNet {
  /** Parameters in a fixed order. */
  readonly params: Param[];
  /** Logits of the last forward pass: rows × tokens × classes. */
  readonly logits: Float32Array;
  /** Gradient of the loss with respect to `logits`. */
  readonly dLogits: Float32Array;
  /** Token-network-compatible view of the shape (tokens, features, classes). */
  readonly config: RowShape;
  private readonly p: Param[];
  private readonly a1: Float32Array;
  private readonly a2: Float32Array;
  private readonly d1: Float32Array;
  private readonly d2: Float32Array;
  private x: Float32Array = new Float32Array(0);
  private rows = 0;

  constructor(
    /** Hyperparameters. */
    readonly shape: MlpNetConfig,
    /** Most rows per batch. */
    readonly maxBatch: number,
    init: Record<string, Float32Array>,
  ) {
    const { tokens: T, features: F, hidden: H, classes: C } = shape;
    this.config = { tokens: T, features: F, classes: C };
    const shapes: [string, number[], boolean][] = [
      ['l1.weight', [T * F, H], true],
      ['l1.bias', [H], false],
      ['l2.weight', [H, H], true],
      ['l2.bias', [H], false],
      ['head.weight', [H, T * C], true],
      ['head.bias', [T * C], false],
    ];
    this.params = createParams(shapes, init);
    this.p = this.params;
    this.a1 = new Float32Array(maxBatch * H);
    this.a2 = new Float32Array(maxBatch * H);
    this.d1 = new Float32Array(maxBatch * H);
    this.d2 = new Float32Array(maxBatch * H);
    this.logits = new Float32Array(maxBatch * T * C);
    this.dLogits = new Float32Array(maxBatch * T * C);
  }

  /** Current weights by name (copies), for export. */
  weights(): Record<string, Float32Array> {
    return Object.fromEntries(this.params.map((p) => [p.name, p.data.slice()]));
  }

  /** Forward pass over `rows` rows (the mask is not an input of the MLP: absent tokens are zeros). */
  forward(x: Float32Array, _mask: Uint8Array, rows: number): Float32Array {
    if (rows > this.maxBatch)
      throw new TickmindError('MODEL_LIMIT', `${rows} rows exceed the batch of ${this.maxBatch}`, { field: 'rows' });
    const { tokens: T, features: F, hidden: H, classes: C } = this.shape;
    this.x = x;
    this.rows = rows;
    const [w1, b1, w2, b2, wh, bh] = this.p as [Param, Param, Param, Param, Param, Param];
    matmul(x, w1.data, this.a1, rows, T * F, H, b1.data);
    for (let i = 0; i < rows * H; i++) if (this.a1[i]! < 0) this.a1[i] = 0;
    matmul(this.a1, w2.data, this.a2, rows, H, H, b2.data);
    for (let i = 0; i < rows * H; i++) if (this.a2[i]! < 0) this.a2[i] = 0;
    matmul(this.a2, wh.data, this.logits, rows, H, T * C, bh.data);
    return this.logits;
  }

  /** Backward pass of the last forward, from `dLogits`. */
  backward(): void {
    const { tokens: T, features: F, hidden: H, classes: C } = this.shape;
    const n = this.rows;
    const [w1, b1, w2, b2, wh, bh] = this.p as [Param, Param, Param, Param, Param, Param];
    accumulateWeightGrad(this.a2, this.dLogits, wh.grad, n, H, T * C, bh.grad);
    matmulTransB(this.dLogits, wh.data, this.d2, n, T * C, H);
    for (let i = 0; i < n * H; i++) if (this.a2[i]! <= 0) this.d2[i] = 0;
    accumulateWeightGrad(this.a1, this.d2, w2.grad, n, H, H, b2.grad);
    matmulTransB(this.d2, w2.data, this.d1, n, H, H);
    for (let i = 0; i < n * H; i++) if (this.a1[i]! <= 0) this.d1[i] = 0;
    accumulateWeightGrad(this.x, this.d1, w1.grad, n, T * F, H, b1.grad);
  }

  /** Zeroes every gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }
}
