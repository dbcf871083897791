/**
 * Whether the native backend runs a decoded model: control flow lowered at load (once per model),
 * then every operator, attribute value, dtype and rank checked against what the native kernels
 * cover. `auto` hands anything else to onnxruntime; `native` refuses it at load with OP_UNSUPPORTED.
 */
import { TickmindError } from '../../core/errors.js';
import { Budget } from '../exec/infer.js';
import type { Model } from '../ir/graph.js';
import { DEFAULT_LIMITS, MAX_OPSET, MIN_OPSET } from '../onnx/limits.js';
import { unsupportedOps } from '../ops/registry.js';
import { type ControlFlowReport, lowerControlFlow } from '../passes/control-flow.js';
import { ensureValidated } from '../validate/index.js';
import { nativeGaps } from '../validate/static.js';

/** What the native backend makes of a model. */
export interface NativeSupport {
  /** Control flow lowered at load. */
  readonly lowered: ControlFlowReport;
  /** Operators it lacks (domain-qualified outside the default domain). */
  readonly missing: readonly string[];
  /** Everything else it cannot run, per node (OP_UNSUPPORTED errors). */
  readonly gaps: readonly TickmindError[];
  /** What constant folding at load has spent so far; the passes keep charging it. */
  readonly budget: Budget;
}

const prepared = new WeakMap<Model, NativeSupport>();

/** Lowers the model's control flow in place (once) and finds what the native backend cannot run. */
export function nativeSupport(model: Model): NativeSupport {
  let support = prepared.get(model);
  if (support === undefined) {
    ensureValidated(model);
    const limits = model.limits ?? DEFAULT_LIMITS;
    const budget = new Budget(limits);
    if (model.opset < MIN_OPSET || model.opset > MAX_OPSET) {
      const gap = new TickmindError('OPSET_UNSUPPORTED', `opset ${model.opset} is outside the native backend's ${MIN_OPSET}–${MAX_OPSET}`, {
        field: 'ModelProto.opset_import',
      });
      support = { lowered: { ifs: 0, loops: 0 }, missing: [], gaps: [gap], budget };
    } else {
      // Without If or Loop, lowering leaves the graph as validation walked it.
      const unchanged = !model.graph.nodes.some((n) => n.op === 'If' || n.op === 'Loop');
      const lowered = lowerControlFlow(model.graph, budget);
      const missing = unsupportedOps(model.graph.nodes);
      support = { lowered, missing, gaps: missing.length > 0 ? [] : nativeGaps(model.graph, limits, unchanged), budget };
    }
    prepared.set(model, support);
  }
  return support;
}
