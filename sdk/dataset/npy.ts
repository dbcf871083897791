/**
 * NumPy `.npy` (format 1.0–3.0) reading and writing, so anyone can compare tickmind's outputs
 * with another runtime's. Pure: bytes in, bytes out; a malformed file is a coded error naming it.
 */
import { TickmindError } from '../core/index.js';
import { ByteBudget, type DatasetReadOptions, guarded, maxBytesOf } from './limits.js';

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

/**
 * Parses `.npy` bytes. `name` is used in error messages. The header must be numpy's (a dict with
 * descr, fortran_order and a shape of non-negative integers) and the data exactly the bytes the
 * shape needs; an array past `options.maxBytes` is refused before its copy is allocated.
 */
export function readNpy(bytes: Uint8Array, name = '<npy>', options?: DatasetReadOptions): NpyArray {
  return guarded(name, () => parseNpy(bytes, name, new ByteBudget(maxBytesOf(options), name), true));
}

/**
 * {@link readNpy} on a budget shared with the caller; with `copy` false the data is a view of
 * `bytes` where the alignment allows (an archive's private members).
 */
export function parseNpy(bytes: Uint8Array, name: string, budget: ByteBudget, copy: boolean): NpyArray {
  const fail = (msg: string, field?: string): never => {
    throw new TickmindError('IO', `${name}: ${msg}`, { file: name, ...(field !== undefined ? { field } : {}) });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a NumPy .npy file (bad magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3 || bytes[7] !== 0) fail(`unsupported .npy format version ${major}.${bytes[7]}`, 'version');
  if (major > 1 && bytes.length < 12) fail('header is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > bytes.length) fail('header is truncated');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  if (!/^\{.*\}\s*$/s.test(header)) fail(`unreadable header ${JSON.stringify(header.trim())}`, 'header');
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`unreadable header ${header.trim()}`, 'header');
  if (fortran === 'True') fail('Fortran-order arrays are not supported; save with np.ascontiguousarray', 'fortran_order');
  const dtype =
    DESCR_TO_DTYPE[descr!] ?? fail(`unsupported dtype '${descr}' (supported: ${Object.keys(DESCR_TO_DTYPE).join(' ')})`, 'descr');
  const parts = shapeText!.trim() === '' ? [] : shapeText!.split(',').map((s) => s.trim());
  if (parts.length > 1 && parts.at(-1) === '') parts.pop(); // numpy writes (3,) for one dimension
  const dims = parts.map((s) =>
    /^\d{1,16}L?$/.test(s) ? Number.parseInt(s, 10) : fail(`shape (${shapeText}) has a bad dimension '${s}'`, 'shape'),
  );
  const itemSize = dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float32' || dtype === 'int32' ? 4 : 1;
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (!Number.isSafeInteger(count * itemSize)) fail(`shape (${shapeText}) is too large`, 'shape');
  }
  const start = headerStart + headerLen;
  const size = count * itemSize;
  if (bytes.length - start !== size)
    fail(
      `data is ${bytes.length - start < size ? 'truncated' : 'followed by extra bytes'}: ${bytes.length - start} bytes for ${count} x ${descr}`,
      'data',
    );
  if (!copy && (bytes.byteOffset + start) % itemSize === 0)
    return { dtype, dims, data: typedArray(dtype, bytes.buffer as ArrayBuffer, count, bytes.byteOffset + start) };
  budget.take(size, `array of shape (${dims.join(', ')})`, 'shape');
  const raw = bytes.slice(start, start + size).buffer;
  return { dtype, dims, data: typedArray(dtype, raw, count, 0) };
}

function typedArray(dtype: DType, buffer: ArrayBuffer, count: number, offset: number): TensorArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, offset, count);
    case 'float64':
      return new Float64Array(buffer, offset, count);
    case 'int32':
      return new Int32Array(buffer, offset, count);
    case 'int64':
      return new BigInt64Array(buffer, offset, count);
    case 'int8':
      return new Int8Array(buffer, offset, count);
    default:
      return new Uint8Array(buffer, offset, count);
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
