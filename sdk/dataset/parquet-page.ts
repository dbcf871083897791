/**
 * One column chunk of a Parquet file: its pages, read and checked — sizes against the chunk and
 * the budget, GZIP bodies against their CRC-32 and length, a page CRC when present, the levels
 * of LIST columns (every row the same length, no empty lists), and the PLAIN values, which must
 * fill their page exactly.
 */
import { crc32 } from './crc32.js';
import { gunzipExact, InflateError } from './inflate.js';
import type { ByteBudget } from './limits.js';
import { LevelReader } from './parquet-levels.js';
import type { ParquetColumn } from './parquet-read.js';
import { CompactReader, type ThriftStruct, type ThriftValue } from './thrift.js';

/** Raises a coded error naming the file (and the column, as `field`). */
export type Fail = (message: string, field?: string) => never;

/** A leaf column of the schema. */
export interface Leaf {
  /** Top-level column name. */
  name: string;
  /** Path of the leaf in the schema (`[name]`, or `[name, list, element]`). */
  path: string[];
  /** Physical type. */
  type: ParquetColumn['type'];
  /** A LIST column (repetition and definition levels 0..1). */
  list: boolean;
}

/** What a column chunk held. */
export interface Chunk {
  /** Values, rows × width. */
  values: ParquetColumn['values'];
  /** Rows. */
  rows: number;
  /** Values per row (-1 when there are no rows). */
  width: number;
}

const DATA_PAGE = 0;
const DATA_PAGE_V2 = 3;
const PLAIN = 0;
const RLE = 3;

/**
 * Reads the pages of a column chunk starting at `start` and ending exactly at the end of `bytes`
 * (the caller cuts it there), `values` values in all.
 */
export function readColumnChunk(
  file: string,
  bytes: Uint8Array,
  start: number,
  leaf: Leaf,
  gzip: boolean,
  values: number,
  budget: ByteBudget,
  fail: Fail,
): Chunk {
  const name = leaf.name;
  const at = (what: string) => `column '${name}': ${what}`;
  const parts: ParquetColumn['values'][] = [];
  const shape = { rows: 0, width: -1, current: 0 };
  let read = 0;
  let pos = start;
  while (pos < bytes.length) {
    const r = new CompactReader(bytes, pos, file, `column '${name}' page header`, budget);
    const header = r.readStruct();
    const size = int(header, 3, at('compressed page size'), fail, name);
    const raw = int(header, 2, at('uncompressed page size'), fail, name);
    if (r.pos + size > bytes.length) fail(at(`a page of ${size} bytes at byte ${r.pos} runs past its column chunk`), name);
    const page = bytes.subarray(r.pos, r.pos + size);
    pos = r.pos + size;
    const crc = header.get(4);
    if (crc !== undefined && (typeof crc !== 'number' || crc32(page) !== crc >>> 0)) fail(at('page CRC-32 mismatch'), name);
    const type = int(header, 1, at('page type'), fail, name);
    let body: Uint8Array;
    let count: number;
    let repLevels: Uint8Array | undefined;
    let defLevels: Uint8Array | undefined;
    if (type === DATA_PAGE_V2) {
      const h = struct(header, 8, at('data page header'), fail, name);
      count = int(h, 1, at('page value count'), fail, name);
      if (int(h, 2, at('page null count'), fail, name) !== 0) fail(at('has nulls'), name);
      if (int(h, 4, at('page encoding'), fail, name) !== PLAIN) fail(at('is not PLAIN-encoded'), name);
      const defBytes = int(h, 5, at('definition levels size'), fail, name);
      const repBytes = int(h, 6, at('repetition levels size'), fail, name);
      const levels = repBytes + defBytes;
      if (levels > size || levels > raw) fail(at(`levels of ${levels} bytes do not fit a page of ${size}`), name);
      if (leaf.list) {
        repLevels = page.subarray(0, repBytes);
        defLevels = page.subarray(repBytes, levels);
      } else if (levels !== 0) fail(at('a required column has levels'), name);
      const compressed = h.get(7) !== false;
      body = decompress(page.subarray(levels), raw - levels, gzip && compressed, budget, fail, name);
      const rowsBefore = shape.rows;
      count = checkLevels(leaf, count, repLevels, defLevels, shape, fail);
      if (shape.rows - rowsBefore !== int(h, 3, at('page row count'), fail, name))
        fail(at('page row count disagrees with its values'), name);
    } else if (type === DATA_PAGE) {
      const h = struct(header, 5, at('data page header'), fail, name);
      count = int(h, 1, at('page value count'), fail, name);
      if (int(h, 2, at('page encoding'), fail, name) !== PLAIN) fail(at('is not PLAIN-encoded'), name);
      body = decompress(page, raw, gzip, budget, fail, name);
      if (leaf.list) {
        if (
          int(h, 3, at('definition level encoding'), fail, name) !== RLE ||
          int(h, 4, at('repetition level encoding'), fail, name) !== RLE
        )
          fail(at('levels are not RLE-encoded'), name);
        // v1 pages prefix each level stream with its byte length: repetition levels first.
        [repLevels, body] = prefixed(body, fail, name);
        [defLevels, body] = prefixed(body, fail, name);
      }
      count = checkLevels(leaf, count, repLevels, defLevels, shape, fail);
    } else {
      return fail(at(`has a page of type ${type} tickmind does not read (dictionary and index pages included)`), name);
    }
    parts.push(decodePlain(body, leaf, count, budget, fail));
    read += count;
  }
  if (pos !== bytes.length) fail(at('pages run past the column chunk'), name);
  if (read !== values) fail(at(`pages hold ${read} values, the column chunk says ${values}`), name);
  if (leaf.list) closeRow(shape, fail, name);
  return { values: concatValues(parts, leaf.type, budget, `column '${name}'`), rows: shape.rows, width: leaf.list ? shape.width : 1 };
}

/**
 * Walks the levels of a LIST page (every value present, a row starting at each repetition level 0,
 * every row as long as the first) and returns the number of values; scalars have no levels.
 */
function checkLevels(
  leaf: Leaf,
  count: number,
  rep: Uint8Array | undefined,
  def: Uint8Array | undefined,
  shape: { rows: number; width: number; current: number },
  fail: Fail,
): number {
  if (!leaf.list) {
    shape.rows += count;
    return count;
  }
  const r = new LevelReader(rep!, 1);
  if (new LevelReader(def!, 1).skip(1, count) !== count)
    fail(
      `column '${leaf.name}' has an empty list or a null, or its definition levels end early; tickmind reads lists of the same length in every row`,
      leaf.name,
    );
  for (let i = 0; i < count; ) {
    const repetition = r.next();
    i++;
    if (repetition === 0) {
      if (shape.rows > 0) closeRow(shape, fail, leaf.name);
      shape.rows++;
      shape.current = 1;
    } else if (repetition === 1 && shape.rows > 0) shape.current++;
    else fail(`column '${leaf.name}': repetition levels end early or do not start a row`, leaf.name);
    const more = r.skip(1, count - i);
    shape.current += more;
    i += more;
  }
  return count;
}

function closeRow(shape: { rows: number; width: number; current: number }, fail: Fail, name: string): void {
  if (shape.rows === 0) return;
  if (shape.width < 0) shape.width = shape.current;
  else if (shape.current !== shape.width)
    fail(
      `column '${name}' has rows of ${shape.width} and ${shape.current} values; tickmind reads lists of the same length in every row`,
      name,
    );
}

function prefixed(body: Uint8Array, fail: Fail, name: string): [Uint8Array, Uint8Array] {
  if (body.length < 4) fail(`column '${name}': level stream is truncated`, name);
  const n = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true);
  if (4 + n > body.length) fail(`column '${name}': a level stream of ${n} bytes runs past its page`, name);
  return [body.subarray(4, 4 + n), body.subarray(4 + n)];
}

function decompress(data: Uint8Array, size: number, gzip: boolean, budget: ByteBudget, fail: Fail, name: string): Uint8Array {
  if (!gzip) {
    if (data.length !== size) fail(`column '${name}': an uncompressed page of ${data.length} bytes declares ${size}`, name);
    return data;
  }
  budget.take(size, `column '${name}' page`, name);
  try {
    return gunzipExact(data, size);
  } catch (err) {
    if (!(err instanceof InflateError)) throw err;
    return fail(`column '${name}': corrupted GZIP page (${err.message})`, name);
  }
}

function decodePlain(b: Uint8Array, leaf: Leaf, count: number, budget: ByteBudget, fail: Fail): ParquetColumn['values'] {
  const name = leaf.name;
  const size = leaf.type === 'INT64' || leaf.type === 'DOUBLE' ? 8 : leaf.type === 'INT32' || leaf.type === 'FLOAT' ? 4 : 0;
  const expected = size > 0 ? count * size : leaf.type === 'BOOLEAN' ? Math.ceil(count / 8) : -1;
  if (expected >= 0 && b.length !== expected)
    fail(`column '${name}': a page holds ${b.length} bytes for ${count} values (${expected} expected)`, name);
  budget.take(
    leaf.type === 'BYTE_ARRAY' ? 8 * count + 2 * b.length : count * (leaf.type === 'BOOLEAN' ? 1 : size),
    `column '${name}' values`,
    name,
  );
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (leaf.type) {
    case 'FLOAT': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'DOUBLE': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'INT32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'INT64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(8 * i, true);
        if (v > 9007199254740991n || v < -9007199254740991n)
          fail(`column '${name}': ${v} is past the integers tickmind reads exactly (2^53)`, name);
        out[i] = Number(v);
      }
      return out;
    }
    case 'BOOLEAN': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = (b[i >> 3]! >> (i & 7)) & 1;
      return out;
    }
    default: {
      if (count > b.length / 4) fail(`column '${name}': a page of ${b.length} bytes cannot hold ${count} strings`, name);
      const out: string[] = new Array(count);
      const dec = new TextDecoder('utf-8', { fatal: true });
      let p = 0;
      for (let i = 0; i < count; i++) {
        if (p + 4 > b.length) fail(`column '${name}': page too short`, name);
        const n = view.getUint32(p, true);
        if (p + 4 + n > b.length) fail(`column '${name}': page too short`, name);
        try {
          out[i] = dec.decode(b.subarray(p + 4, p + 4 + n));
        } catch {
          fail(`column '${name}': a string is not valid UTF-8`, name);
        }
        p += 4 + n;
      }
      if (p !== b.length) fail(`column '${name}': ${b.length - p} bytes after the page's ${count} strings`, name);
      return out;
    }
  }
}

/** Joins the values of several pages or row groups into one array (charged to the budget). */
export function concatValues(
  parts: ParquetColumn['values'][],
  type: ParquetColumn['type'],
  budget: ByteBudget,
  what: string,
): ParquetColumn['values'] {
  if (parts.length === 1) return parts[0]!;
  if (type === 'BYTE_ARRAY') return (parts as string[][]).flat();
  const n = parts.reduce((s, p) => s + p.length, 0);
  budget.take(n * (type === 'INT64' || type === 'DOUBLE' ? 8 : type === 'BOOLEAN' ? 1 : 4), `${what}: joining its parts`);
  const out =
    type === 'FLOAT'
      ? new Float32Array(n)
      : type === 'INT32'
        ? new Int32Array(n)
        : type === 'BOOLEAN'
          ? new Uint8Array(n)
          : new Float64Array(n);
  let o = 0;
  for (const p of parts as (Float32Array | Int32Array | Uint8Array | Float64Array)[]) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function int(s: ThriftStruct, id: number, what: string, fail: Fail, field: string): number {
  const v: ThriftValue | undefined = s.get(id);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    return fail(`${what} is ${v === undefined ? 'missing' : `invalid (${String(v)})`}`, field);
  return v;
}

function struct(s: ThriftStruct, id: number, what: string, fail: Fail, field: string): ThriftStruct {
  const v = s.get(id);
  return v instanceof Map ? v : fail(`${what} is ${v === undefined ? 'missing' : 'not a struct'}`, field);
}
