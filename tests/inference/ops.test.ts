/**
 * Operator semantics, one small model per case, checked against onnxruntime-web on the
 * WebAssembly kernels and on the portable kernels: broadcasting, attributes, negative axes,
 * integer and boolean tensors, the opset-13 and opset-18 forms.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { NativeSession, OrtSession, type Session, type TensorInput } from '../../sdk/inference/index.js';
import { compare } from '../helpers/fixtures.js';
import { buildModel, type ElemType, type InitSpec, type NodeSpec } from '../helpers/onnx-builder.js';

interface Case {
  name: string;
  inputs: { name: string; type?: ElemType; dims: number[]; positive?: boolean; ints?: number }[];
  outputs: { name: string; type?: ElemType; rank: number }[];
  nodes: NodeSpec[];
  initializers?: InitSpec[];
  opset?: number;
}

const f = (name: string, dims: number[], extra: Partial<Case['inputs'][number]> = {}) => ({ name, dims, ...extra });
const out = (name: string, rank: number, type: ElemType = 'float32') => ({ name, rank, type });
const i64 = (name: string, values: number[], dims = [values.length]): InitSpec => ({ name, type: 'int64', dims, values });
const f32 = (name: string, values: number[], dims = [values.length]): InitSpec => ({ name, type: 'float32', dims, values });
const unary = (op: string, attrs: NodeSpec['attrs'] = {}, positive = false): Case => ({
  name: op + (Object.keys(attrs).length > 0 ? ` ${JSON.stringify(attrs)}` : ''),
  inputs: [f('x', [3, 7], { positive })],
  outputs: [out('y', 2)],
  nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs }],
});
const binary = (op: string, a: number[], b: number[], type: ElemType = 'float32'): Case => ({
  name: `${op} [${a}] x [${b}]${type === 'float32' ? '' : ` ${type}`}`,
  inputs: [f('a', a), f('b', b, { positive: op === 'Div' || op === 'Pow' })],
  outputs: [out('y', Math.max(a.length, b.length), type)],
  nodes: [{ op, inputs: ['a', 'b'], outputs: ['y'] }],
});

const CASES: Case[] = [
  ...['Neg', 'Abs', 'Exp', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Floor', 'Ceil', 'Sin', 'Cos', 'Softplus', 'Sign'].map((op) => unary(op)),
  unary('Sqrt', {}, true),
  unary('Log', {}, true),
  unary('Reciprocal', {}, true),
  unary('LeakyRelu', { alpha: 0.2 }),
  unary('Elu', { alpha: 0.7 }),
  unary('HardSigmoid', { alpha: 0.3, beta: 0.4 }),
  { ...unary('HardSwish'), opset: 14 },
  {
    name: 'Conv 2-D on zero-bordered planes: asymmetric pads, dilation 2, stride 2, two groups, odd sizes',
    inputs: [f('x', [2, 4, 9, 13])],
    outputs: [out('y', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 6 * 2 * 3 * 3 }, (_, i) => Math.sin(i * 0.53)),
        [6, 2, 3, 3],
      ),
      f32('b', [0.1, -0.2, 0.3, 0.05, -0.15, 0.25]),
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { pads: [2, 0, 1, 3], strides: [2, 2], dilations: [2, 2], group: 2 } },
    ],
  },
  {
    name: 'Conv 2-D: stride 2 over 40-wide rows (vector and border paths of the panel im2col), pads, bias',
    inputs: [f('x', [2, 2, 6, 40])],
    outputs: [out('y', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 3 * 2 * 3 * 3 }, (_, i) => Math.cos(i * 0.41)),
        [3, 2, 3, 3],
      ),
      f32('b', [0.3, -0.1, 0.2]),
    ],
    nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } }],
  },
  {
    name: 'Conv depthwise 3×3 stride 1, pads, bias, 21-wide rows (the vector rows and their borders); and 5×3 dilated',
    inputs: [f('x', [2, 4, 7, 21])],
    outputs: [out('y', 4), out('z', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 4 * 9 }, (_, i) => Math.sin(i * 0.7)),
        [4, 1, 3, 3],
      ),
      f32(
        'w2',
        Array.from({ length: 4 * 15 }, (_, i) => Math.cos(i * 0.3)),
        [4, 1, 5, 3],
      ),
      f32('b', [0.5, -0.25, 0.125, 0]),
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { group: 4, pads: [1, 1, 1, 1] } },
      { op: 'Conv', inputs: ['x', 'w2'], outputs: ['z'], attrs: { group: 4, pads: [2, 0, 2, 3], dilations: [1, 2] } },
    ],
  },
  {
    name: 'MaxPool and AveragePool 2×2 stride 2 on 18-wide rows (the vector path and its tail)',
    inputs: [f('x', [1, 3, 6, 18])],
    outputs: [out('y', 4), out('z', 4)],
    nodes: [
      { op: 'MaxPool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'AveragePool', inputs: ['x'], outputs: ['z'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
    ],
  },
  {
    name: 'Conv 2-D: pads, strides, dilations, bias',
    inputs: [f('x', [2, 3, 9, 8])],
    outputs: [out('y', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i * 0.37)),
        [4, 3, 3, 3],
      ),
      f32('b', [0.1, -0.2, 0.3, 0]),
    ],
    nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { pads: [1, 2, 0, 1], strides: [2, 1], dilations: [1, 2] } }],
  },
  {
    name: 'Conv 2-D depthwise (group = channels), auto_pad SAME_UPPER, stride 2',
    inputs: [f('x', [1, 4, 7, 7])],
    outputs: [out('y', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 4 * 3 * 3 }, (_, i) => Math.cos(i * 0.5)),
        [4, 1, 3, 3],
      ),
    ],
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: 4, auto_pad: 'SAME_UPPER', strides: [2, 2] } }],
  },
  {
    name: 'Conv 1-D with 2 groups and a dynamic weight',
    inputs: [f('x', [2, 4, 16]), f('w', [6, 2, 5])],
    outputs: [out('y', 3)],
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: 2, pads: [2, 2], strides: [3] } }],
  },
  {
    name: 'ConvTranspose 2-D: strides, pads, output_padding, dilations, bias',
    inputs: [f('x', [2, 3, 4, 5])],
    outputs: [out('y', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 3 * 2 * 3 * 3 }, (_, i) => Math.sin(i * 0.41)),
        [3, 2, 3, 3],
      ),
      f32('b', [0.25, -0.5]),
    ],
    nodes: [
      {
        op: 'ConvTranspose',
        inputs: ['x', 'w', 'b'],
        outputs: ['y'],
        attrs: { strides: [2, 2], pads: [1, 0, 0, 1], output_padding: [1, 0], dilations: [1, 2] },
      },
    ],
  },
  {
    name: 'ConvTranspose 1-D with 2 groups and output_shape; 2-D auto_pad SAME_UPPER',
    inputs: [f('x', [1, 4, 6]), f('z', [1, 2, 3, 3])],
    outputs: [out('y', 3), out('s', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 4 * 3 * 4 }, (_, i) => Math.cos(i * 0.3)),
        [4, 3, 4],
      ),
      f32(
        'w2',
        Array.from({ length: 2 * 3 * 3 * 3 }, (_, i) => Math.sin(i * 0.2)),
        [2, 3, 3, 3],
      ),
    ],
    nodes: [
      { op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: 2, strides: [3], output_shape: [18] } },
      { op: 'ConvTranspose', inputs: ['z', 'w2'], outputs: ['s'], attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' } },
    ],
  },
  {
    name: 'Resize nearest: scales (asymmetric, floor) and sizes (half_pixel, round_prefer_ceil)',
    inputs: [f('x', [1, 2, 3, 4])],
    outputs: [out('a', 4), out('b', 4)],
    initializers: [f32('sc', [1, 1, 2, 1.5]), i64('sz', [1, 2, 5, 7])],
    nodes: [
      {
        op: 'Resize',
        inputs: ['x', '', 'sc'],
        outputs: ['a'],
        attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
      },
      { op: 'Resize', inputs: ['x', '', '', 'sz'], outputs: ['b'], attrs: { mode: 'nearest', nearest_mode: 'round_prefer_ceil' } },
    ],
  },
  {
    name: 'Resize linear: half_pixel down, align_corners up, pytorch_half_pixel to size 1',
    inputs: [f('x', [2, 3, 6, 5])],
    outputs: [out('d', 4), out('u', 4), out('p', 4)],
    initializers: [f32('half', [1, 1, 0.5, 0.6]), i64('up', [2, 3, 9, 11]), i64('one', [2, 3, 1, 4])],
    nodes: [
      { op: 'Resize', inputs: ['x', '', 'half'], outputs: ['d'], attrs: { mode: 'linear' } },
      {
        op: 'Resize',
        inputs: ['x', '', '', 'up'],
        outputs: ['u'],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
      },
      {
        op: 'Resize',
        inputs: ['x', '', '', 'one'],
        outputs: ['p'],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' },
      },
    ],
  },
  {
    name: 'GRU forward with bias and initial state; bidirectional with sequence lengths and linear_before_reset',
    inputs: [f('x', [5, 3, 4]), f('h0', [1, 3, 6]), f('h2', [2, 3, 6])],
    outputs: [out('y', 4), out('yh', 3), out('y2', 4), out('yh2', 3)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 1 * 18 * 4 }, (_, i) => 0.4 * Math.sin(i * 0.7)),
        [1, 18, 4],
      ),
      f32(
        'r',
        Array.from({ length: 1 * 18 * 6 }, (_, i) => 0.3 * Math.cos(i * 0.3)),
        [1, 18, 6],
      ),
      f32(
        'b',
        Array.from({ length: 1 * 36 }, (_, i) => 0.1 * Math.sin(i)),
        [1, 36],
      ),
      f32(
        'w2',
        Array.from({ length: 2 * 18 * 4 }, (_, i) => 0.4 * Math.cos(i * 0.9)),
        [2, 18, 4],
      ),
      f32(
        'r2',
        Array.from({ length: 2 * 18 * 6 }, (_, i) => 0.3 * Math.sin(i * 0.5)),
        [2, 18, 6],
      ),
      f32(
        'b2',
        Array.from({ length: 2 * 36 }, (_, i) => 0.1 * Math.cos(i)),
        [2, 36],
      ),
      { name: 'lens', type: 'int32', dims: [3], values: [5, 2, 4] },
    ],
    nodes: [
      { op: 'GRU', inputs: ['x', 'w', 'r', 'b', '', 'h0'], outputs: ['y', 'yh'], attrs: { hidden_size: 6 } },
      {
        op: 'GRU',
        inputs: ['x', 'w2', 'r2', 'b2', 'lens', 'h2'],
        outputs: ['y2', 'yh2'],
        attrs: { hidden_size: 6, direction: 'bidirectional', linear_before_reset: 1 },
      },
    ],
  },
  {
    name: 'GRU and LSTM on the WebAssembly sequence kernels: bidirectional, 6–9 batch rows, hidden sizes off the 8-column panels, with and without biases and states',
    inputs: [f('x', [4, 7, 5]), f('h0', [2, 7, 9]), f('c0', [2, 7, 7])],
    outputs: [out('y', 4), out('yh', 3), out('y2', 4), out('y3', 4), out('ly', 4), out('lh', 3), out('lc', 3)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 2 * 27 * 5 }, (_, i) => 0.4 * Math.sin(i * 0.37)),
        [2, 27, 5],
      ),
      f32(
        'r',
        Array.from({ length: 2 * 27 * 9 }, (_, i) => 0.3 * Math.cos(i * 0.23)),
        [2, 27, 9],
      ),
      f32(
        'b',
        Array.from({ length: 2 * 54 }, (_, i) => 0.2 * Math.sin(i * 1.3)),
        [2, 54],
      ),
      f32(
        'lw',
        Array.from({ length: 2 * 28 * 5 }, (_, i) => 0.5 * Math.cos(i * 0.29)),
        [2, 28, 5],
      ),
      f32(
        'lr',
        Array.from({ length: 2 * 28 * 7 }, (_, i) => 0.3 * Math.sin(i * 0.41)),
        [2, 28, 7],
      ),
      f32(
        'lb',
        Array.from({ length: 2 * 56 }, (_, i) => 0.1 * Math.cos(i * 0.7)),
        [2, 56],
      ),
      f32(
        'lp',
        Array.from({ length: 2 * 21 }, (_, i) => 0.2 * Math.sin(i)),
        [2, 21],
      ),
    ],
    nodes: [
      // linear_before_reset, initial state, no bias.
      {
        op: 'GRU',
        inputs: ['x', 'w', 'r', '', '', 'h0'],
        outputs: ['y', 'yh'],
        attrs: { hidden_size: 9, direction: 'bidirectional', linear_before_reset: 1 },
      },
      // Reset gate first (two recurrent products per step), biases, zero state.
      { op: 'GRU', inputs: ['x', 'w', 'r', 'b'], outputs: ['y2'], attrs: { hidden_size: 9, direction: 'bidirectional' } },
      // linear_before_reset with biases: the candidate's Rb inside r ⊙ (Rh·h + Rb).
      {
        op: 'GRU',
        inputs: ['x', 'w', 'r', 'b', '', 'h0'],
        outputs: ['y3'],
        attrs: { hidden_size: 9, direction: 'bidirectional', linear_before_reset: 1 },
      },
      {
        op: 'LSTM',
        inputs: ['x', 'lw', 'lr', 'lb', '', '', 'c0', 'lp'],
        outputs: ['ly', 'lh', 'lc'],
        attrs: { hidden_size: 7, direction: 'bidirectional' },
      },
    ],
  },
  {
    name: 'LSTM reverse with peepholes and states; bidirectional with sequence lengths and clip (Y_h, Y_c only)',
    inputs: [f('x', [4, 2, 3]), f('h0', [1, 2, 5]), f('c0', [1, 2, 5])],
    outputs: [out('y', 4), out('yh', 3), out('yc', 3), out('h2', 3), out('c2', 3)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 20 * 3 }, (_, i) => 0.5 * Math.sin(i * 0.6)),
        [1, 20, 3],
      ),
      f32(
        'r',
        Array.from({ length: 20 * 5 }, (_, i) => 0.3 * Math.cos(i * 0.4)),
        [1, 20, 5],
      ),
      f32(
        'b',
        Array.from({ length: 40 }, (_, i) => 0.05 * i - 1),
        [1, 40],
      ),
      f32(
        'p',
        Array.from({ length: 15 }, (_, i) => 0.1 * Math.sin(i)),
        [1, 15],
      ),
      f32(
        'w2',
        Array.from({ length: 2 * 20 * 3 }, (_, i) => 0.5 * Math.cos(i * 0.6)),
        [2, 20, 3],
      ),
      f32(
        'r2',
        Array.from({ length: 2 * 20 * 5 }, (_, i) => 0.3 * Math.sin(i * 0.4)),
        [2, 20, 5],
      ),
      { name: 'lens', type: 'int32', dims: [2], values: [3, 4] },
    ],
    nodes: [
      {
        op: 'LSTM',
        inputs: ['x', 'w', 'r', 'b', '', 'h0', 'c0', 'p'],
        outputs: ['y', 'yh', 'yc'],
        attrs: { hidden_size: 5, direction: 'reverse' },
      },
      {
        op: 'LSTM',
        inputs: ['x', 'w2', 'r2', '', 'lens'],
        outputs: ['', 'h2', 'c2'],
        attrs: { hidden_size: 5, direction: 'bidirectional', clip: 0.8 },
      },
    ],
  },
  {
    name: 'MaxPool 2-D with pads and ceil_mode; AveragePool with and without padding counted',
    inputs: [f('x', [1, 2, 7, 6])],
    outputs: [out('mx', 4), out('av', 4), out('avp', 4)],
    nodes: [
      { op: 'MaxPool', inputs: ['x'], outputs: ['mx'], attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], ceil_mode: 1 } },
      { op: 'AveragePool', inputs: ['x'], outputs: ['av'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
      {
        op: 'AveragePool',
        inputs: ['x'],
        outputs: ['avp'],
        attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 },
      },
    ],
  },
  {
    name: 'MaxPool 1-D with dilation; GlobalAveragePool 1-D and 2-D',
    inputs: [f('x', [2, 3, 11]), f('z', [2, 3, 4, 5])],
    outputs: [out('mx', 3), out('g1', 3), out('g2', 4)],
    nodes: [
      { op: 'MaxPool', inputs: ['x'], outputs: ['mx'], attrs: { kernel_shape: [3], dilations: [2], strides: [1] } },
      { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g1'] },
      { op: 'GlobalAveragePool', inputs: ['z'], outputs: ['g2'] },
    ],
  },
  {
    name: 'Pad constant (with a value and negative pads), reflect, edge; opset 18 axes',
    opset: 18,
    inputs: [f('x', [3, 4, 5])],
    outputs: [out('c', 3), out('r', 3), out('e', 3), out('ax', 3)],
    initializers: [
      i64('pc', [0, 1, -1, 1, 2, 0]),
      i64('pr', [1, 2, 0, 1, 3, 4]),
      i64('pa', [2, 1]),
      i64('axes', [2]),
      f32('v', [0.75], []),
    ],
    nodes: [
      { op: 'Pad', inputs: ['x', 'pc', 'v'], outputs: ['c'] },
      { op: 'Pad', inputs: ['x', 'pr'], outputs: ['r'], attrs: { mode: 'reflect' } },
      { op: 'Pad', inputs: ['x', 'pr'], outputs: ['e'], attrs: { mode: 'edge' } },
      { op: 'Pad', inputs: ['x', 'pa', '', 'axes'], outputs: ['ax'] },
    ],
  },
  {
    name: 'CumSum plain, exclusive, reverse; TopK largest and smallest with indices',
    inputs: [f('x', [3, 6])],
    outputs: [out('cs', 2), out('ce', 2), out('cr', 2), out('tv', 2), out('ti', 2, 'int64'), out('sv', 2), out('si', 2, 'int64')],
    initializers: [i64('ax1', [1], []), i64('ax0', [0], []), i64('k3', [3]), i64('k2', [2])],
    nodes: [
      { op: 'CumSum', inputs: ['x', 'ax1'], outputs: ['cs'] },
      { op: 'CumSum', inputs: ['x', 'ax1'], outputs: ['ce'], attrs: { exclusive: 1 } },
      { op: 'CumSum', inputs: ['x', 'ax0'], outputs: ['cr'], attrs: { reverse: 1 } },
      { op: 'TopK', inputs: ['x', 'k3'], outputs: ['tv', 'ti'], attrs: { axis: 1 } },
      { op: 'TopK', inputs: ['x', 'k2'], outputs: ['sv', 'si'], attrs: { axis: 0, largest: 0 } },
    ],
  },
  {
    name: 'BatchNormalization (inference) after a Conv',
    inputs: [f('x', [2, 3, 5, 5])],
    outputs: [out('y', 4)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 2 * 3 }, (_, i) => 0.3 * (i - 2)),
        [2, 3, 1, 1],
      ),
      f32('scale', [1.5, 0.5]),
      f32('bias', [0.1, -0.1]),
      f32('mean', [0.2, -0.3]),
      f32('var', [0.8, 1.7]),
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { op: 'BatchNormalization', inputs: ['c', 'scale', 'bias', 'mean', 'var'], outputs: ['y'], attrs: { epsilon: 1e-3 } },
    ],
  },
  binary('Add', [2, 3, 4], [2, 3, 4]),
  binary('Add', [2, 3, 4], [4]),
  binary('Sub', [2, 3, 4], [2, 3, 1]),
  binary('Mul', [2, 3, 4], [2, 1, 4]),
  binary('Div', [2, 3, 4], [1]),
  binary('Mul', [3, 1], [1, 5]),
  binary('Pow', [2, 3], [2, 3]),
  binary('Equal', [2, 3], [3], 'bool'),
  binary('Less', [2, 3], [2, 3], 'bool'),
  binary('Greater', [4, 1], [1, 3], 'bool'),
  {
    name: 'Max / Min / Sum / Mean variadic with broadcast',
    inputs: [f('a', [2, 3]), f('b', [3]), f('c', [2, 1])],
    outputs: [out('mx', 2), out('mn', 2), out('sm', 2), out('me', 2)],
    nodes: [
      { op: 'Max', inputs: ['a', 'b', 'c'], outputs: ['mx'] },
      { op: 'Min', inputs: ['a', 'b', 'c'], outputs: ['mn'] },
      { op: 'Sum', inputs: ['a', 'b', 'c'], outputs: ['sm'] },
      { op: 'Mean', inputs: ['a', 'b', 'c'], outputs: ['me'] },
    ],
  },
  {
    name: 'Clip with min and max inputs',
    inputs: [f('x', [4, 5])],
    outputs: [out('y', 2)],
    initializers: [f32('lo', [-0.3], []), f32('hi', [0.5], [])],
    nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
  },
  {
    name: 'Where, Not, And, Or over a mask',
    inputs: [f('x', [3, 4]), f('y', [4])],
    outputs: [out('w', 2), out('n', 2, 'bool'), out('o', 2, 'bool')],
    initializers: [f32('zero', [0], [])],
    nodes: [
      { op: 'Greater', inputs: ['x', 'zero'], outputs: ['pos'] },
      { op: 'Less', inputs: ['y', 'zero'], outputs: ['neg'] },
      { op: 'Where', inputs: ['pos', 'x', 'y'], outputs: ['w'] },
      { op: 'Not', inputs: ['pos'], outputs: ['n'] },
      { op: 'And', inputs: ['pos', 'neg'], outputs: ['a'] },
      { op: 'Or', inputs: ['a', 'n'], outputs: ['o'] },
    ],
  },
  {
    name: 'Cast float -> int64 -> float and bool -> float',
    inputs: [f('x', [3, 4])],
    outputs: [out('i', 2, 'int64'), out('back', 2), out('b', 2)],
    initializers: [f32('zero', [0], [])],
    nodes: [
      { op: 'Mul', inputs: ['x', 'x'], outputs: ['x2'] },
      { op: 'Cast', inputs: ['x'], outputs: ['i'], attrs: { to: 7 } },
      { op: 'Cast', inputs: ['i'], outputs: ['back'], attrs: { to: 1 } },
      { op: 'Greater', inputs: ['x', 'zero'], outputs: ['g'] },
      { op: 'Cast', inputs: ['g'], outputs: ['b'], attrs: { to: 1 } },
    ],
  },
  {
    name: 'MatMul: constant weight, batched dynamic, broadcast batch, vector',
    inputs: [f('a', [2, 3, 5]), f('b', [2, 5, 4]), f('c', [5, 6]), f('v', [5])],
    outputs: [out('ab', 3), out('ac', 3), out('av', 2), out('aw', 3)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 35 }, (_, i) => Math.sin(i)),
        [5, 7],
      ),
    ],
    nodes: [
      { op: 'MatMul', inputs: ['a', 'b'], outputs: ['ab'] },
      { op: 'MatMul', inputs: ['a', 'c'], outputs: ['ac'] },
      { op: 'MatMul', inputs: ['a', 'v'], outputs: ['av'] },
      { op: 'MatMul', inputs: ['a', 'w'], outputs: ['aw'] },
    ],
  },
  {
    name: 'Gemm with transA, transB, alpha, beta and a broadcast C',
    inputs: [f('a', [6, 4]), f('b', [5, 6])],
    outputs: [out('y', 2)],
    initializers: [f32('c', [0.1, 0.2, 0.3, 0.4, 0.5], [1, 5])],
    nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { transA: 1, transB: 1, alpha: 0.5, beta: 2.5 } }],
  },
  {
    name: 'Gemm + Relu with constant weights (fused), odd sizes',
    inputs: [f('x', [5, 13])],
    outputs: [out('y', 2)],
    initializers: [
      f32(
        'w',
        Array.from({ length: 13 * 11 }, (_, i) => Math.cos(i * 0.7)),
        [11, 13],
      ),
      f32(
        'b',
        Array.from({ length: 11 }, (_, i) => i / 10),
      ),
    ],
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['h'], attrs: { transB: 1 } },
      { op: 'Relu', inputs: ['h'], outputs: ['y'] },
    ],
  },
  {
    name: 'Softmax on a middle axis and LogSoftmax',
    inputs: [f('x', [2, 5, 3])],
    outputs: [out('s', 3), out('l', 3)],
    nodes: [
      { op: 'Softmax', inputs: ['x'], outputs: ['s'], attrs: { axis: 1 } },
      { op: 'LogSoftmax', inputs: ['x'], outputs: ['l'], attrs: { axis: -1 } },
    ],
  },
  {
    name: 'LayerNormalization over the last two axes',
    inputs: [f('x', [2, 3, 4])],
    outputs: [out('y', 3)],
    initializers: [
      f32(
        'g',
        Array.from({ length: 12 }, (_, i) => 1 + i / 12),
        [3, 4],
      ),
      f32(
        'b',
        Array.from({ length: 12 }, (_, i) => i / 24),
        [3, 4],
      ),
    ],
    nodes: [{ op: 'LayerNormalization', inputs: ['x', 'g', 'b'], outputs: ['y'], attrs: { axis: 1, epsilon: 1e-3 } }],
  },
  {
    name: 'Reduce ops, keepdims 0 and 1, opset 18 axes input',
    opset: 18,
    inputs: [f('x', [2, 3, 4])],
    outputs: [out('mean', 3), out('sum', 1), out('max', 2), out('min', 3)],
    initializers: [i64('ax', [-1]), i64('ax02', [0, 2]), i64('ax1', [1])],
    nodes: [
      { op: 'ReduceMean', inputs: ['x', 'ax'], outputs: ['mean'] },
      { op: 'ReduceSum', inputs: ['x', 'ax02'], outputs: ['sum'], attrs: { keepdims: 0 } },
      { op: 'ReduceMax', inputs: ['x', 'ax1'], outputs: ['max'], attrs: { keepdims: 0 } },
      { op: 'ReduceMin', inputs: ['x'], outputs: ['min'] },
    ],
  },
  {
    name: 'Pad with all-zero pads (a block copy) and with pads on the last axis only (runs)',
    opset: 18,
    inputs: [f('x', [2, 3, 5])],
    outputs: [out('same', 3), out('last', 3)],
    initializers: [i64('zero', [0, 0, 0, 0, 0, 0]), i64('pl', [0, 0, 2, 0, 0, 1])],
    nodes: [
      { op: 'Pad', inputs: ['x', 'zero'], outputs: ['same'] },
      { op: 'Pad', inputs: ['x', 'pl'], outputs: ['last'] },
    ],
  },
  {
    name: 'ReduceL2, ReduceSumSquare and ReduceProd over runs of axes (the float32 loops) and apart (the generic path)',
    opset: 13,
    inputs: [f('x', [2, 3, 4, 2])],
    outputs: [out('l2', 4), out('ss', 2), out('pr', 3), out('mx', 2), out('m1', 4), out('s2', 3)],
    initializers: [i64('ax2', [2])],
    nodes: [
      // sumRuns: four inner positions at a time (inner 8), and scalar ones (inner 2).
      { op: 'ReduceMean', inputs: ['x'], outputs: ['m1'], attrs: { axes: [1] } },
      { op: 'ReduceSum', inputs: ['x', 'ax2'], outputs: ['s2'], attrs: { keepdims: 0 } },
      { op: 'ReduceL2', inputs: ['x'], outputs: ['l2'], attrs: { axes: [1, 2] } },
      { op: 'ReduceSumSquare', inputs: ['x'], outputs: ['ss'], attrs: { axes: [0, 1], keepdims: 0 } },
      { op: 'ReduceProd', inputs: ['x'], outputs: ['pr'], attrs: { axes: [2], keepdims: 0 } },
      { op: 'ReduceMax', inputs: ['x'], outputs: ['mx'], attrs: { axes: [0, 2], keepdims: 0 } },
    ],
  },
  {
    name: 'ReduceMean with axes attribute (opset 13) and ArgMax',
    opset: 13,
    inputs: [f('x', [3, 5])],
    outputs: [out('m', 2), out('am', 1, 'int64')],
    nodes: [
      { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attrs: { axes: [1] } },
      { op: 'ArgMax', inputs: ['x'], outputs: ['am'], attrs: { axis: 1, keepdims: 0 } },
    ],
  },
  {
    name: 'Reshape (-1 and 0), Flatten, Squeeze, Unsqueeze, Identity, Dropout',
    inputs: [f('x', [2, 3, 4])],
    outputs: [out('r', 2), out('fl', 2), out('u', 5), out('sq', 3), out('d', 3)],
    initializers: [i64('shape', [0, -1]), i64('uax', [0, -1]), i64('sax', [0, 4])],
    nodes: [
      { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] },
      { op: 'Flatten', inputs: ['x'], outputs: ['fl'], attrs: { axis: 2 } },
      { op: 'Unsqueeze', inputs: ['x', 'uax'], outputs: ['u'] },
      { op: 'Squeeze', inputs: ['u', 'sax'], outputs: ['sq'] },
      { op: 'Identity', inputs: ['sq'], outputs: ['id'] },
      { op: 'Dropout', inputs: ['id'], outputs: ['d'] },
    ],
  },
  {
    name: 'Transpose, Expand, Tile, Concat',
    inputs: [f('x', [2, 3, 4]), f('y', [2, 1, 4])],
    outputs: [out('t', 3), out('e', 3), out('ti', 3), out('c', 3)],
    initializers: [i64('to', [2, 3, 4]), i64('reps', [1, 2, 1])],
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [2, 0, 1] } },
      { op: 'Expand', inputs: ['y', 'to'], outputs: ['e'] },
      { op: 'Tile', inputs: ['y', 'reps'], outputs: ['ti'] },
      { op: 'Concat', inputs: ['x', 'y', 'e'], outputs: ['c'], attrs: { axis: 1 } },
    ],
  },
  {
    name: 'Slice with negative starts, steps and axes',
    inputs: [f('x', [4, 6, 5])],
    outputs: [out('a', 3), out('b', 3)],
    initializers: [i64('s1', [1, -1]), i64('e1', [100, -7]), i64('ax1', [0, -2]), i64('st1', [2, -2]), i64('s2', [-3]), i64('e2', [-1])],
    nodes: [
      { op: 'Slice', inputs: ['x', 's1', 'e1', 'ax1', 'st1'], outputs: ['a'] },
      { op: 'Slice', inputs: ['x', 's2', 'e2'], outputs: ['b'] },
    ],
  },
  {
    name: 'Split by sizes (opset 13) ',
    opset: 13,
    inputs: [f('x', [3, 7])],
    outputs: [out('a', 2), out('b', 2), out('c', 2)],
    initializers: [i64('sizes', [2, 4, 1])],
    nodes: [{ op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b', 'c'], attrs: { axis: 1 } }],
  },
  {
    name: 'Split by num_outputs (opset 18)',
    opset: 18,
    inputs: [f('x', [6, 4])],
    outputs: [out('a', 2), out('b', 2), out('c', 2)],
    nodes: [{ op: 'Split', inputs: ['x'], outputs: ['a', 'b', 'c'], attrs: { axis: 0, num_outputs: 3 } }],
  },
  {
    name: 'Gather with negative indices on axis 1, and int64 runtime indices',
    inputs: [f('x', [3, 5, 2]), f('idx', [4], { type: 'int64', ints: 5 })],
    outputs: [out('g', 3), out('h', 3)],
    initializers: [i64('ids', [0, -1, 2, -2], [2, 2])],
    nodes: [
      { op: 'Gather', inputs: ['x', 'ids'], outputs: ['g0'], attrs: { axis: 1 } },
      { op: 'Reshape', inputs: ['g0', 'shape'], outputs: ['g'] },
      { op: 'Gather', inputs: ['x', 'idx'], outputs: ['h'], attrs: { axis: 1 } },
    ],
  },
  {
    name: 'Shape (start/end), Size, ConstantOfShape, Range, Constant on runtime shapes',
    opset: 15,
    inputs: [f('x', [3, 4, 5])],
    outputs: [out('y', 2), out('r', 1)],
    initializers: [f32('one', [1], [])],
    nodes: [
      { op: 'Shape', inputs: ['x'], outputs: ['s'], attrs: { start: 1, end: 3 } },
      { op: 'Size', inputs: ['x'], outputs: ['n'] },
      { op: 'Concat', inputs: ['s', 's'], outputs: ['s2'], attrs: { axis: 0 } },
      { op: 'Slice', inputs: ['s2', 'zero1', 'two1'], outputs: ['s3'] },
      { op: 'ConstantOfShape', inputs: ['s3'], outputs: ['ones'], attrs: { value: { tensor: f32('v', [2], [1]) } } },
      { op: 'ReduceSum', inputs: ['x', 'ax0'], outputs: ['xs'], attrs: { keepdims: 0 } },
      { op: 'Mul', inputs: ['ones', 'xs'], outputs: ['y'] },
      { op: 'Cast', inputs: ['n'], outputs: ['nf'], attrs: { to: 1 } },
      { op: 'Constant', inputs: [], outputs: ['start'], attrs: { value: { tensor: f32('c', [0.5], []) } } },
      { op: 'Range', inputs: ['start', 'nf', 'step'], outputs: ['r'] },
    ],
  },
];
// Initializers shared by a few cases above.
const SHARED: InitSpec[] = [i64('shape', [3, 4, 2]), i64('zero1', [0]), i64('two1', [2]), i64('ax0', [0]), f32('step', [7.5], [])];

function feedsFor(c: Case, rng: Rng): Record<string, TensorInput> {
  const feeds: Record<string, TensorInput> = {};
  for (const input of c.inputs) {
    const n = input.dims.reduce((a, b) => a * b, 1);
    if (input.type === 'int64') {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) data[i] = BigInt(rng.int(2 * input.ints!) - input.ints!);
      feeds[input.name] = { data, dims: input.dims };
    } else {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = input.positive === true ? rng.uniform(0.1, 3) : rng.uniform(-3, 3);
      feeds[input.name] = { data, dims: input.dims };
    }
  }
  return feeds;
}

function modelFor(c: Case): Uint8Array {
  const used = new Set(c.nodes.flatMap((n) => n.inputs));
  const own = new Set((c.initializers ?? []).map((i) => i.name));
  return buildModel({
    opset: c.opset ?? 17,
    inputs: c.inputs.map((i) => ({ name: i.name, type: i.type ?? 'float32', dims: i.dims })),
    outputs: c.outputs.map((o) => ({
      name: o.name,
      type: o.type ?? 'float32',
      dims: Array.from({ length: o.rank }, (_, k) => `${o.name}_${k}`),
    })),
    nodes: c.nodes,
    initializers: [...(c.initializers ?? []), ...SHARED.filter((s) => used.has(s.name) && !own.has(s.name))],
  });
}

const sessions: Session[] = [];
afterAll(async () => {
  for (const s of sessions) await s.dispose();
});

describe.each(CASES)('$name', (c) => {
  it.each([
    { kernels: 'wasm', jsKernels: false },
    { kernels: 'portable', jsKernels: true },
  ])('matches onnxruntime-web ($kernels kernels)', async ({ jsKernels }) => {
    const bytes = modelFor(c);
    const native = NativeSession.create(bytes, { jsKernels });
    const ort = await OrtSession.create(bytes);
    sessions.push(ort);
    const feeds = feedsFor(c, new Rng(c.name.length));
    const got = native.runSync(feeds);
    const want = await ort.run(feeds);
    for (const o of c.outputs) {
      expect(got[o.name]!.dims, o.name).toEqual(want[o.name]!.dims);
      const a = Array.from(got[o.name]!.data as ArrayLike<number | bigint>, Number);
      const b = Array.from(want[o.name]!.data as ArrayLike<number | bigint>, Number);
      const { failures, maxAbsDiff } = compare(a, b, 1e-5, 1e-5);
      expect(failures, `${o.name}: max |diff| ${maxAbsDiff}`).toBe(0);
    }
  });
});
