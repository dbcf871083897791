/**
 * A zip reader for `.npz` archives that checks everything it relies on: the end record, the
 * central directory (zip64 included, as numpy writes it), each local header against its central
 * entry, the declared sizes against the reader's budget (before inflating), and every member's
 * CRC-32 against the bytes it inflates to. Stored and deflated members; nothing else.
 */
import { TickmindError } from '../core/index.js';
import { InflateError, inflateChecked } from './inflate.js';
import type { ByteBudget } from './limits.js';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

interface Entry {
  name: string;
  nameBytes: Uint8Array;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** The members of a zip archive by name, each inflated and CRC-checked; `file` names it in errors, `kind` what it should be. */
export function readZip(bytes: Uint8Array, file: string, budget: ByteBudget, kind = 'zip'): Map<string, Uint8Array> {
  const fail = (message: string, member?: string): never => {
    const where = member !== undefined ? `${file}: member '${member}'` : file;
    throw new TickmindError('IO', `${where}: ${message}`, { file, ...(member !== undefined ? { field: member } : {}) });
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (p: number) => view.getUint16(p, true);
  const u32 = (p: number) => view.getUint32(p, true);
  const u64 = (p: number, what: string): number => {
    const v = view.getBigUint64(p, true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : fail(`zip64 ${what} ${v} is not a usable size`);
  };
  const end = findEnd(bytes, view) ?? fail(`not a readable ${kind} archive: no end-of-central-directory record (truncated, or not a zip)`);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0 || u16(end + 8) !== u16(end + 10)) fail('multi-disk archives are not supported');
  let count = u16(end + 10);
  let cdSize = u32(end + 12);
  let cdOffset = u32(end + 16);
  let cdLimit = end;
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const loc = end - 20;
    if (loc < 0 || u32(loc) !== ZIP64_LOCATOR) fail('the end record points to a zip64 record that is missing');
    const rec = u64(loc + 8, 'end record offset');
    if (rec + 56 > loc || u32(rec) !== ZIP64_EOCD) fail('corrupted zip64 end record');
    count = u64(rec + 32, 'entry count');
    cdSize = u64(rec + 40, 'central directory size');
    cdOffset = u64(rec + 48, 'central directory offset');
    cdLimit = rec;
  }
  if (cdOffset + cdSize !== cdLimit)
    fail(`central directory (${cdSize} bytes at ${cdOffset}) does not end where the end record starts (${cdLimit})`);
  if (count * 46 > cdSize) fail(`${count} entries cannot fit in a central directory of ${cdSize} bytes`);
  const entries: Entry[] = [];
  const names = new Set<string>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdLimit || u32(p) !== CENTRAL) fail(`central directory entry ${i} is corrupted`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const n = u16(p + 28);
    const m = u16(p + 30);
    const k = u16(p + 32);
    if (p + 46 + n + m + k > cdLimit) fail(`central directory entry ${i} runs past the directory`);
    const nameBytes = bytes.subarray(p + 46, p + 46 + n);
    const name = utf8(nameBytes) ?? fail(`central directory entry ${i} has a name that is not UTF-8`);
    if (names.has(name)) fail('appears twice in the archive', name);
    names.add(name);
    if (flags & 0x41) fail('is encrypted', name);
    if (method !== 0 && method !== 8) fail(`uses compression method ${method}; only stored (0) and deflate (8) are read`, name);
    const big = { size: u32(p + 24), compressedSize: u32(p + 20), offset: u32(p + 42) };
    if (big.size === MAX32 || big.compressedSize === MAX32 || big.offset === MAX32)
      zip64Sizes(bytes.subarray(p + 46 + n, p + 46 + n + m), big, name, fail);
    if (u16(p + 34) !== 0 && u16(p + 34) !== 0xffff) fail('starts on another disk', name);
    entries.push({ name, nameBytes, method, crc: u32(p + 16), ...big });
    p += 46 + n + m + k;
  }
  if (p !== cdLimit) fail(`central directory holds ${cdLimit - p} bytes after its ${count} entries`);
  for (const e of entries) budget.take(e.size, `member '${e.name}'`, e.name);
  const out = new Map<string, Uint8Array>();
  for (const e of entries) {
    const h = e.offset;
    if (h + 30 > cdOffset || u32(h) !== LOCAL) fail(`local header at byte ${h} is missing or corrupted`, e.name);
    const n = u16(h + 26);
    const m = u16(h + 28);
    const start = h + 30 + n + m;
    if (start > cdOffset || !sameBytes(bytes.subarray(h + 30, h + 30 + n), e.nameBytes)) fail('local header names another member', e.name);
    if (u16(h + 8) !== e.method) fail('local header and central directory disagree on the compression method', e.name);
    if ((u16(h + 6) & 8) === 0) {
      if (u32(h + 14) !== e.crc) fail('local header and central directory disagree on the CRC-32', e.name);
      for (const [at, value] of [
        [h + 18, e.compressedSize],
        [h + 22, e.size],
      ] as const)
        if (u32(at) !== MAX32 && u32(at) !== value) fail('local header and central directory disagree on the size', e.name);
    }
    if (start + e.compressedSize > cdOffset) fail(`its ${e.compressedSize} compressed bytes run past the archive's data`, e.name);
    try {
      out.set(e.name, inflateChecked(bytes.subarray(start, start + e.compressedSize), e.size, e.crc, e.method === 0));
    } catch (err) {
      if (!(err instanceof InflateError)) throw err;
      fail(err.message, e.name);
    }
  }
  return out;
}

/** The end-of-central-directory record: the last signature whose comment length reaches the end exactly. */
function findEnd(bytes: Uint8Array, view: DataView): number | undefined {
  for (let e = bytes.length - 22; e >= 0 && e >= bytes.length - 22 - 0xffff; e--)
    if (view.getUint32(e, true) === EOCD && e + 22 + view.getUint16(e + 20, true) === bytes.length) return e;
  return undefined;
}

/** Replaces the 32-bit fields set to 0xFFFFFFFF with the zip64 extra field's 64-bit values (in its order). */
function zip64Sizes(
  extra: Uint8Array,
  big: { size: number; compressedSize: number; offset: number },
  name: string,
  fail: (m: string, member?: string) => never,
): void {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (p + 4 + size > extra.length) break;
    if (id === 1) {
      let q = p + 4;
      for (const key of ['size', 'compressedSize', 'offset'] as const) {
        if (big[key] !== MAX32) continue;
        if (q + 8 > p + 4 + size) fail('zip64 extra field is too short', name);
        const v = view.getBigUint64(q, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`zip64 ${key} ${v} is not a usable size`, name);
        big[key] = Number(v);
        q += 8;
      }
      return;
    }
    p += 4 + size;
  }
  fail('sizes are 0xFFFFFFFF but there is no zip64 extra field', name);
}

function utf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
