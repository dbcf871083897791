/**
 * The ONNX operator schemas (default domain, opsets 13–18) of every operator tickmind runs natively,
 * and of If and Loop: what onnxruntime checks before it runs a node (arity, attribute names, kinds
 * and presence, type constraints), so that tickmind refuses exactly what onnxruntime refuses.
 *
 * Data, not code: taken from the onnx package's operator definitions (onnx.defs, 1.23) for each
 * version introduced at or below opset 18 and still current at 13, restricted to the element types
 * tickmind decodes. `noKernel` lists the bindings of type variables that onnxruntime-web 1.30 has no
 * CPU kernel for (found by creating one-node sessions for every binding), which it refuses at load.
 * The table is kept in five files by operator family: onnx-schemas-elementwise.ts, -activations.ts,
 * -nn.ts, -reduce.ts, -tensor.ts.
 */
import type { DType } from '../tensor.js';
import { ACTIVATION_SCHEMAS } from './onnx-schemas-activations.js';
import { ELEMENTWISE_SCHEMAS } from './onnx-schemas-elementwise.js';
import { NN_SCHEMAS } from './onnx-schemas-nn.js';
import { REDUCE_SCHEMAS } from './onnx-schemas-reduce.js';
import { TENSOR_SCHEMAS } from './onnx-schemas-tensor.js';

/** One version of an operator's schema. */
export interface OpSchema {
  /** Opset that introduced this version. */
  readonly since: number;
  /**
   * Formal inputs as `name:type`, the type a type variable or a dtype; `?` marks an optional input,
   * `*` a variadic one (`*~`: its values may differ in type).
   */
  readonly inputs: readonly string[];
  /** Formal outputs, written like the inputs. */
  readonly outputs: readonly string[];
  /** Fewest and most inputs, fewest and most outputs. */
  readonly arity: readonly [number, number, number, number];
  /** Attribute kinds by name (`int`, `ints`, `float`, `string`, `tensor`, `graph`, …); a trailing `!`: required. */
  readonly attrs: Readonly<Record<string, string>>;
  /** The dtypes each type variable may bind (among those tickmind decodes). */
  readonly types: Readonly<Record<string, readonly DType[]>>;
  /** Bindings of `vars` (comma-joined) that onnxruntime-web has no kernel for. */
  readonly noKernel?: { readonly vars: readonly string[]; readonly bindings: readonly string[] };
}

/** Schema versions by operator, oldest first. */
export const ONNX_SCHEMAS: Readonly<Record<string, readonly OpSchema[]>> = {
  ...ELEMENTWISE_SCHEMAS,
  ...ACTIVATION_SCHEMAS,
  ...NN_SCHEMAS,
  ...REDUCE_SCHEMAS,
  ...TENSOR_SCHEMAS,
};
