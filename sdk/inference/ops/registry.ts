/** The operator table: which ops the native backend runs, by domain and name. */
import { TICKMIND_DOMAIN } from '../ir/graph.js';
import { Attention } from './attention.js';
import { Constant, ConstantOfShape, Range } from './constants.js';
import { Conv, ConvTranspose } from './conv.js';
import { aliasOp, binaryOps, Cast, Clip, Dropout, unaryOps, variadicOps, Where } from './elementwise.js';
import { FusedMatMul, Gemm, MatMul } from './linear.js';
import { Concat, Expand, Gather, Slice, Split, Tile, Transpose } from './movement.js';
import { LayerNormalization, LogSoftmax, Softmax } from './normalize.js';
import { AveragePool, BatchNormalization, GlobalAveragePool, MaxPool } from './pool.js';
import { DequantizeLinear } from './quantize.js';
import { ArgMax, ArgMin, reduceOps } from './reduce.js';
import { Flatten, Reshape, Shape, Size, Squeeze, Unsqueeze } from './reshape.js';
import { AddLayerNormalization } from './residual-norm.js';
import { Resize } from './resize.js';
import { GRU, LSTM } from './rnn.js';
import { CumSum, Pad, TopK } from './scan.js';
import type { OpDef } from './types.js';

const { Gelu, ...onnxUnary } = unaryOps;

/** Ops of the default ONNX domain. */
export const ONNX_OPS: Readonly<Record<string, OpDef>> = {
  ...onnxUnary,
  ...binaryOps,
  ...variadicOps,
  ...reduceOps,
  Cast,
  Clip,
  Where,
  Conv,
  ConvTranspose,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  BatchNormalization,
  Pad,
  CumSum,
  TopK,
  Resize,
  GRU,
  LSTM,
  DequantizeLinear,
  Identity: aliasOp,
  Dropout,
  MatMul,
  Gemm,
  Softmax,
  LogSoftmax,
  LayerNormalization,
  ArgMax,
  ArgMin,
  Reshape,
  Flatten,
  Squeeze,
  Unsqueeze,
  Shape,
  Size,
  Transpose,
  Expand,
  Tile,
  Concat,
  Slice,
  Split,
  Gather,
  ConstantOfShape,
  Constant,
  Range,
};

/** Fused ops created by tickmind's passes. */
export const TICKMIND_OPS: Readonly<Record<string, OpDef>> = {
  Gelu: Gelu!,
  FusedMatMul,
  Attention,
  AddLayerNormalization,
};

/** The op implementation for a domain and op type, if the native backend has one. */
export function findOp(domain: string, op: string): OpDef | undefined {
  if (domain === '' || domain === 'ai.onnx') return Object.hasOwn(ONNX_OPS, op) ? ONNX_OPS[op] : undefined;
  if (domain === TICKMIND_DOMAIN) return Object.hasOwn(TICKMIND_OPS, op) ? TICKMIND_OPS[op] : undefined;
  return undefined;
}

/** Op types (domain-qualified outside the default domain) the native backend cannot run. */
export function unsupportedOps(nodes: ReadonlyArray<{ domain: string; op: string }>): string[] {
  const missing = new Set<string>();
  for (const n of nodes) {
    if (findOp(n.domain, n.op) === undefined) missing.add(n.domain === '' ? n.op : `${n.domain}.${n.op}`);
  }
  return [...missing].sort();
}

/** Op types of the default ONNX domain the native backend runs, sorted. */
export function supportedOps(): string[] {
  return Object.keys(ONNX_OPS).sort();
}
