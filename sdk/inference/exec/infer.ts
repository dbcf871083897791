/**
 * One node's shapes and, when its inputs are constant, its values — shared by constant folding at
 * load, the static check of validate/, and planning. Every shape an operator infers is checked
 * here before anything is allocated from it: whole, non-negative dimensions within the limits, so
 * that NaN, negative or oversized tensors cannot exist; every evaluation is charged to a budget
 * of bytes and floating-point operations.
 */
import { TickmindError } from '../../core/errors.js';
import { toTickmindError } from '../errors.js';
import type { Node } from '../ir/graph.js';
import { nodeLabel } from '../ir/graph.js';
import { DEFAULT_LIMITS, type ModelLimits } from '../onnx/limits.js';
import type { OpContext, OpDef, OutputInfo, ValueState } from '../ops/types.js';
import type { Tensor } from '../tensor.js';
import { allocTensor, byteSize, sizeOf } from '../tensor.js';

/** Placeholder for a missing optional input or an unused output. */
const EMPTY = { dtype: 'float32' as const, dims: [0], data: new Float32Array(0), ptr: -2 };

/**
 * What evaluating constants may spend, cumulatively: bytes of the tensors it creates
 * (maxConstantBytes) and work (maxFoldWork). One per model load, one per plan.
 */
export class Budget {
  private bytes = 0;
  private flops = 0;

  /** @param limits The limits charged against (maxConstantBytes, maxFoldWork). */
  constructor(readonly limits: ModelLimits = DEFAULT_LIMITS) {}

  /** Charges an evaluation before it runs; throws MODEL_LIMIT when it would go over. */
  spend(node: Node, bytes: number, flops: number): void {
    this.bytes += bytes;
    this.flops += flops;
    if (this.bytes > this.limits.maxConstantBytes) {
      throw limitError(node, `constants computed at load would take ${this.bytes} bytes, over ${this.limits.maxConstantBytes}`);
    }
    if (this.flops > this.limits.maxFoldWork) {
      throw limitError(node, `computing constants would take ${this.flops} operations, over the limit of ${this.limits.maxFoldWork}`);
    }
  }
}

function limitError(node: Node, message: string): TickmindError {
  return new TickmindError('MODEL_LIMIT', `${nodeLabel(node)}: ${message}`, { node: node.name });
}

/** Throws unless `dims` is a shape tensors may have under `limits` (whole, ≥ 0, within rank, dimension and element limits). */
export function checkDims(node: Node, dims: readonly number[], limits: ModelLimits, what: string): void {
  if (!Array.isArray(dims)) throw new TickmindError('INTERNAL', `${nodeLabel(node)}: ${what} has no shape`, { node: node.name });
  if (dims.length > limits.maxRank) throw limitError(node, `${what} has rank ${dims.length}, over the limit of ${limits.maxRank}`);
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    // Past maxDim (also past 2^53, where a float stops counting whole numbers) is a limit, not a malformed shape.
    if (d > limits.maxDim) throw limitError(node, `${what} has dimension ${d}, over the limit of ${limits.maxDim}`);
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TickmindError('SHAPE_MISMATCH', `${nodeLabel(node)}: ${what} would have dimension ${d} at axis ${i} [${dims.join(', ')}]`, {
        node: node.name,
      });
    }
    count *= d;
  }
  if (count > limits.maxElements) {
    throw limitError(node, `${what} would have ${count} elements [${dims.join(', ')}], over the limit of ${limits.maxElements}`);
  }
}

/** Infers one node's outputs and checks their shapes against `limits`. */
export function inferNode(node: Node, op: OpDef, inputs: (ValueState | undefined)[], limits: ModelLimits = DEFAULT_LIMITS): OutputInfo[] {
  const ctx: OpContext = { node, inputs };
  let outputs: OutputInfo[];
  try {
    outputs = op.infer(ctx);
  } catch (err) {
    throw withNode(err, node);
  }
  for (let j = outputs.length; j < node.outputs.length; j++) {
    if (node.outputs[j] !== '') {
      throw new TickmindError('OP_UNSUPPORTED', `${nodeLabel(node)}: the native backend does not produce output ${j} of ${node.op}`, {
        node: node.name,
        field: `output[${j}]`,
      });
    }
  }
  for (let i = 0; i < outputs.length; i++) checkDims(node, outputs[i]!.dims, limits, `output ${i}`);
  return outputs;
}

/** Floating-point operations of one node (0 for operators that do not report them). */
export function nodeFlops(node: Node, op: OpDef, inputs: (ValueState | undefined)[], outputs: readonly OutputInfo[]): number {
  if (op.flops === undefined) return 0;
  try {
    const f = op.flops({ node, inputs }, outputs);
    return Number.isFinite(f) && f > 0 ? f : 0;
  } catch (err) {
    throw withNode(err, node);
  }
}

/** Evaluates a node whose inputs are all constant, with the portable kernel, charging `budget` first. */
export function evaluateNode(
  node: Node,
  op: OpDef,
  inputs: (ValueState | undefined)[],
  outputs: OutputInfo[],
  budget: Budget = new Budget(),
): Tensor[] {
  let bytes = 0;
  let elements = 0;
  for (const o of outputs) {
    const n = sizeOf(o.dims);
    bytes += n * byteSize(o.dtype);
    elements += n;
  }
  for (const s of inputs) if (s !== undefined) elements += sizeOf(s.dims);
  // Element-wise work is charged too: a kernel's cost is at least what it reads and writes.
  budget.spend(node, bytes, nodeFlops(node, op, inputs, outputs) + elements);
  const ctx: OpContext = { node, inputs };
  const ins = inputs.map((s) => (s === undefined || s.value === undefined ? EMPTY : { ...s.value, ptr: -1 }));
  const outs = outputs.map((o) => ({ ...allocTensor(o.dtype, o.dims), ptr: -1 }));
  try {
    op.js(ctx, outputs)(ins, outs);
  } catch (err) {
    throw withNode(err, node);
  }
  return outs.map(({ dtype, dims, data }) => ({ dtype, dims, data }));
}

/** A TickmindError naming the node: coded errors keep their code, anything else is INTERNAL. */
export function withNode(err: unknown, node: Node): TickmindError {
  if (err instanceof TickmindError) return err.location.node === undefined ? toTickmindError(err, 'INTERNAL', { node: node.name }) : err;
  const e = toTickmindError(err, 'INTERNAL', { node: node.name });
  return new TickmindError(e.code, `${nodeLabel(node)}: ${e.detail}`, e.location);
}
