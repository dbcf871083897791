/**
 * Attribute values that are wrong whatever the shapes: non-positive strides, negative pads,
 * window attributes of different lengths, unknown enum strings, a Cast to no type. onnxruntime
 * refuses these when it loads a model; tickmind refuses them at decode, before any size is
 * computed from them. Checks that need a rank (an axis, a perm, an attribute's length against the
 * input's spatial rank) are made by the operators when they infer shapes.
 */
import { TickmindError } from '../../core/errors.js';
import type { AttrValue, Node } from '../ir/graph.js';
import { ONNX_DTYPE_NAMES } from '../tensor.js';

type Check = (node: Node, fail: (message: string, attr: string) => never) => void;

const ints = (v: AttrValue | undefined): number[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;

function oneOf(attr: string, allowed: readonly string[]): Check {
  return (node, fail) => {
    const v = node.attrs[attr];
    if (typeof v === 'string' && !allowed.includes(v)) fail(`${attr} must be one of ${allowed.join(', ')} (got '${v}')`, attr);
  };
}

function positive(...attrs: string[]): Check {
  return (node, fail) => {
    for (const attr of attrs) {
      const v = node.attrs[attr];
      const list = typeof v === 'number' ? [v] : ints(v);
      if (list?.some((x) => !(x >= 1))) fail(`${attr} must only contain positive values (got [${list.join(', ')}])`, attr);
    }
  };
}

function nonNegative(...attrs: string[]): Check {
  return (node, fail) => {
    for (const attr of attrs) {
      const v = node.attrs[attr];
      const list = typeof v === 'number' ? [v] : ints(v);
      if (list?.some((x) => !(x >= 0))) fail(`${attr} must not contain negative values (got [${list.join(', ')}])`, attr);
    }
  };
}

/** strides, dilations and kernel_shape of one length each (the spatial rank), pads twice that. */
const windowLengths: Check = (node, fail) => {
  let rank: number | undefined;
  for (const attr of ['kernel_shape', 'strides', 'dilations']) {
    const v = ints(node.attrs[attr]);
    if (v === undefined) continue;
    if (rank === undefined) rank = v.length;
    else if (v.length !== rank) fail(`${attr} has ${v.length} values, other window attributes ${rank}`, attr);
  }
  const pads = ints(node.attrs.pads);
  if (pads !== undefined && rank !== undefined && pads.length !== 2 * rank) {
    fail(`pads has ${pads.length} values, a ${rank}-D window needs ${2 * rank}`, 'pads');
  }
  if (pads !== undefined && pads.length % 2 !== 0) fail(`pads has an odd number of values (${pads.length})`, 'pads');
  if (rank === 0) fail('the window attributes are empty', 'kernel_shape');
};

const AUTO_PAD = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

const windowChecks: Check[] = [positive('strides', 'dilations', 'kernel_shape'), windowLengths, oneOf('auto_pad', AUTO_PAD)];

/** A valid ONNX element type code (onnxruntime reads it as a 32-bit int; otherwise "does not specify a valid type"). */
const castTo: Check = (node, fail) => {
  const to = node.attrs.to;
  if (typeof to !== 'number') return;
  const code = Number(BigInt.asIntN(32, BigInt(Math.trunc(to))));
  if (ONNX_DTYPE_NAMES[code] === undefined || code === 0) fail(`to = ${to} is not an ONNX element type`, 'to');
};

/** An attribute onnxruntime accepts as 0 or 1 only. */
function zeroOrOne(...attrs: string[]): Check {
  return (node, fail) => {
    for (const attr of attrs) {
      const v = node.attrs[attr];
      if (typeof v === 'number' && v !== 0 && v !== 1) fail(`${attr} can only be 0 or 1 (got ${v})`, attr);
    }
  };
}

/** Constant takes exactly one value attribute. */
const constantValue: Check = (node, fail) => {
  const n = Object.keys(node.attrs).length;
  if (n !== 1) fail(`Constant needs exactly one value attribute (it has ${n})`, 'value');
};

/** Attributes onnxruntime narrows to a 32-bit int, refusing what does not fit. */
function int32(...attrs: string[]): Check {
  return (node, fail) => {
    for (const attr of attrs) {
      const v = node.attrs[attr];
      if (typeof v === 'number' && (v < -2147483648 || v > 2147483647)) fail(`${attr} ${v} does not fit a 32-bit int`, attr);
    }
  };
}

const rnnChecks: Check[] = [
  int32('hidden_size', 'linear_before_reset', 'layout', 'input_forget'),
  oneOf('direction', ['forward', 'reverse', 'bidirectional']),
  positive('hidden_size'),
  // Optional in the schema, required by onnxruntime's kernels.
  (node, fail) => {
    if (node.attrs.hidden_size === undefined) fail('hidden_size is required', 'hidden_size');
  },
  (node, fail) => {
    const layout = node.attrs.layout;
    if (typeof layout === 'number' && layout !== 0 && layout !== 1) fail(`layout must be 0 or 1 (got ${layout})`, 'layout');
  },
];

const CHECKS: Readonly<Record<string, readonly Check[]>> = {
  Conv: [...windowChecks, nonNegative('pads'), positive('group')],
  ConvTranspose: [...windowChecks, nonNegative('pads', 'output_padding', 'output_shape'), positive('group')],
  MaxPool: [...windowChecks, nonNegative('pads')],
  AveragePool: [...windowChecks, nonNegative('pads')],
  Cast: [castTo],
  CumSum: [zeroOrOne('exclusive', 'reverse')],
  Constant: [constantValue],
  GRU: rnnChecks,
  LSTM: rnnChecks,
  Pad: [oneOf('mode', ['constant', 'reflect', 'edge', 'wrap'])],
  Resize: [
    oneOf('mode', ['nearest', 'linear', 'cubic']),
    oneOf('coordinate_transformation_mode', [
      'half_pixel',
      'half_pixel_symmetric',
      'pytorch_half_pixel',
      'align_corners',
      'asymmetric',
      'tf_crop_and_resize',
    ]),
    oneOf('nearest_mode', ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']),
    oneOf('keep_aspect_ratio_policy', ['stretch', 'not_larger', 'not_smaller']),
  ],
  Split: [positive('num_outputs')],
};

/** Checks a decoded node's attribute values (see the module comment). `label` names the node in errors. */
export function checkAttributeValues(node: Node, label: string, _opset: number): void {
  if (node.domain !== '' || !Object.hasOwn(CHECKS, node.op)) return;
  const fail = (message: string, attr: string): never => {
    throw new TickmindError('MODEL_INVALID', `${node.op}: ${message}`, { node: label, field: attr });
  };
  for (const check of CHECKS[node.op]!) check(node, fail);
}
