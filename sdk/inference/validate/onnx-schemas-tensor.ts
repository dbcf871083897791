/**
 * ONNX operator schemas (see onnx-schemas.ts: what they hold and where they come from): shapes, copies, indexing, constants and control flow.
 */
import type { OpSchema } from './onnx-schemas.js';

/** Schema versions by operator, oldest first. */
export const TENSOR_SCHEMAS: Readonly<Record<string, readonly OpSchema[]>> = {
  Cast: [
    {
      since: 13,
      inputs: ['input:T1'],
      outputs: ['output:T2'],
      arity: [1, 1, 1, 1],
      attrs: { to: 'int!' },
      types: {
        T1: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'],
        T2: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'],
      },
    },
  ],
  Concat: [
    {
      since: 13,
      inputs: ['inputs:T*'],
      outputs: ['concat_result:T'],
      arity: [1, Infinity, 1, 1],
      attrs: { axis: 'int!' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Constant: [
    {
      since: 13,
      inputs: [],
      outputs: ['output:T'],
      arity: [0, 0, 1, 1],
      attrs: {
        sparse_value: 'sparse_tensor',
        value: 'tensor',
        value_float: 'float',
        value_floats: 'floats',
        value_int: 'int',
        value_ints: 'ints',
        value_string: 'string',
        value_strings: 'strings',
      },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  ConstantOfShape: [
    {
      since: 9,
      inputs: ['input:T1'],
      outputs: ['output:T2'],
      arity: [1, 1, 1, 1],
      attrs: { value: 'tensor' },
      types: { T1: ['int64'], T2: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Expand: [
    {
      since: 13,
      inputs: ['input:T', 'shape:int64'],
      outputs: ['output:T'],
      arity: [2, 2, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Flatten: [
    {
      since: 13,
      inputs: ['input:T'],
      outputs: ['output:T'],
      arity: [1, 1, 1, 1],
      attrs: { axis: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Gather: [
    {
      since: 13,
      inputs: ['data:T', 'indices:Tind'],
      outputs: ['output:T'],
      arity: [2, 2, 1, 1],
      attrs: { axis: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], Tind: ['int32', 'int64'] },
    },
  ],
  Identity: [
    {
      since: 13,
      inputs: ['input:T'],
      outputs: ['output:T'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
    {
      since: 14,
      inputs: ['input:V'],
      outputs: ['output:V'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { V: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
    {
      since: 16,
      inputs: ['input:V'],
      outputs: ['output:V'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { V: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  If: [
    {
      since: 13,
      inputs: ['cond:B'],
      outputs: ['outputs:V*~'],
      arity: [1, 1, 1, Infinity],
      attrs: { else_branch: 'graph!', then_branch: 'graph!' },
      types: { V: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], B: ['bool'] },
    },
    {
      since: 16,
      inputs: ['cond:B'],
      outputs: ['outputs:V*~'],
      arity: [1, 1, 1, Infinity],
      attrs: { else_branch: 'graph!', then_branch: 'graph!' },
      types: { V: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], B: ['bool'] },
    },
  ],
  Loop: [
    {
      since: 13,
      inputs: ['M:I?', 'cond:B?', 'v_initial:V*~'],
      outputs: ['v_final_and_scan_outputs:V*~'],
      arity: [2, Infinity, 1, Infinity],
      attrs: { body: 'graph!' },
      types: { V: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], I: ['int64'], B: ['bool'] },
    },
    {
      since: 16,
      inputs: ['M:I?', 'cond:B?', 'v_initial:V*~'],
      outputs: ['v_final_and_scan_outputs:V*~'],
      arity: [2, Infinity, 1, Infinity],
      attrs: { body: 'graph!' },
      types: { V: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], I: ['int64'], B: ['bool'] },
    },
  ],
  Pad: [
    {
      since: 13,
      inputs: ['data:T', 'pads:int64', 'constant_value:T?'],
      outputs: ['output:T'],
      arity: [2, 3, 1, 1],
      attrs: { mode: 'string' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
    {
      since: 18,
      inputs: ['data:T', 'pads:int64', 'constant_value:T?', 'axes:Tind?'],
      outputs: ['output:T'],
      arity: [2, 4, 1, 1],
      attrs: { mode: 'string' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], Tind: ['int32', 'int64'] },
    },
  ],
  Range: [
    {
      since: 11,
      inputs: ['start:T', 'limit:T', 'delta:T'],
      outputs: ['output:T'],
      arity: [3, 3, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64'] },
    },
  ],
  Reshape: [
    {
      since: 13,
      inputs: ['data:T', 'shape:int64'],
      outputs: ['reshaped:T'],
      arity: [2, 2, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
    {
      since: 14,
      inputs: ['data:T', 'shape:int64'],
      outputs: ['reshaped:T'],
      arity: [2, 2, 1, 1],
      attrs: { allowzero: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Resize: [
    {
      since: 13,
      inputs: ['X:T1', 'roi:T2?', 'scales:float32?', 'sizes:int64?'],
      outputs: ['Y:T1'],
      arity: [1, 4, 1, 1],
      attrs: {
        coordinate_transformation_mode: 'string',
        cubic_coeff_a: 'float',
        exclude_outside: 'int',
        extrapolation_value: 'float',
        mode: 'string',
        nearest_mode: 'string',
      },
      types: { T1: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], T2: ['float32', 'float64'] },
      noKernel: {
        vars: ['T1', 'T2'],
        bindings: ['bool,float64', 'bool,float32', 'float64,float64', 'float64,float32', 'int64,float64', 'int64,float32'],
      },
    },
    {
      since: 18,
      inputs: ['X:T1', 'roi:T2?', 'scales:float32?', 'sizes:int64?'],
      outputs: ['Y:T1'],
      arity: [1, 4, 1, 1],
      attrs: {
        antialias: 'int',
        axes: 'ints',
        coordinate_transformation_mode: 'string',
        cubic_coeff_a: 'float',
        exclude_outside: 'int',
        extrapolation_value: 'float',
        keep_aspect_ratio_policy: 'string',
        mode: 'string',
        nearest_mode: 'string',
      },
      types: { T1: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], T2: ['float32', 'float64'] },
      noKernel: {
        vars: ['T1', 'T2'],
        bindings: ['bool,float64', 'bool,float32', 'float64,float64', 'float64,float32', 'int64,float64', 'int64,float32'],
      },
    },
  ],
  Shape: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['shape:T1'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], T1: ['int64'] },
    },
    {
      since: 15,
      inputs: ['data:T'],
      outputs: ['shape:T1'],
      arity: [1, 1, 1, 1],
      attrs: { end: 'int', start: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], T1: ['int64'] },
    },
  ],
  Size: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['size:T1'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], T1: ['int64'] },
    },
  ],
  Slice: [
    {
      since: 13,
      inputs: ['data:T', 'starts:Tind', 'ends:Tind', 'axes:Tind?', 'steps:Tind?'],
      outputs: ['output:T'],
      arity: [3, 5, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], Tind: ['int32', 'int64'] },
    },
  ],
  Split: [
    {
      since: 13,
      inputs: ['input:T', 'split:int64?'],
      outputs: ['outputs:T*'],
      arity: [1, 2, 1, Infinity],
      attrs: { axis: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
    {
      since: 18,
      inputs: ['input:T', 'split:int64?'],
      outputs: ['outputs:T*'],
      arity: [1, 2, 1, Infinity],
      attrs: { axis: 'int', num_outputs: 'int' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Squeeze: [
    {
      since: 13,
      inputs: ['data:T', 'axes:int64?'],
      outputs: ['squeezed:T'],
      arity: [1, 2, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Tile: [
    {
      since: 13,
      inputs: ['input:T', 'repeats:T1'],
      outputs: ['output:T'],
      arity: [2, 2, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'], T1: ['int64'] },
    },
  ],
  Transpose: [
    {
      since: 13,
      inputs: ['data:T'],
      outputs: ['transposed:T'],
      arity: [1, 1, 1, 1],
      attrs: { perm: 'ints' },
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
  Unsqueeze: [
    {
      since: 13,
      inputs: ['data:T', 'axes:int64'],
      outputs: ['expanded:T'],
      arity: [2, 2, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool'] },
    },
  ],
};
