/** Window geometry shared by the convolution and pooling ops: 1-D and 2-D NC(H)W, strides, dilations, pads, auto_pad, ceil_mode. */
import { attrInts, attrString } from '../ir/graph.js';
import type { OpContext } from './types.js';
import { attrError, input, opError, unsupported } from './util.js';

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

/**
 * A per-axis window attribute: its values when given (exactly `count` of them, each at least
 * `min`), else `fallback`. An empty or short list would make every size computed from it NaN.
 */
export function windowAttr(ctx: OpContext, name: string, count: number, min: number, fallback: number): number[] {
  const v = attrInts(ctx.node, name);
  if (v === undefined) return new Array<number>(count).fill(fallback);
  if (v.length !== count)
    throw attrError(ctx, `${name} has ${v.length} values, the ${count / (name === 'pads' ? 2 : 1)}-D window needs ${count}`, name);
  for (const x of v)
    if (!Number.isInteger(x) || x < min) throw attrError(ctx, `${name} [${v.join(', ')}] must be whole numbers ≥ ${min}`, name);
  return v;
}

/** The spatial rank of input 0 (N × C × spatial…): 1 or 2 natively; other ranks are refused or left to onnxruntime. */
export function spatialRank(ctx: OpContext): number {
  const rank = input(ctx, 0).dims.length - 2;
  if (rank < 1) throw opError(ctx, `${ctx.node.op} needs N × C × spatial input, got rank ${rank + 2}`, 'input[0]');
  if (rank > 2) throw unsupported(ctx, `${rank}-D ${ctx.node.op} (1-D and 2-D are)`, 'input[0]');
  return rank;
}

/** Window geometry from the input dims, the kernel's spatial size and the node's attributes. */
export function windowOf(ctx: OpContext, kernelIn: number[], ceil = false): Window {
  const x = input(ctx, 0);
  const rank = spatialRank(ctx);
  if (kernelIn.length !== rank) throw attrError(ctx, `kernel has ${kernelIn.length} spatial dims for a ${rank}-D input`, 'kernel_shape');
  for (const k of kernelIn)
    if (!Number.isSafeInteger(k) || k < 1) throw attrError(ctx, `kernel_shape [${kernelIn.join(', ')}] must be positive`, 'kernel_shape');
  const kernel = kernelIn;
  const spatial = x.dims.slice(2);
  const strides = windowAttr(ctx, 'strides', rank, 1, 1);
  const dilations = windowAttr(ctx, 'dilations', rank, 1, 1);
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  let pads = windowAttr(ctx, 'pads', 2 * rank, 0, 0);
  // onnxruntime's pools take pads smaller than the kernel only (a window of padding alone has no value).
  if (ctx.node.op !== 'Conv') {
    for (let i = 0; i < rank; i++) {
      if (pads[i]! >= kernel[i]! || pads[i + rank]! >= kernel[i]!)
        throw attrError(ctx, `pads [${pads.join(', ')}] must be smaller than the kernel [${kernel.join(', ')}]`, 'pads');
    }
  }
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
    else if (autoPad !== 'NOTSET') throw attrError(ctx, `auto_pad ${autoPad} is not an auto_pad mode`, 'auto_pad');
    const conv = ctx.node.op === 'Conv';
    for (let i = 0; i < rank; i++) {
      const span = spatial[i]! + pads[i]! + pads[i + rank]! - ((kernel[i]! - 1) * dilations[i]! + 1);
      // A convolution's window must fit the padded input. A pool's may not: as in onnxruntime, the
      // division then truncates toward zero (a window larger by less than a stride still gives one
      // output, a larger one none), and only a negative count is an error.
      if (conv && span < 0) throw opError(ctx, `the window does not fit the input (${spatial[i]} + pads)`, 'kernel_shape');
      let o = (ceil ? Math.ceil(span / strides[i]!) : Math.trunc(span / strides[i]!)) + 1;
      // With ceil_mode, a last window starting past the end padding is dropped (as onnxruntime does).
      if (ceil && o > 0 && (o - 1) * strides[i]! >= spatial[i]! + pads[i]!) o--;
      if (o < 0) throw opError(ctx, `the window does not fit the input (${spatial[i]} + pads)`, 'kernel_shape');
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

/** Whether every number of the window fits the 32-bit parameters of the WebAssembly kernels (else the portable kernel runs). */
export function fitsKernel(win: Window): boolean {
  return Object.values(win).every((v) => v <= 0x7fffffff);
}

export function outDims(win: Window, channels: number): number[] {
  return win.rank === 1 ? [win.n, channels, win.ow] : [win.n, channels, win.oh, win.ow];
}

/** The window kernels run on float32 (onnxruntime has no other kernel for most of them either). */
export function checkFloat(ctx: OpContext): void {
  for (let i = 0; i < ctx.inputs.length; i++) {
    const v = ctx.inputs[i];
    if (v !== undefined && v.dtype !== 'float32') throw unsupported(ctx, `${ctx.node.op} on ${v.dtype} (input ${i})`, `input[${i}]`);
  }
}
