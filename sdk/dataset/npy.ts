/**
 * NumPy `.npy` (format 1.0–3.0) reading and writing, so anyone can compare tickmind's outputs
 * with another runtime's. Pure: bytes in, bytes out.
 */
import { TickmindError } from '../core/index.js';

/** Element types `.npy` files carry here (the inference core's dtype names). */
export type NpyDType = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool';
/** Typed arrays for those dtypes (bool as Uint8Array). */
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array;
type DType = NpyDType;
type TensorArray = NpyData;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

const DESCR_TO_DTYPE: Record<string, DType> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '<i4': 'int32',
  '<i8': 'int64',
  '|i1': 'int8',
  '|u1': 'uint8',
  '|b1': 'bool',
};

const DTYPE_TO_DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
};

/** A decoded array. bool arrays come back as Uint8Array with dtype 'bool'. */
export interface NpyArray {
  /** Element type. */
  dtype: DType;
  /** Shape. */
  dims: number[];
  /** Elements, row-major. */
  data: TensorArray;
}

/** Parses `.npy` bytes. `name` is used in error messages. */
export function readNpy(bytes: Uint8Array, name = '<npy>'): NpyArray {
  const fail = (msg: string): never => {
    throw new TickmindError('IO', `${name}: ${msg}`, { file: name });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a NumPy .npy file (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > bytes.length) fail('header is truncated');
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`unreadable header ${header.trim()}`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const dtype = DESCR_TO_DTYPE[descr!] ?? fail(`unsupported dtype '${descr}' (supported: ${Object.keys(DESCR_TO_DTYPE).join(' ')})`);
  const dims = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const itemSize = dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float32' || dtype === 'int32' ? 4 : 1;
  const start = headerStart + headerLen;
  if (bytes.length - start < count * itemSize) fail(`data is truncated: ${bytes.length - start} bytes for ${count} x ${descr}`);
  const raw = bytes.slice(start, start + count * itemSize).buffer;
  return { dtype, dims, data: typedArray(dtype, raw, count) };
}

function typedArray(dtype: DType, buffer: ArrayBuffer, count: number): TensorArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    case 'int8':
      return new Int8Array(buffer, 0, count);
    default:
      return new Uint8Array(buffer, 0, count);
  }
}

/** Encodes an array as `.npy` (format 1.0). */
export function writeNpy(array: { dtype: DType; dims: readonly number[]; data: TensorArray }): Uint8Array {
  const shape = array.dims.length === 1 ? `(${array.dims[0]},)` : `(${array.dims.join(', ')})`;
  let header = `{'descr': '${DTYPE_TO_DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const data = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}
