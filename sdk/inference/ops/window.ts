/** Window geometry shared by the convolution and pooling ops: 1-D and 2-D NC(H)W, strides, dilations, pads, auto_pad, ceil_mode. */
import { attrInts, attrString } from '../ir/graph.js';
import type { OpContext } from './types.js';
import { input, opError } from './util.js';

/** Geometry of a windowed op over 2 spatial dims (1-D: H = 1). */
export interface Window {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padT: number;
  padL: number;
  padB: number;
  padR: number;
  oh: number;
  ow: number;
  rank: number;
}

/** Window geometry from the input dims, the kernel's spatial size and the node's attributes. */
export function windowOf(ctx: OpContext, kernel: number[], ceil = false): Window {
  const x = input(ctx, 0);
  const rank = x.dims.length - 2;
  if (rank !== 1 && rank !== 2) throw opError(ctx, `${rank}-D ${ctx.node.op} is not supported (1-D and 2-D are)`, 'input[0]');
  if (kernel.length !== rank) throw opError(ctx, `kernel has ${kernel.length} spatial dims for a ${rank}-D input`, 'kernel_shape');
  const spatial = x.dims.slice(2);
  const strides = attrInts(ctx.node, 'strides') ?? kernel.map(() => 1);
  const dilations = attrInts(ctx.node, 'dilations') ?? kernel.map(() => 1);
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  let pads = attrInts(ctx.node, 'pads') ?? kernel.flatMap(() => [0, 0]);
  const out: number[] = [];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const o = Math.ceil(spatial[i]! / strides[i]!);
      const total = Math.max(0, (o - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - spatial[i]!);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + rank] = total - pads[i]!;
      out.push(o);
    }
  } else {
    if (autoPad === 'VALID') pads = new Array(2 * rank).fill(0);
    else if (autoPad !== 'NOTSET') throw opError(ctx, `auto_pad ${autoPad} is not supported`, 'auto_pad');
    for (let i = 0; i < rank; i++) {
      const span = spatial[i]! + pads[i]! + pads[i + rank]! - ((kernel[i]! - 1) * dilations[i]! + 1);
      let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
      // With ceil_mode, a last window starting past the end padding is dropped (as onnxruntime does).
      if (ceil && (o - 1) * strides[i]! >= spatial[i]! + pads[i]!) o--;
      if (o < 1) throw opError(ctx, `the window does not fit the input (${spatial[i]} + pads)`, 'kernel_shape');
      out.push(o);
    }
  }
  return windowFrom(x.dims, kernel, strides, dilations, pads, out);
}

/** The 2-D window (1-D as height 1) from per-axis kernel, strides, dilations, pads [begins…, ends…] and output sizes. */
export function windowFrom(
  dims: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  pads: readonly number[],
  out: readonly number[],
): Window {
  const rank = dims.length - 2;
  const spatial = dims.slice(2);
  const two = (v: readonly number[], i2d: number) => (rank === 1 ? (i2d === 0 ? 1 : v[0]!) : v[i2d]!);
  return {
    n: dims[0]!,
    c: dims[1]!,
    h: rank === 1 ? 1 : spatial[0]!,
    w: rank === 1 ? spatial[0]! : spatial[1]!,
    kh: two(kernel, 0),
    kw: two(kernel, 1),
    sh: two(strides, 0),
    sw: two(strides, 1),
    dh: two(dilations, 0),
    dw: two(dilations, 1),
    padT: rank === 1 ? 0 : pads[0]!,
    padL: rank === 1 ? pads[0]! : pads[1]!,
    padB: rank === 1 ? 0 : pads[2]!,
    padR: rank === 1 ? pads[1]! : pads[3]!,
    oh: rank === 1 ? 1 : out[0]!,
    ow: rank === 1 ? out[0]! : out[1]!,
    rank,
  };
}

export function outDims(win: Window, channels: number): number[] {
  return win.rank === 1 ? [win.n, channels, win.ow] : [win.n, channels, win.oh, win.ow];
}

export function checkFloat(ctx: OpContext): void {
  if (input(ctx, 0).dtype !== 'float32') throw opError(ctx, `${ctx.node.op} runs on float32 tensors`, 'input[0]');
}
