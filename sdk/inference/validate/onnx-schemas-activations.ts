/**
 * ONNX operator schemas (see onnx-schemas.ts: what they hold and where they come from): activations.
 */
import type { OpSchema } from './onnx-schemas.js';

/** Schema versions by operator, oldest first. */
export const ACTIVATION_SCHEMAS: Readonly<Record<string, readonly OpSchema[]>> = {
  Elu: [
    {
      since: 6,
      inputs: ['X:T'],
      outputs: ['Y:T'],
      arity: [1, 1, 1, 1],
      attrs: { alpha: 'float' },
      types: { T: ['float32', 'float64'] },
      noKernel: { vars: ['T'], bindings: ['float64'] },
    },
  ],
  HardSigmoid: [
    {
      since: 6,
      inputs: ['X:T'],
      outputs: ['Y:T'],
      arity: [1, 1, 1, 1],
      attrs: { alpha: 'float', beta: 'float' },
      types: { T: ['float32', 'float64'] },
      noKernel: { vars: ['T'], bindings: ['float64'] },
    },
  ],
  HardSwish: [
    {
      since: 14,
      inputs: ['X:T'],
      outputs: ['Y:T'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64'] },
      noKernel: { vars: ['T'], bindings: ['float64'] },
    },
  ],
  LeakyRelu: [
    {
      since: 6,
      inputs: ['X:T'],
      outputs: ['Y:T'],
      arity: [1, 1, 1, 1],
      attrs: { alpha: 'float' },
      types: { T: ['float32', 'float64'] },
      noKernel: { vars: ['T'], bindings: ['float64'] },
    },
    { since: 16, inputs: ['X:T'], outputs: ['Y:T'], arity: [1, 1, 1, 1], attrs: { alpha: 'float' }, types: { T: ['float32', 'float64'] } },
  ],
  Relu: [
    { since: 13, inputs: ['X:T'], outputs: ['Y:T'], arity: [1, 1, 1, 1], attrs: {}, types: { T: ['float32', 'float64'] } },
    {
      since: 14,
      inputs: ['X:T'],
      outputs: ['Y:T'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64', 'int32', 'int64', 'int8'] },
      noKernel: { vars: ['T'], bindings: ['int64'] },
    },
  ],
  Sigmoid: [{ since: 13, inputs: ['X:T'], outputs: ['Y:T'], arity: [1, 1, 1, 1], attrs: {}, types: { T: ['float32', 'float64'] } }],
  Softplus: [
    {
      since: 1,
      inputs: ['X:T'],
      outputs: ['Y:T'],
      arity: [1, 1, 1, 1],
      attrs: {},
      types: { T: ['float32', 'float64'] },
      noKernel: { vars: ['T'], bindings: ['float64'] },
    },
  ],
  Tanh: [{ since: 13, inputs: ['input:T'], outputs: ['output:T'], arity: [1, 1, 1, 1], attrs: {}, types: { T: ['float32', 'float64'] } }],
};
