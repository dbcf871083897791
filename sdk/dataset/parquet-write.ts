/**
 * Parquet writing through hyparquet-writer, in the plain shape tickmind's reader and every other
 * reader understand: required (non-null) columns, PLAIN encoding, GZIP pages (fflate), fixed-size
 * vectors as standard 3-level LIST columns (what pyarrow and pandas read as arrays per row).
 */
import { gzipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { TickmindError } from '../core/index.js';

/** Physical column types tickmind writes. */
export type ParquetType = 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BOOLEAN' | 'STRING';

/** One column to write: `width` values per row (a LIST column when `list` is set). */
export interface ParquetColumnData {
  /** Column name. */
  name: string;
  /** Element type. */
  type: ParquetType;
  /** Values per row (1 for scalars). */
  width: number;
  /** Write as a LIST column even when width is 1 (vector features). */
  list?: boolean;
  /** rows × width values, row-major (numbers, or strings for STRING). */
  data: ArrayLike<number> | readonly string[];
}

/** Encodes columns of `rows` rows as a Parquet file, with key-value metadata. */
export function writeParquet(columns: readonly ParquetColumnData[], rows: number, metadata: Record<string, string> = {}): Uint8Array {
  const schema: Record<string, unknown>[] = [{ name: 'schema', num_children: columns.length }];
  const columnData: { name: string; data: unknown[] | ArrayLike<unknown>; encoding: 'PLAIN'; statistics: false }[] = [];
  for (const c of columns) {
    if (c.data.length !== rows * c.width)
      throw new TickmindError('INVALID_ARGUMENT', `column '${c.name}': ${c.data.length} values for ${rows} rows × ${c.width}`, {
        field: c.name,
      });
    const physical = c.type === 'STRING' ? 'BYTE_ARRAY' : c.type;
    const leaf: Record<string, unknown> = { type: physical, repetition_type: 'REQUIRED' };
    if (c.type === 'STRING') leaf.converted_type = 'UTF8';
    if (c.list === true || c.width > 1) {
      schema.push({ name: c.name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schema.push({ name: 'element', ...leaf });
      const rowsOf: unknown[] = new Array(rows);
      for (let r = 0; r < rows; r++) rowsOf[r] = Array.from(convert(c, r * c.width, (r + 1) * c.width) as ArrayLike<unknown>);
      columnData.push({ name: c.name, data: rowsOf, encoding: 'PLAIN', statistics: false });
    } else {
      schema.push({ name: c.name, ...leaf });
      columnData.push({ name: c.name, data: convert(c, 0, rows), encoding: 'PLAIN', statistics: false });
    }
  }
  const bytes = parquetWriteBuffer({
    columnData: columnData as never,
    schema: schema as never,
    codec: 'GZIP',
    compressors: { GZIP: (input: Uint8Array) => gzipSync(input, { mtime: 0 }) },
    statistics: false,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: 'tickmind (hyparquet-writer)',
  });
  return new Uint8Array(bytes);
}

/** Values [from, to) of a column in the array type hyparquet-writer expects for its physical type. */
function convert(c: ParquetColumnData, from: number, to: number): unknown[] | ArrayLike<unknown> {
  const d = c.data;
  switch (c.type) {
    case 'INT64': {
      const out = new BigInt64Array(to - from);
      for (let i = from; i < to; i++) out[i - from] = BigInt(Math.trunc(d[i] as number));
      return out;
    }
    case 'INT32':
      return Int32Array.from({ length: to - from }, (_, i) => d[from + i] as number);
    case 'FLOAT':
      return Float32Array.from({ length: to - from }, (_, i) => d[from + i] as number);
    case 'DOUBLE':
      return Float64Array.from({ length: to - from }, (_, i) => d[from + i] as number);
    case 'BOOLEAN':
      return Array.from({ length: to - from }, (_, i) => (d[from + i] as number) !== 0);
    default:
      return Array.from({ length: to - from }, (_, i) => String(d[from + i]));
  }
}
