/**
 * Tensor data types and storage. Every tensor, constant or runtime, is a typed-array
 * view in a storage layout per dtype: int64 is kept as little-endian 32-bit pairs and read
 * through an Int32Array (low word at 2i), so kernels never touch BigInt and allocate nothing.
 */
import { TickmindError } from '../core/errors.js';

/** Element types the inference core handles. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool';

/** Typed arrays a caller may feed or receive. */
export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array;

/** Storage views used internally (int64 as Int32Array pairs). */
export type StorageArray = Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array;

/** A tensor with concrete dims and data in storage layout. */
export interface Tensor {
  /** Element type. */
  dtype: DType;
  /** Concrete dimensions. */
  dims: number[];
  /** Values in storage layout (int64 as pairs of 32-bit words). */
  data: StorageArray;
}

/** ONNX TensorProto.DataType numbers to our dtypes (unsupported ones absent). */
export const ONNX_DTYPES: Readonly<Record<number, DType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  11: 'float64',
};

/** ONNX DataType names, for error messages about types we do not support. */
export const ONNX_DTYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
};

/** Bytes per element in storage. */
export function byteSize(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    default:
      return 1;
  }
}

/** Number of elements of a shape. (Indexed loop: a for-of iterator may allocate on the hot path.) */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < dims.length; i++) n *= dims[i]!;
  return n;
}

/** A storage view of `count` elements of `dtype` at `byteOffset` in `buffer`. */
export function storageView(buffer: ArrayBufferLike, byteOffset: number, dtype: DType, count: number): StorageArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, count);
    case 'float64':
      return new Float64Array(buffer, byteOffset, count);
    case 'int32':
      return new Int32Array(buffer, byteOffset, count);
    case 'int64':
      return new Int32Array(buffer, byteOffset, count * 2);
    case 'int8':
      return new Int8Array(buffer, byteOffset, count);
    default:
      return new Uint8Array(buffer, byteOffset, count);
  }
}

/** The public view of storage: int64 becomes a BigInt64Array over the same bytes. */
export function publicView(buffer: ArrayBufferLike, byteOffset: number, dtype: DType, count: number): TensorArray {
  if (dtype === 'int64') return new BigInt64Array(buffer, byteOffset, count);
  return storageView(buffer, byteOffset, dtype, count) as TensorArray;
}

/** A fresh zeroed tensor. */
export function allocTensor(dtype: DType, dims: number[]): Tensor {
  const count = sizeOf(dims);
  const buffer = new ArrayBuffer(Math.max(count * byteSize(dtype), 8));
  return { dtype, dims, data: storageView(buffer, 0, dtype, count) };
}

/** Element i of a tensor as a number (int64 read from its low and high words). */
export function readElement(t: Tensor, i: number): number {
  if (t.dtype === 'int64') {
    const lo = t.data[2 * i]!;
    const hi = t.data[2 * i + 1]!;
    return hi * 4294967296 + (lo >>> 0);
  }
  return t.data[i]!;
}

/** Writes element i; int64 values are saturated to the int64 range's safe part. */
export function writeElement(t: Tensor, i: number, v: number): void {
  if (t.dtype === 'int64') {
    const x = Math.trunc(v);
    t.data[2 * i] = x | 0;
    t.data[2 * i + 1] = Math.floor(x / 4294967296);
  } else if (t.dtype === 'bool') {
    t.data[i] = v !== 0 ? 1 : 0; // NaN is true, as in C
  } else {
    t.data[i] = v;
  }
}

/** All elements as plain numbers (plan time only: allocates). */
export function toNumbers(t: Tensor): number[] {
  const n = sizeOf(t.dims);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = readElement(t, i);
  return out;
}

/** A tensor built from numbers. */
export function fromNumbers(dtype: DType, dims: number[], values: ArrayLike<number>): Tensor {
  const t = allocTensor(dtype, dims);
  for (let i = 0; i < values.length; i++) writeElement(t, i, values[i]!);
  return t;
}

/** Which dtype a caller's typed array stands for. */
export function dtypeOfArray(a: unknown): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  return undefined;
}

/** Copies a public array into storage layout (same bytes; int64 via its 32-bit words). */
export function copyIntoStorage(dst: StorageArray, src: TensorArray): void {
  if (src instanceof BigInt64Array) {
    (dst as Int32Array).set(new Int32Array(src.buffer, src.byteOffset, src.length * 2));
  } else {
    (dst as Float32Array).set(src as Float32Array);
  }
}

/** Throws unless `dims` is a valid concrete shape. */
export function assertDims(dims: readonly number[], where: string): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new TickmindError('SHAPE_MISMATCH', `invalid dimension ${d} in shape [${dims.join(', ')}]`, { field: where });
    }
  }
}
