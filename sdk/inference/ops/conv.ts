/**
 * Convolutions over 1-D and 2-D NC(H)W tensors, ONNX semantics: Conv (groups, dilations, strides,
 * explicit pads or auto_pad; constant weights run as im2col into the packed WebAssembly GEMM, per
 * group) and ConvTranspose (output_padding, output_shape). Portable kernels otherwise; 1-D shapes
 * run as 2-D with height 1.
 */
import { attrInt, attrInts, attrString } from '../ir/graph.js';
import { sizeOf } from '../tensor.js';
import type { Kernel, OpContext, OpDef, WasmContext } from './types.js';
import { attrError, input, opError } from './util.js';
import { checkFloat, fitsKernel, outDims, spatialRank, type Window, windowAttr, windowFrom, windowOf } from './window.js';

/**
 * Shortest filter (Cin/group · KH · KW) a Conv runs on int8 weights for. Its GEMM has a column
 * per output pixel, so quantizing the image amortizes sooner than a linear layer's rows: measured
 * (3×3, batch 1) K 27 and 72 at 32×32 lost 3 %, K 72–108 at 16×16 gained 10 %, K 144–576 13–36 %.
 */
const INT8_CONV_MIN_K = 96;

/** Conv(X, W, B?). */
export const Conv: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    const w = input(ctx, 1);
    const group = attrInt(ctx.node, 'group', 1);
    if (w.dims.length !== input(ctx, 0).dims.length) {
      throw opError(ctx, `W has rank ${w.dims.length}, X has rank ${input(ctx, 0).dims.length}`, 'input[1]');
    }
    const declared = attrInts(ctx.node, 'kernel_shape');
    if (declared !== undefined && declared.join() !== w.dims.slice(2).join()) {
      throw attrError(ctx, `kernel_shape [${declared.join(', ')}] does not match W [${w.dims.join(', ')}]`, 'kernel_shape');
    }
    const win = windowOf(ctx, w.dims.slice(2));
    if (w.dims[1]! * group !== win.c)
      throw opError(ctx, `W has ${w.dims[1]} input channels per group × ${group} groups, X has ${win.c}`, 'input[1]');
    if (w.dims[0]! % group !== 0) throw opError(ctx, `${w.dims[0]} output channels do not split into ${group} groups`, 'group');
    const b = ctx.inputs[2];
    if (b !== undefined && (b.dims.length !== 1 || b.dims[0] !== w.dims[0]))
      throw opError(ctx, `B is [${b.dims.join(', ')}], expected [${w.dims[0]}] (one value per output channel)`, 'input[2]');
    return [{ dtype: 'float32', dims: outDims(win, w.dims[0]!) }];
  },
  flops: (ctx, outputs) => {
    const w = input(ctx, 1);
    return 2 * sizeOf(outputs[0]!.dims) * (sizeOf(w.dims) / w.dims[0]!);
  },
  js: (ctx) => {
    const wd = input(ctx, 1).dims;
    const group = attrInt(ctx.node, 'group', 1);
    const win = windowOf(ctx, wd.slice(2));
    const M = wd[0]!;
    const Cg = win.c / group;
    const Mg = M / group;
    const hasBias = ctx.inputs[2] !== undefined;
    const { n: N, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, oh: OH, ow: OW } = win;
    return (ins, outs) => {
      const x = ins[0]!.data as Float32Array;
      const k = ins[1]!.data as Float32Array;
      const b = hasBias ? (ins[2]!.data as Float32Array) : undefined;
      const y = outs[0]!.data as Float32Array;
      for (let n = 0; n < N; n++)
        for (let m = 0; m < M; m++) {
          const g = Math.floor(m / Mg);
          const yBase = (n * M + m) * OH * OW;
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let s = b === undefined ? 0 : b[m]!;
              for (let c = 0; c < Cg; c++) {
                const xBase = (n * win.c + g * Cg + c) * H * W;
                const kBase = (m * Cg + c) * KH * KW;
                for (let ky = 0; ky < KH; ky++) {
                  const iy = oy * sh - padT + ky * dh;
                  if (iy < 0 || iy >= H) continue;
                  for (let kx = 0; kx < KW; kx++) {
                    const ix = ox * sw - padL + kx * dw;
                    if (ix < 0 || ix >= W) continue;
                    s += x[xBase + iy * W + ix]! * k[kBase + ky * KW + kx]!;
                  }
                }
              }
              y[yBase + oy * OW + ox] = s;
            }
        }
    };
  },
  /**
   * Constant weights, all in WebAssembly: per image and group, im2col straight into the packed
   * GEMM's panels (pixels as columns, a row of 1s for the bias), then one GEMM of the group's
   * weights (with the bias as an extra column, laid out once) by those panels, which writes the
   * output channel-major (NCHW) — no transpose. Groups (depthwise included) are GEMMs of their
   * channel slices.
   */
  wasm: (ctx) => {
    const w = input(ctx, 1);
    const b = ctx.inputs[2];
    if (w.value === undefined || (b !== undefined && b.value === undefined)) return undefined;
    const groups = attrInt(ctx.node, 'group', 1);
    const win = windowOf(ctx, w.dims.slice(2));
    if (!fitsKernel(win)) return undefined;
    const { n: N, c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, oh: OH, ow: OW } = win;
    const M = w.dims[0]!;
    const Cg = C / groups;
    const Mg = M / groups;
    const K = Cg * KH * KW;
    const ones = b === undefined ? 0 : 1;
    const Kp = K + ones;
    const rows = OH * OW;
    const k = ctx.kernels;
    ctx.reads(0, N * C * H * W * 4);
    ctx.reads(1, M * K * 4);
    if (b !== undefined) ctx.reads(2, M * 4);
    ctx.writes(0, N * M * rows * 4);
    if (groups === C && M === C) {
      // Depthwise: a direct kernel (per-group GEMMs of one row would waste the tiles).
      const wp = ctx.constPtr(1);
      const bp = b === undefined ? 0 : ctx.constPtr(2);
      return (ins, outs) => k.depthwise2d(ins[0]!.ptr, wp, bp, outs[0]!.ptr, N * C, C, H, W, KH, KW, sh, sw, dh, dw, padT, padL, OH, OW);
    }
    if (ctx.int8Linear(K, INT8_CONV_MIN_K)) return conv2dInt8(ctx, N, C, M, groups, win);
    const panels = ctx.scratch(k.packedSize(Kp, rows) * 4);
    const im2col = im2colInto(ctx, win, Cg, panels, ones);
    // The weights with the bias as a last column, M × Kp row-major: laid out on the first call.
    const weights = ctx.scratch(M * Kp * 4);
    const wSrc = ctx.constPtr(1);
    const bSrc = b === undefined ? 0 : ctx.constPtr(2);
    let laidOut = false;
    return (ins, outs) => {
      if (!laidOut) {
        k.copyBlocks(wSrc, K * 4, 0, weights, Kp * 4, M, K * 4);
        if (bSrc !== 0) k.copyBlocks(bSrc, 4, 0, weights + K * 4, Kp * 4, M, 4);
        laidOut = true;
      }
      const x = ins[0]!.ptr;
      const y = outs[0]!.ptr;
      for (let n = 0; n < N; n++) {
        for (let g = 0; g < groups; g++) {
          im2col(x + (n * C + g * Cg) * H * W * 4);
          k.gemmPacked(weights + g * Mg * Kp * 4, Kp, panels, 0, y + (n * M + g * Mg) * rows * 4, rows, Mg, rows, Kp, 0, 0);
        }
      }
    };
  },
};

/**
 * im2col of one image's group (Cg channels at xg) into `panels`, with a last row of 1s for the
 * bias when `ones`. A padded image is first copied into zero-bordered planes (padPlanes), so
 * every tap row is a vector copy with no border cases; one extra column lets the stride-2 row copy
 * read one float past its last tap.
 */
function im2colInto(ctx: WasmContext, win: Window, Cg: number, panels: number, ones: number): (xg: number) => void {
  const k = ctx.kernels;
  const { h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, padB, padR, oh: OH, ow: OW } = win;
  if (padT === 0 && padL === 0 && padB === 0 && padR === 0) {
    return (xg) => k.im2colPanels(xg, panels, Cg, H, W, KH, KW, sh, sw, dh, dw, 0, 0, OH, OW, ones);
  }
  const Hp = H + padT + padB;
  const Wp = W + padL + padR + 1;
  const planes = ctx.scratch(Cg * Hp * Wp * 4);
  return (xg) => {
    k.padPlanes(xg, planes, Cg, H, W, padT, padL, Hp, Wp);
    k.im2colPanels(planes, panels, Cg, Hp, Wp, KH, KW, sh, sw, dh, dw, 0, 0, OH, OW, ones);
  };
}

/**
 * Conv on int8 weights (`quantize: 'int8'`, long reductions), per image and group: the float
 * im2col panels (as the float path, without the bias row), quantized with one scale for the
 * image (max |x| / 127) and repacked for the int8 GEMM; the group's filters quantized once per
 * output channel (symmetric, in groups of 4 channels: the GEMM's row layout); C[channels × pixels] comes out NCHW, rescaled per channel and
 * pixel, then the bias per channel.
 */
function conv2dInt8(ctx: WasmContext, N: number, C: number, M: number, groups: number, win: Window): Kernel {
  const k = ctx.kernels;
  const { h: H, w: W, kh: KH, kw: KW, oh: OH, ow: OW } = win;
  const Cg = C / groups;
  const Mg = M / groups;
  const K = Cg * KH * KW;
  const rows = OH * OW;
  const pairs = Math.ceil(K / 2);
  const panels = ctx.scratch(k.packedSize(K, rows) * 4);
  const im2col = im2colInto(ctx, win, Cg, panels, 0);
  const qPanels = ctx.scratch(Math.ceil(rows / 8) * pairs * 32);
  const pixelScales = ctx.scratch(Math.ceil(rows / 8) * 8 * 4);
  // Each group's filters quantized in groups of 4 rows (quantizeRowGroups), the last one padded.
  const MgPadded = Math.ceil(Mg / 4) * 4;
  const filters = ctx.scratch(groups * MgPadded * pairs * 4);
  const filterScales = ctx.scratch(groups * MgPadded * 4);
  const wSrc = ctx.constPtr(1);
  const bias = ctx.inputs[2] === undefined ? 0 : ctx.constPtr(2);
  let quantized = false;
  return (ins, outs) => {
    if (!quantized) {
      for (let g = 0; g < groups; g++) {
        k.quantizeRowGroups(wSrc + g * Mg * K * 4, K, K, Mg, filters + g * MgPadded * pairs * 4, filterScales + g * MgPadded * 4);
      }
      quantized = true;
    }
    const x = ins[0]!.ptr;
    const y = outs[0]!.ptr;
    for (let n = 0; n < N; n++)
      for (let g = 0; g < groups; g++) {
        const xg = x + (n * C + g * Cg) * H * W * 4;
        const amax = k.absMax(xg, Cg * H * W);
        const scale = amax > 0 ? amax / 127 : 1;
        k.fillF32(pixelScales, scale, Math.ceil(rows / 8) * 8);
        im2col(xg);
        k.quantizePanels(panels, qPanels, K, rows, 1 / scale);
        const yg = y + (n * M + g * Mg) * rows * 4;
        k.gemmInt8Grouped(
          filters + g * MgPadded * pairs * 4,
          filterScales + g * MgPadded * 4,
          qPanels,
          pixelScales,
          0,
          yg,
          rows,
          Mg,
          rows,
          K,
          0,
        );
        if (bias !== 0) k.addRowBias(yg, bias + g * Mg * 4, Mg, rows);
      }
  };
}

/** ConvTranspose geometry: per spatial axis, output size and begin padding. */
function transposedGeometry(ctx: OpContext): { win: Window; M: number; group: number } {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const rank = spatialRank(ctx);
  const group = attrInt(ctx.node, 'group', 1);
  if (w.dims.length !== x.dims.length) throw opError(ctx, `W has rank ${w.dims.length}, X has rank ${x.dims.length}`, 'input[1]');
  if (w.dims[0] !== x.dims[1]) throw opError(ctx, `W has ${w.dims[0]} input channels, X has ${x.dims[1]}`, 'input[1]');
  const declared = attrInts(ctx.node, 'kernel_shape');
  if (declared !== undefined && declared.join() !== w.dims.slice(2).join()) {
    throw attrError(ctx, `kernel_shape [${declared.join(', ')}] does not match W [${w.dims.join(', ')}]`, 'kernel_shape');
  }
  const kernel = w.dims.slice(2);
  if (kernel.some((k) => k < 1)) throw opError(ctx, `W [${w.dims.join(', ')}] has an empty kernel`, 'input[1]');
  const strides = windowAttr(ctx, 'strides', rank, 1, 1);
  const dilations = windowAttr(ctx, 'dilations', rank, 1, 1);
  const outputPadding = windowAttr(ctx, 'output_padding', rank, 0, 0);
  for (let i = 0; i < rank; i++) {
    if (outputPadding[i]! >= Math.max(strides[i]!, dilations[i]!)) {
      throw attrError(ctx, `output_padding ${outputPadding[i]} must be smaller than the stride or dilation`, 'output_padding');
    }
  }
  const outputShape = attrInts(ctx.node, 'output_shape');
  if (outputShape !== undefined && outputShape.length !== rank && outputShape.length !== rank + 2) {
    throw attrError(ctx, `output_shape has ${outputShape.length} values for a ${rank}-D input`, 'output_shape');
  }
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  const spatial = x.dims.slice(2);
  let pads = windowAttr(ctx, 'pads', 2 * rank, 0, 0);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const full = strides[i]! * (spatial[i]! - 1) + outputPadding[i]! + (kernel[i]! - 1) * dilations[i]! + 1;
    const target =
      outputShape?.[outputShape.length - rank + i] ??
      (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? spatial[i]! * strides[i]! : undefined);
    if (target !== undefined) {
      const total = full - target;
      if (total < 0) throw opError(ctx, `output_shape ${target} exceeds the full output ${full}`, 'output_shape');
      const half = Math.floor(total / 2);
      if (i === 0) pads = new Array(2 * rank).fill(0);
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + rank] = total - pads[i]!;
      out.push(target);
    } else out.push(full - pads[i]! - pads[i + rank]!);
  }
  const M = w.dims[1]! * group;
  const win = windowFrom(x.dims, kernel, strides, dilations, pads, out);
  if (win.oh < 1 || win.ow < 1) throw opError(ctx, 'the pads leave no output', 'pads');
  return { win, M, group };
}

/** ConvTranspose(X, W, B?): the gradient of Conv with respect to its input, as a layer (upsampling). */
export const ConvTranspose: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    const { win, M, group } = transposedGeometry(ctx);
    if (win.c % group !== 0) throw opError(ctx, `${win.c} input channels do not split into ${group} groups`, 'group');
    const b = ctx.inputs[2];
    if (b !== undefined && (b.dims.length !== 1 || b.dims[0] !== M))
      throw opError(ctx, `B is [${b.dims.join(', ')}], expected [${M}] (one value per output channel)`, 'input[2]');
    return [{ dtype: 'float32', dims: outDims(win, M) }];
  },
  js: (ctx) => {
    const { win, M, group } = transposedGeometry(ctx);
    const { n: N, c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, oh: OH, ow: OW } = win;
    const Cg = C / group;
    const Mg = M / group;
    const hasBias = ctx.inputs[2] !== undefined;
    return (ins, outs) => {
      const x = ins[0]!.data as Float32Array;
      const k = ins[1]!.data as Float32Array;
      const y = outs[0]!.data as Float32Array;
      const b = hasBias ? (ins[2]!.data as Float32Array) : undefined;
      for (let n = 0; n < N; n++)
        for (let m = 0; m < M; m++) y.fill(b === undefined ? 0 : b[m]!, (n * M + m) * OH * OW, (n * M + m + 1) * OH * OW);
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++) {
          const g = Math.floor(c / Cg);
          for (let iy = 0; iy < H; iy++)
            for (let ix = 0; ix < W; ix++) {
              const v = x[((n * C + c) * H + iy) * W + ix]!;
              if (v === 0) continue;
              for (let mm = 0; mm < Mg; mm++) {
                const m = g * Mg + mm;
                const kBase = (c * Mg + mm) * KH * KW;
                const yBase = (n * M + m) * OH * OW;
                for (let ky = 0; ky < KH; ky++) {
                  const oy = iy * sh - padT + ky * dh;
                  if (oy < 0 || oy >= OH) continue;
                  for (let kx = 0; kx < KW; kx++) {
                    const ox = ix * sw - padL + kx * dw;
                    if (ox < 0 || ox >= OW) continue;
                    y[yBase + oy * OW + ox] = y[yBase + oy * OW + ox]! + v * k[kBase + ky * KW + kx]!;
                  }
                }
              }
            }
        }
    };
  },
};
