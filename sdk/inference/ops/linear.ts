/** Linear algebra: MatMul, Gemm and the fused linear layer (packed weights, bias, activation). */
import { attrFloat, attrInt } from '../ir/graph.js';
import { sizeOf } from '../tensor.js';
import { Act } from '../wasm/runtime.js';
import { erf } from './erf.js';
import type { OpContext, OpDef } from './types.js';
import { attrError, attrInt32, broadcastShapes, broadcastStrides, input, opError } from './util.js';

/** MatMul shape semantics (numpy): returns output dims and the broadcast batch layout. */
function matmulShapes(ctx: OpContext): {
  out: number[];
  M: number;
  N: number;
  K: number;
  batch: number[];
  aBatch: number[];
  bBatch: number[];
} {
  let a = input(ctx, 0).dims;
  let b = input(ctx, 1).dims;
  const aVec = a.length === 1;
  const bVec = b.length === 1;
  if (aVec) a = [1, a[0]!];
  if (bVec) b = [b[0]!, 1];
  const M = a[a.length - 2]!;
  const K = a[a.length - 1]!;
  const K2 = b[b.length - 2]!;
  const N = b[b.length - 1]!;
  if (K !== K2) throw opError(ctx, `inner dimensions differ: [${input(ctx, 0).dims.join(', ')}] x [${input(ctx, 1).dims.join(', ')}]`);
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  const batch = broadcastShapes(ctx, [aBatch, bBatch]);
  const out = [...batch];
  if (!aVec) out.push(M);
  if (!bVec) out.push(N);
  return { out, M, N, K, batch, aBatch, bBatch };
}

function batchOffsets(batchDims: number[], operand: number[], matrixSize: number): Int32Array {
  const n = sizeOf(batchDims);
  const strides = broadcastStrides(operand, batchDims);
  const out = new Int32Array(n);
  const idx = new Array<number>(batchDims.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let a = 0; a < batchDims.length; a++) off += idx[a]! * strides[a]!;
    out[i] = off * matrixSize;
    for (let a = batchDims.length - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < batchDims[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

function maxOf(a: Int32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m;
}

export const MatMul: OpDef = {
  flops: (ctx) => {
    const { M, N, K, batch } = matmulShapes(ctx);
    return 2 * sizeOf(batch) * M * N * K;
  },
  infer: (ctx) => {
    const a = input(ctx, 0);
    if (a.dtype !== input(ctx, 1).dtype) throw opError(ctx, `operand types differ: ${a.dtype} and ${input(ctx, 1).dtype}`);
    return [{ dtype: a.dtype, dims: matmulShapes(ctx).out }];
  },
  js: (ctx) => {
    const { M, N, K, batch, aBatch, bBatch } = matmulShapes(ctx);
    const aOff = batchOffsets(batch, aBatch, M * K);
    const bOff = batchOffsets(batch, bBatch, K * N);
    return (ins, outs) => {
      const a = ins[0]!.data;
      const b = ins[1]!.data;
      const c = outs[0]!.data;
      for (let t = 0; t < aOff.length; t++) {
        const ao = aOff[t]!;
        const bo = bOff[t]!;
        const co = t * M * N;
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let k = 0; k < K; k++) s += a[ao + i * K + k]! * b[bo + k * N + j]!;
            c[co + i * N + j] = s;
          }
        }
      }
    };
  },
  wasm: (ctx) => {
    if (input(ctx, 0).dtype !== 'float32' || input(ctx, 1).dtype !== 'float32') return undefined;
    const { M, N, K, batch, aBatch, bBatch } = matmulShapes(ctx);
    const k = ctx.kernels;
    const B = input(ctx, 1);
    const count = sizeOf(batch);
    ctx.writes(0, count * M * N * 4);
    if (B.value !== undefined && B.dims.length === 2 && bBatch.length === 0) {
      // Weights: flatten A's batch into rows and run the packed GEMM once.
      ctx.reads(0, count * M * K * 4);
      const linear = ctx.linear(B.value, false, count * M, K, N, ctx.node.inputs[0]);
      return (ins, outs) => linear(ins[0]!.ptr, 0, outs[0]!.ptr, Act.none);
    }
    const aOff = batchOffsets(batch, aBatch, M * K);
    const bOff = batchOffsets(batch, bBatch, K * N);
    if (count > 0) {
      ctx.reads(0, (maxOf(aOff) + M * K) * 4);
      ctx.reads(1, (maxOf(bOff) + K * N) * 4);
    }
    return (ins, outs) => {
      const a = ins[0]!.ptr;
      const b = ins[1]!.ptr;
      const c = outs[0]!.ptr;
      for (let t = 0; t < aOff.length; t++) {
        k.matmulBatched(a + aOff[t]! * 4, 0, K, b + bOff[t]! * 4, 0, N, c + t * M * N * 4, 0, N, 1, M, N, K);
      }
    };
  },
};

export const Gemm: OpDef = {
  flops: (ctx, outputs) => 2 * sizeOf(outputs[0]!.dims) * (input(ctx, 0).dims[attrInt(ctx.node, 'transA', 0) !== 0 ? 0 : 1] ?? 0),
  infer: (ctx) => {
    const a = input(ctx, 0).dims;
    const b = input(ctx, 1).dims;
    if (a.length !== 2 || b.length !== 2)
      throw attrError(ctx, `Gemm needs 2-D operands, got [${a.join(', ')}] and [${b.join(', ')}]`, 'input[0]');
    // Shapes read transA/transB as 32-bit ints and the kernel as 64-bit ones, as onnxruntime does (2^40: not
    // transposed for the shapes, transposed for the values).
    const transA = attrInt32(ctx, 'transA', 0) !== 0;
    const transB = attrInt32(ctx, 'transB', 0) !== 0;
    const [M, K] = transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
    const [K2, N] = transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
    if (K !== K2) throw opError(ctx, `inner dimensions differ: ${K} and ${K2}`);
    const c = ctx.inputs[2];
    if (c !== undefined) broadcastShapes(ctx, [c.dims, [M, N]]);
    return [{ dtype: input(ctx, 0).dtype, dims: [M, N] }];
  },
  js: (ctx, outputs) => {
    const [M, N] = outputs[0]!.dims as [number, number];
    const transA = attrInt(ctx.node, 'transA', 0) !== 0;
    const transB = attrInt(ctx.node, 'transB', 0) !== 0;
    const alpha = attrFloat(ctx.node, 'alpha', 1);
    const beta = attrFloat(ctx.node, 'beta', 1);
    const K = input(ctx, 0).dims[transA ? 0 : 1]!;
    const cState = ctx.inputs[2];
    const cStrides = cState === undefined ? [0, 0] : broadcastStrides(cState.dims, [M, N]);
    return (ins, outs) => {
      const a = ins[0]!.data;
      const b = ins[1]!.data;
      const c = cState === undefined ? undefined : ins[2]!.data;
      const y = outs[0]!.data;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += a[transA ? k * M + i : i * K + k]! * b[transB ? j * K + k : k * N + j]!;
          let v = alpha * s;
          if (c !== undefined) v += beta * c[i * cStrides[0]! + j * cStrides[1]!]!;
          y[i * N + j] = v;
        }
      }
    };
  },
  wasm: (ctx) => {
    const B = input(ctx, 1);
    const C = ctx.inputs[2];
    if (input(ctx, 0).dtype !== 'float32' || B.value === undefined) return undefined;
    if (attrInt(ctx.node, 'transA', 0) !== 0 || attrFloat(ctx.node, 'alpha', 1) !== 1) return undefined;
    const [M, N] = ctx.outputs[0]!.dims as [number, number];
    if (
      C !== undefined &&
      (C.value === undefined || attrFloat(ctx.node, 'beta', 1) !== 1 || sizeOf(C.dims) !== N || C.dims[C.dims.length - 1] !== N)
    ) {
      return undefined;
    }
    const K = input(ctx, 0).dims[1]!;
    ctx.reads(0, M * K * 4);
    if (C !== undefined) ctx.reads(2, N * 4);
    ctx.writes(0, M * N * 4);
    const linear = ctx.linear(B.value, attrInt(ctx.node, 'transB', 0) !== 0, M, K, N, ctx.node.inputs[0]);
    const bias = C === undefined ? 0 : ctx.constPtr(2);
    return (ins, outs) => linear(ins[0]!.ptr, bias, outs[0]!.ptr, Act.none);
  },
};

/** tickmind.FusedMatMul(A, W, bias?): act(A · W + bias), W constant [K, N] (or [N, K] with transB). */
export const FusedMatMul: OpDef = {
  flops: (ctx, outputs) => {
    const a = input(ctx, 0).dims;
    return 2 * sizeOf(outputs[0]!.dims) * a[a.length - 1]!;
  },
  infer: (ctx) => {
    const a = input(ctx, 0).dims;
    const w = input(ctx, 1).dims;
    const transB = attrInt(ctx.node, 'transB', 0) === 1;
    const [K, N] = transB ? [w[1]!, w[0]!] : [w[0]!, w[1]!];
    if (a[a.length - 1] !== K) throw opError(ctx, `inner dimensions differ: ${a[a.length - 1]} and ${K}`);
    return [{ dtype: 'float32', dims: [...a.slice(0, -1), N] }];
  },
  js: (ctx, outputs) => {
    const a = input(ctx, 0).dims;
    const K = a[a.length - 1]!;
    const out = outputs[0]!.dims;
    const N = out[out.length - 1]!;
    const rows = sizeOf(out) / Math.max(N, 1);
    const transB = attrInt(ctx.node, 'transB', 0) === 1;
    const act = attrInt(ctx.node, 'activation', Act.none);
    const hasBias = ctx.inputs[2] !== undefined;
    return (ins, outs) => {
      const x = ins[0]!.data;
      const w = ins[1]!.data;
      const bias = hasBias ? ins[2]!.data : undefined;
      const y = outs[0]!.data;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < N; j++) {
          let s = bias === undefined ? 0 : bias[j]!;
          for (let k = 0; k < K; k++) s += x[i * K + k]! * w[transB ? j * K + k : k * N + j]!;
          y[i * N + j] = activate(s, act);
        }
      }
    };
  },
  wasm: (ctx) => {
    const w = input(ctx, 1);
    if (w.value === undefined) return undefined;
    const a = input(ctx, 0).dims;
    const K = a[a.length - 1]!;
    const out = ctx.outputs[0]!.dims;
    const N = out[out.length - 1]!;
    const rows = sizeOf(a.slice(0, -1));
    ctx.reads(0, rows * K * 4);
    if (ctx.inputs[2] !== undefined) ctx.reads(2, N * 4);
    ctx.writes(0, rows * N * 4);
    const linear = ctx.linear(w.value, attrInt(ctx.node, 'transB', 0) === 1, rows, K, N, ctx.node.inputs[0]);
    const bias = ctx.inputs[2] === undefined ? 0 : ctx.constPtr(2);
    const act = attrInt(ctx.node, 'activation', Act.none);
    return (ins, outs) => linear(ins[0]!.ptr, bias, outs[0]!.ptr, act);
  },
};

function activate(x: number, act: number): number {
  if (act === Act.relu) return Math.max(x, 0);
  if (act === Act.gelu) return 0.5 * x * (1 + erf(x / Math.SQRT2));
  return x;
}
