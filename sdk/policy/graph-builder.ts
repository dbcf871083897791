/** A small builder for ONNX graphs in tickmind's IR, with seeded weights. */
import { TickmindError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { AttrValue, Model, Node, Tensor, ValueInfo } from '../inference/index.js';

/** A float32 tensor from values. */
export function f32(dims: number[], values: ArrayLike<number>): Tensor {
  return { dtype: 'float32', dims, data: Float32Array.from(values) };
}

/** An int64 tensor (stored as 32-bit pairs) from small integers. */
export function i64(values: readonly number[]): Tensor {
  const data = new Int32Array(values.length * 2);
  values.forEach((v, i) => {
    data[2 * i] = v;
    data[2 * i + 1] = v < 0 ? -1 : 0;
  });
  return { dtype: 'int64', dims: [values.length], data };
}

/** Builds a graph node by node (used by the starter model and, later, training exports). */
export class GraphBuilder {
  /** Nodes in topological order. */
  readonly nodes: Node[] = [];
  /** Constants by name. */
  readonly initializers = new Map<string, Tensor>();
  /** Graph inputs. */
  readonly inputs: ValueInfo[] = [];
  /** Graph outputs. */
  readonly outputs: ValueInfo[] = [];
  private counter = 0;
  private readonly rng: Rng;

  constructor(
    seed: number,
    /** Values for named weights (trained parameters); others are drawn from the seed. */
    private readonly preset: Readonly<Record<string, Float32Array>> = {},
  ) {
    this.rng = new Rng(seed);
  }

  /** A unique value name. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Adds a constant; returns its name. */
  constant(t: Tensor, name = this.fresh('const')): string {
    this.initializers.set(name, t);
    return name;
  }

  /** A weight of `dims` uniform in ±sqrt(1/fanIn) (PyTorch's Linear default), seeded. */
  weight(name: string, dims: number[], fanIn: number): string {
    const bound = Math.sqrt(1 / fanIn);
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    // Draw even when preset, so every other weight keeps its seeded value.
    for (let i = 0; i < n; i++) data[i] = this.rng.uniform(-bound, bound);
    const given = this.preset[name];
    if (given !== undefined) {
      if (given.length !== n)
        throw new TickmindError('SHAPE_MISMATCH', `weight '${name}' needs ${n} values (shape [${dims}]), got ${given.length}`, {
          field: name,
        });
      data.set(given);
    }
    return this.constant({ dtype: 'float32', dims, data }, name);
  }

  /** Adds a node; returns its output names. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({ name: this.fresh(op), op, domain: '', inputs, outputs: names, attrs });
    return names;
  }

  /** Adds a node with one output; returns it. */
  op1(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.op(op, inputs, attrs)[0]!;
  }

  /** The model (opset and metadata given). */
  build(opset: number, metadata: Record<string, string>): Model {
    return {
      irVersion: 8,
      opset,
      producer: 'tickmind',
      graph: { nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, initializers: this.initializers },
      metadata,
    };
  }
}
