/**
 * ONNX operator schemas (see onnx-schemas.ts: what they hold and where they come from): reductions along axes: Reduce*, ArgMax/ArgMin, CumSum, TopK.
 */
import type { OpSchema } from './onnx-schemas.js';

/** Schema versions by operator, oldest first. */
export const REDUCE_SCHEMAS: Readonly<Record<string, readonly OpSchema[]>> = {
  ArgMax: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:int64'],
      arity: [1, 1, 1, 1],
      attrs: { axis: 'int', keepdims: 'int', select_last_index: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'] },
    },
  ],
  ArgMin: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:int64'],
      arity: [1, 1, 1, 1],
      attrs: { axis: 'int', keepdims: 'int', select_last_index: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'] },
    },
  ],
  CumSum: [
    {
      since: 11,
      inputs: ['x:T', 'axis:T2'],
      outputs: ['y:T'],
      arity: [2, 2, 1, 1],
      attrs: { exclusive: 'int', reverse: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'], T2: ['int32', 'int64'] },
    },
    {
      since: 14,
      inputs: ['x:T', 'axis:T2'],
      outputs: ['y:T'],
      arity: [2, 2, 1, 1],
      attrs: { exclusive: 'int', reverse: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'], T2: ['int32', 'int64'] },
    },
  ],
  ReduceMax: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:T'],
      arity: [1, 1, 1, 1],
      attrs: { axes: 'ints', keepdims: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'] },
    },
    {
      since: 18,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['reduced:T'],
      arity: [1, 2, 1, 1],
      attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'] },
    },
  ],
  ReduceMean: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:T'],
      arity: [1, 1, 1, 1],
      attrs: { axes: 'ints', keepdims: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
    {
      since: 18,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['reduced:T'],
      arity: [1, 2, 1, 1],
      attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
  ],
  ReduceMin: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:T'],
      arity: [1, 1, 1, 1],
      attrs: { axes: 'ints', keepdims: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'] },
    },
    {
      since: 18,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['reduced:T'],
      arity: [1, 2, 1, 1],
      attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'] },
    },
  ],
  ReduceProd: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:T'],
      arity: [1, 1, 1, 1],
      attrs: { axes: 'ints', keepdims: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
    {
      since: 18,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['reduced:T'],
      arity: [1, 2, 1, 1],
      attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
  ],
  ReduceSum: [
    {
      since: 13,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['reduced:T'],
      arity: [1, 2, 1, 1],
      attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
  ],
  ReduceSumSquare: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['reduced:T'],
      arity: [1, 1, 1, 1],
      attrs: { axes: 'ints', keepdims: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
    {
      since: 18,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['reduced:T'],
      arity: [1, 2, 1, 1],
      attrs: { keepdims: 'int', noop_with_empty_axes: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
  ],
  TopK: [
    {
      since: 11,
      inputs: ['X:T', 'K:int64'],
      outputs: ['Values:T', 'Indices:I'],
      arity: [2, 2, 2, 2],
      attrs: { axis: 'int', largest: 'int', sorted: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8'], I: ['int64'] },
    },
  ],
};
