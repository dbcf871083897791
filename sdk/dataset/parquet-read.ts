/**
 * A Parquet reader for the files tickmind writes and files shaped like them: flat required
 * columns and 3-level LIST columns of required elements, PLAIN-encoded data pages (v1 or v2),
 * uncompressed or GZIP. Anything else is refused with an error naming the file and column, and
 * every offset is checked against the file's size, so a truncated or corrupted file never reads
 * past its end or hangs.
 */
import { gunzipSync } from 'fflate';
import { TickmindError } from '../core/index.js';
import { CompactReader, type ThriftStruct, type ThriftValue } from './thrift.js';

/** A column read back: `values` holds rows × width elements. */
export interface ParquetColumn {
  /** Column name (the top-level field). */
  name: string;
  /** Physical type. */
  type: 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BOOLEAN' | 'BYTE_ARRAY';
  /** Whether it is a LIST column. */
  list: boolean;
  /** Values per row (list length; 1 for scalars). */
  width: number;
  /** The values, row-major; INT64 as float64 (exact below 2^53), BOOLEAN as 0/1, strings for BYTE_ARRAY. */
  values: Float32Array | Float64Array | Int32Array | Uint8Array | string[];
}

/** A whole file. */
export interface ParquetTable {
  /** Rows. */
  rows: number;
  /** Columns by name, in schema order. */
  columns: Map<string, ParquetColumn>;
  /** Key-value metadata of the footer. */
  metadata: Record<string, string>;
}

const TYPES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'] as const;
const CODECS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'];
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1

interface Leaf {
  name: string;
  type: ParquetColumn['type'];
  list: boolean;
}

/** Reads a Parquet file (see the module comment); `file` names it in errors. */
export function readParquet(bytes: Uint8Array, file = '<parquet>'): ParquetTable {
  const fail = (message: string, field?: string): never => {
    throw new TickmindError('IO', `${file}: ${message}`, { file, ...(field !== undefined ? { field } : {}) });
  };
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a Parquet file (no PAR1 magic at the start)');
  if (MAGIC.some((b, i) => bytes[bytes.length - 4 + i] !== b)) fail('truncated or corrupted: no PAR1 magic at the end');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getUint32(bytes.length - 8, true);
  if (footerLength + 12 > bytes.length) fail(`corrupted: footer length ${footerLength} exceeds the file (${bytes.length} bytes)`);
  const meta = new CompactReader(bytes, bytes.length - 8 - footerLength, `${file} (footer)`).readStruct();
  const rows = num(meta.get(3)) ?? fail('footer has no row count');
  const leaves = schemaLeaves(list(meta.get(2)) as ThriftStruct[], fail);
  const metadata: Record<string, string> = {};
  for (const kv of list(meta.get(5)) as ThriftStruct[]) metadata[String(kv.get(1))] = String(kv.get(2) ?? '');
  const chunks = leaves.map(() => [] as ParquetColumn['values'][]);
  const rowGroups = list(meta.get(4)) as ThriftStruct[];
  for (const rg of rowGroups) {
    const cols = list(rg.get(1)) as ThriftStruct[];
    if (cols.length !== leaves.length) fail(`a row group has ${cols.length} column chunks for ${leaves.length} columns`);
    const rgRows = num(rg.get(3)) ?? 0;
    cols.forEach((cc, i) => {
      chunks[i]!.push(readChunk(bytes, cc, leaves[i]!, rgRows, file, fail));
    });
  }
  const columns = new Map<string, ParquetColumn>();
  leaves.forEach((leaf, i) => {
    const values = concat(chunks[i]!, leaf.type);
    const width = rows === 0 ? 1 : values.length / rows;
    if (!Number.isInteger(width)) fail(`column '${leaf.name}' has ${values.length} values for ${rows} rows`, leaf.name);
    columns.set(leaf.name, { name: leaf.name, type: leaf.type, list: leaf.list, width, values });
  });
  return { rows, columns, metadata };
}

function num(v: ThriftValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function list(v: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(v) ? v : [];
}

/** Leaf columns: required scalars, or LIST groups (group → repeated list → required element). */
function schemaLeaves(schema: ThriftStruct[], fail: (m: string, f?: string) => never): Leaf[] {
  const root = schema[0] ?? fail('empty schema');
  const children = num(root.get(5)) ?? 0;
  const leaves: Leaf[] = [];
  let i = 1;
  for (let c = 0; c < children; c++) {
    const el = schema[i++] ?? fail('schema ends early');
    const name = String(el.get(4));
    const kids = num(el.get(5)) ?? 0;
    if (kids === 0) {
      if (num(el.get(3)) !== 0) fail(`column '${name}' is nullable or repeated; tickmind reads required columns only`, name);
      leaves.push({ name, type: physical(el, name, fail), list: false });
      continue;
    }
    const rep = schema[i++];
    const elem = schema[i++];
    if (
      kids !== 1 ||
      rep === undefined ||
      elem === undefined ||
      num(rep.get(3)) !== 2 ||
      (num(rep.get(5)) ?? 0) !== 1 ||
      (num(elem.get(5)) ?? 0) !== 0
    )
      fail(`column '${name}' is a group tickmind does not read (only LIST of required elements)`, name);
    if (num(elem!.get(3)) !== 0) fail(`column '${name}' has nullable list elements; tickmind reads required elements only`, name);
    leaves.push({ name, type: physical(elem!, name, fail), list: true });
  }
  return leaves;
}

function physical(el: ThriftStruct, name: string, fail: (m: string, f?: string) => never): ParquetColumn['type'] {
  const t = TYPES[num(el.get(1)) ?? -1];
  if (t === undefined || t === 'INT96' || t === 'FIXED_LEN_BYTE_ARRAY')
    return fail(`column '${name}' has unsupported type ${t ?? '?'}`, name);
  return t;
}

function readChunk(
  bytes: Uint8Array,
  cc: ThriftStruct,
  leaf: Leaf,
  rows: number,
  file: string,
  fail: (m: string, f?: string) => never,
): ParquetColumn['values'] {
  const md = (cc.get(3) as ThriftStruct | undefined) ?? fail(`column '${leaf.name}' has no metadata`, leaf.name);
  const codec = CODECS[num(md.get(4)) ?? -1] ?? '?';
  if (codec !== 'UNCOMPRESSED' && codec !== 'GZIP')
    fail(`column '${leaf.name}' is ${codec}-compressed; tickmind reads UNCOMPRESSED and GZIP`, leaf.name);
  if (md.get(11) !== undefined) fail(`column '${leaf.name}' is dictionary-encoded; tickmind reads PLAIN only`, leaf.name);
  const total = num(md.get(5)) ?? 0;
  let pos = num(md.get(9)) ?? fail(`column '${leaf.name}' has no data page offset`, leaf.name);
  const parts: ParquetColumn['values'][] = [];
  let read = 0;
  let guard = 0;
  while (read < total) {
    if (pos >= bytes.length || guard++ > 1e6) fail(`column '${leaf.name}' is truncated: page at byte ${pos}`, leaf.name);
    const r = new CompactReader(bytes, pos, `${file} (column '${leaf.name}')`);
    const header = r.readStruct();
    const size = num(header.get(3)) ?? 0;
    const start = r.pos;
    if (start + size > bytes.length) fail(`column '${leaf.name}' is truncated: a page of ${size} bytes at ${start}`, leaf.name);
    const page = bytes.subarray(start, start + size);
    const type = num(header.get(1));
    let values: Uint8Array;
    let count: number;
    if (type === 3) {
      const h = header.get(8) as ThriftStruct;
      count = num(h.get(1)) ?? 0;
      if ((num(h.get(2)) ?? 0) > 0) fail(`column '${leaf.name}' has nulls`, leaf.name);
      if ((num(h.get(4)) ?? 0) !== 0) fail(`column '${leaf.name}' is not PLAIN-encoded`, leaf.name);
      const levels = (num(h.get(5)) ?? 0) + (num(h.get(6)) ?? 0);
      const compressed = h.get(7) !== false;
      values = compressed && codec === 'GZIP' ? gunzip(page.subarray(levels), leaf.name, fail) : page.subarray(levels);
    } else if (type === 0) {
      const h = header.get(5) as ThriftStruct;
      count = num(h.get(1)) ?? 0;
      if ((num(h.get(2)) ?? 0) !== 0) fail(`column '${leaf.name}' is not PLAIN-encoded`, leaf.name);
      let body = codec === 'GZIP' ? gunzip(page, leaf.name, fail) : page;
      // v1 pages prefix each level stream with its byte length; lists have both, required scalars none.
      if (leaf.list) for (let k = 0; k < 2; k++) body = body.subarray(4 + new DataView(body.buffer, body.byteOffset).getUint32(0, true));
      values = body;
    } else {
      return fail(`column '${leaf.name}' has a page of type ${type} tickmind does not read`, leaf.name);
    }
    parts.push(decodePlain(values, leaf, count, fail));
    read += count;
    pos = start + size;
  }
  void rows;
  return concat(parts, leaf.type);
}

function gunzip(data: Uint8Array, name: string, fail: (m: string, f?: string) => never): Uint8Array {
  try {
    return gunzipSync(data);
  } catch (err) {
    return fail(`column '${name}': corrupted GZIP page (${(err as Error).message})`, name);
  }
}

function decodePlain(b: Uint8Array, leaf: Leaf, count: number, fail: (m: string, f?: string) => never): ParquetColumn['values'] {
  const size = leaf.type === 'INT64' || leaf.type === 'DOUBLE' ? 8 : leaf.type === 'BOOLEAN' ? 0 : leaf.type === 'BYTE_ARRAY' ? -1 : 4;
  if (size > 0 && b.length < count * size) fail(`column '${leaf.name}': page holds ${b.length} bytes for ${count} values`, leaf.name);
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
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, true));
      return out;
    }
    case 'BOOLEAN': {
      if (b.length < Math.ceil(count / 8)) fail(`column '${leaf.name}': page too short`, leaf.name);
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = (b[i >> 3]! >> (i & 7)) & 1;
      return out;
    }
    default: {
      const out: string[] = [];
      const dec = new TextDecoder();
      let p = 0;
      for (let i = 0; i < count; i++) {
        if (p + 4 > b.length) fail(`column '${leaf.name}': page too short`, leaf.name);
        const n = view.getUint32(p, true);
        if (p + 4 + n > b.length) fail(`column '${leaf.name}': page too short`, leaf.name);
        out.push(dec.decode(b.subarray(p + 4, p + 4 + n)));
        p += 4 + n;
      }
      return out;
    }
  }
}

function concat(parts: ParquetColumn['values'][], type: ParquetColumn['type']): ParquetColumn['values'] {
  if (parts.length === 1) return parts[0]!;
  if (type === 'BYTE_ARRAY') return (parts as string[][]).flat();
  const n = parts.reduce((s, p) => s + p.length, 0);
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
