/**
 * A Parquet reader for the files tickmind writes and files shaped like them: flat required
 * columns and 3-level LIST columns of required elements with the same length in every row,
 * PLAIN-encoded data pages (v1 or v2), uncompressed or GZIP. Anything else is refused with a
 * coded error naming the file and column. Nothing in the file is trusted: every offset and size
 * is checked against the file and the reader's byte budget before use, every GZIP page's CRC-32
 * and length (and a page CRC when the writer stored one), the repetition and definition levels
 * of LIST columns, and that pages, column chunks, row groups and the footer agree on the counts.
 */
import { TickmindError } from '../core/index.js';
import { ByteBudget, type DatasetReadOptions, guarded, maxBytesOf } from './limits.js';
import { concatValues, type Fail, type Leaf, readColumnChunk } from './parquet-page.js';
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

/** Reads a Parquet file (see the module comment); `file` names it in errors. */
export function readParquet(bytes: Uint8Array, file = '<parquet>', options?: DatasetReadOptions): ParquetTable {
  return guarded(file, () => parse(bytes, file, new ByteBudget(maxBytesOf(options), file)));
}

function parse(bytes: Uint8Array, file: string, budget: ByteBudget): ParquetTable {
  const fail: Fail = (message, field) => {
    throw new TickmindError('IO', `${file}: ${message}`, { file, ...(field !== undefined ? { field } : {}) });
  };
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a Parquet file (no PAR1 magic at the start)');
  if (MAGIC.some((b, i) => bytes[bytes.length - 4 + i] !== b)) fail('truncated or corrupted: no PAR1 magic at the end');
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 8, true);
  const footerStart = bytes.length - 8 - footerLength;
  if (footerStart < 4) fail(`corrupted: footer length ${footerLength} exceeds the file (${bytes.length} bytes)`);
  const reader = new CompactReader(bytes.subarray(0, bytes.length - 8), footerStart, file, 'footer', budget);
  const meta = reader.readStruct();
  if (reader.pos !== bytes.length - 8)
    fail(`corrupted footer: it ends at byte ${reader.pos}, ${bytes.length - 8 - reader.pos} bytes early`);
  const f = fields(fail);
  const rows = f.int(meta, 3, 'the footer row count');
  const leaves = schemaLeaves(f.structs(meta, 2, 'the schema'), f, fail);
  const metadata: Record<string, string> = {};
  for (const kv of f.structs(meta, 5, 'key-value metadata', true))
    metadata[f.str(kv, 1, 'a metadata key')] = f.str(kv, 2, 'a metadata value', true);
  const chunks = leaves.map(() => [] as ParquetColumn['values'][]);
  const widths = leaves.map(() => -1);
  let total = 0;
  for (const rg of f.structs(meta, 4, 'the row groups', true)) {
    const cols = f.structs(rg, 1, 'a row group');
    if (cols.length !== leaves.length) fail(`a row group has ${cols.length} column chunks for ${leaves.length} columns`);
    const rgRows = f.int(rg, 3, 'a row group row count');
    total += rgRows;
    cols.forEach((cc, i) => {
      const leaf = leaves[i]!;
      if (cc.get(1) !== undefined) fail(`column '${leaf.name}' is in another file; tickmind reads self-contained files`, leaf.name);
      const md = f.struct(cc, 3, `column '${leaf.name}' metadata`, leaf.name);
      const at = (what: string) => `column '${leaf.name}' ${what}`;
      if (f.int(md, 1, at('type'), leaf.name) !== TYPES.indexOf(leaf.type))
        fail(`column '${leaf.name}': its chunk's type differs from the schema's`, leaf.name);
      const path = f.list(md, 3, at('path'), leaf.name);
      if (path.length !== leaf.path.length || path.some((p, k) => p !== leaf.path[k]))
        fail(`column '${leaf.name}': its chunk's path ${JSON.stringify(path)} is not the schema's ${JSON.stringify(leaf.path)}`, leaf.name);
      const codec = CODECS[f.int(md, 4, at('codec'), leaf.name)] ?? '?';
      if (codec !== 'UNCOMPRESSED' && codec !== 'GZIP')
        fail(`column '${leaf.name}' is ${codec}-compressed; tickmind reads UNCOMPRESSED and GZIP`, leaf.name);
      if (md.get(11) !== undefined) fail(`column '${leaf.name}' is dictionary-encoded; tickmind reads PLAIN only`, leaf.name);
      const start = f.int(md, 9, at('data page offset'), leaf.name);
      const size = f.int(md, 7, at('compressed size'), leaf.name);
      if (start < 4 || start + size > footerStart)
        fail(`column '${leaf.name}': its chunk (${size} bytes at ${start}) is outside the file's data`, leaf.name);
      const chunk = readColumnChunk(
        file,
        bytes.subarray(0, start + size),
        start,
        leaf,
        codec === 'GZIP',
        f.int(md, 5, at('value count'), leaf.name),
        budget,
        fail,
      );
      if (chunk.rows !== rgRows) fail(`column '${leaf.name}' has ${chunk.rows} rows in a row group of ${rgRows}`, leaf.name);
      if (chunk.rows > 0) {
        if (widths[i]! >= 0 && widths[i] !== chunk.width) fail(`column '${leaf.name}' changes list length between row groups`, leaf.name);
        widths[i] = chunk.width;
      }
      chunks[i]!.push(chunk.values);
    });
  }
  if (total !== rows) fail(`the footer says ${rows} rows, the row groups hold ${total}`);
  const columns = new Map<string, ParquetColumn>();
  leaves.forEach((leaf, i) => {
    const values = concatValues(chunks[i]!, leaf.type, budget, `column '${leaf.name}'`);
    columns.set(leaf.name, { name: leaf.name, type: leaf.type, list: leaf.list, width: Math.max(1, widths[i]!), values });
  });
  return { rows, columns, metadata };
}

type Fields = ReturnType<typeof fields>;

/** Typed access to decoded Thrift fields: a field of the wrong type or out of range is a coded error, never a TypeError. */
function fields(fail: Fail) {
  const get = (s: ThriftStruct, id: number): ThriftValue | undefined => s.get(id);
  return {
    int(s: ThriftStruct, id: number, what: string, field?: string): number {
      const v = get(s, id);
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
        return fail(`${what} is ${v === undefined ? 'missing' : `invalid (${String(v)})`}`, field);
      return v;
    },
    optInt(s: ThriftStruct, id: number, what: string, fallback: number, field?: string): number {
      return get(s, id) === undefined ? fallback : this.int(s, id, what, field);
    },
    str(s: ThriftStruct, id: number, what: string, optional = false): string {
      const v = get(s, id);
      if (v === undefined && optional) return '';
      return typeof v === 'string' ? v : fail(`${what} is not a string`);
    },
    struct(s: ThriftStruct, id: number, what: string, field?: string): ThriftStruct {
      const v = get(s, id);
      return v instanceof Map ? v : fail(`${what} is ${v === undefined ? 'missing' : 'not a struct'}`, field);
    },
    list(s: ThriftStruct, id: number, what: string, field?: string, optional = false): ThriftValue[] {
      const v = get(s, id);
      if (v === undefined && optional) return [];
      return Array.isArray(v) ? v : fail(`${what} is ${v === undefined ? 'missing' : 'not a list'}`, field);
    },
    structs(s: ThriftStruct, id: number, what: string, optional = false): ThriftStruct[] {
      const l = this.list(s, id, what, undefined, optional);
      for (const x of l) if (!(x instanceof Map)) fail(`${what} holds something that is not a struct`);
      return l as ThriftStruct[];
    },
  };
}

/** Leaf columns: required scalars, or LIST groups (group → repeated list → required element). */
function schemaLeaves(schema: ThriftStruct[], f: Fields, fail: Fail): Leaf[] {
  const root = schema[0] ?? fail('empty schema');
  const children = f.optInt(root, 5, 'the schema root child count', 0);
  const leaves: Leaf[] = [];
  const names = new Set<string>();
  let i = 1;
  const next = (): ThriftStruct => schema[i++] ?? fail('schema ends early');
  for (let c = 0; c < children; c++) {
    const el = next();
    const name = f.str(el, 4, 'a schema element name');
    if (names.has(name)) fail(`column '${name}' appears twice in the schema`, name);
    names.add(name);
    const kids = f.optInt(el, 5, `column '${name}' child count`, 0, name);
    if (kids === 0) {
      if (f.optInt(el, 3, `column '${name}' repetition`, -1, name) !== 0)
        fail(`column '${name}' is nullable or repeated; tickmind reads required columns only`, name);
      leaves.push({ name, path: [name], type: physical(el, name, f, fail), list: false });
      continue;
    }
    const rep = next();
    const elem = next();
    if (
      kids !== 1 ||
      f.optInt(el, 3, `column '${name}' repetition`, -1, name) !== 0 ||
      f.optInt(rep, 3, `column '${name}' repetition`, -1, name) !== 2 ||
      f.optInt(rep, 5, `column '${name}' child count`, 0, name) !== 1 ||
      f.optInt(elem, 5, `column '${name}' child count`, 0, name) !== 0
    )
      fail(`column '${name}' is a group tickmind does not read (only a required LIST of required elements)`, name);
    if (f.optInt(elem, 3, `column '${name}' repetition`, -1, name) !== 0)
      fail(`column '${name}' has nullable list elements; tickmind reads required elements only`, name);
    const path = [name, f.str(rep, 4, `column '${name}' list name`), f.str(elem, 4, `column '${name}' element name`)];
    leaves.push({ name, path, type: physical(elem, name, f, fail), list: true });
  }
  if (i !== schema.length) fail(`the schema has ${schema.length - i} elements beyond its columns`);
  return leaves;
}

function physical(el: ThriftStruct, name: string, f: Fields, fail: Fail): ParquetColumn['type'] {
  const t = TYPES[f.optInt(el, 1, `column '${name}' type`, -1, name)];
  if (t === undefined || t === 'INT96' || t === 'FIXED_LEN_BYTE_ARRAY')
    return fail(`column '${name}' has unsupported type ${t ?? '?'}`, name);
  return t;
}
