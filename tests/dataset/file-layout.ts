/** Where the fields worth mutating are in the files the SDK writes: zip headers, Parquet pages and gzip trailers. */
import { CompactReader, type ThriftStruct } from '../../sdk/dataset/thrift.js';

/** A zip member's header positions. */
export interface ZipMember {
  name: string;
  /** Central directory entry. */
  central: number;
  /** Local header. */
  local: number;
  /** First byte of the (compressed) data. */
  data: number;
  /** Compressed size. */
  size: number;
}

/** The members of a (non-zip64) zip archive. */
export function zipMembers(b: Uint8Array): ZipMember[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let end = b.length - 22;
  while (v.getUint32(end, true) !== 0x06054b50) end--;
  const count = v.getUint16(end + 10, true);
  let p = v.getUint32(end + 16, true);
  const out: ZipMember[] = [];
  for (let i = 0; i < count; i++) {
    const n = v.getUint16(p + 28, true);
    const local = v.getUint32(p + 42, true);
    out.push({
      name: new TextDecoder().decode(b.subarray(p + 46, p + 46 + n)),
      central: p,
      local,
      data: local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true),
      size: v.getUint32(p + 20, true),
    });
    p += 46 + n + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}

/** A Parquet data page: where its header and body are. */
export interface ParquetPage {
  column: string;
  header: number;
  body: number;
  end: number;
}

/** The pages of a Parquet file tickmind wrote (one page per column chunk). */
export function parquetPages(b: Uint8Array): ParquetPage[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const footer = b.length - 8 - v.getUint32(b.length - 8, true);
  const meta = new CompactReader(b, footer, 't', 'footer').readStruct();
  const out: ParquetPage[] = [];
  for (const rg of meta.get(4) as ThriftStruct[])
    for (const cc of rg.get(1) as ThriftStruct[]) {
      const md = cc.get(3) as ThriftStruct;
      const start = md.get(9) as number;
      const r = new CompactReader(b, start, 't', 'page');
      const h = r.readStruct();
      out.push({ column: (md.get(3) as string[])[0]!, header: start, body: r.pos, end: r.pos + (h.get(3) as number) });
    }
  return out;
}

/** The footer's first byte. */
export function parquetFooter(b: Uint8Array): number {
  return b.length - 8 - new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(b.length - 8, true);
}
