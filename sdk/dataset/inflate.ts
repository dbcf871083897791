/**
 * DEFLATE and gzip decoding that trusts nothing: the output size is declared up front (and
 * checked against the caller's budget before the buffer exists), a stream that inflates to more
 * or less than declared is refused, and the CRC-32 of what came out is compared with the stored
 * one — so a corrupted stream is an error, never different bytes.
 */
import { Inflate, inflateSync } from 'fflate';
import { crc32 } from './crc32.js';

/** Why a stream was refused (the caller adds the file and member or column). */
export class InflateError extends Error {
  override readonly name = 'InflateError';
}

/** Streams up to this size are inflated in one call into a buffer of the declared size. */
const ONE_CALL = 1024 * 1024;
/** Input fed to the streaming inflater at a time: a longer stream inflating past its declared size is stopped within one slice. */
const SLICE = 64 * 1024;
/** DEFLATE's largest expansion (a 258-byte match per 2 bits, rounded up). */
const MAX_RATIO = 1032;

/**
 * Inflates raw DEFLATE `data` that must decode to exactly `size` bytes, into a buffer of that
 * size. Neither memory nor time grows with what a corrupted or hostile stream would expand to:
 * a stream up to 1 MiB is inflated in one call (its output past the buffer is dropped, at most
 * ~1 GiB of work), a longer one in 64 KiB slices, stopped within the slice that overflows.
 */
export function inflateExact(data: Uint8Array, size: number): Uint8Array {
  if (data.length === 0) throw new InflateError('empty DEFLATE stream');
  if (size > data.length * MAX_RATIO + 1024)
    throw new InflateError(`${data.length} compressed bytes cannot inflate to the ${size} declared`);
  if (data.length <= ONE_CALL) {
    // One byte of room past the declared size tells a longer stream from an exact one.
    let got: Uint8Array;
    try {
      got = inflateSync(data, { out: new Uint8Array(size + 1) });
    } catch (err) {
      throw new InflateError(`corrupted DEFLATE data (${(err as Error).message})`);
    }
    if (got.length > size) throw new InflateError(`inflates to more than the ${size} bytes declared`);
    if (got.length < size) throw new InflateError(`inflates to ${got.length} bytes, ${size} declared`);
    return got;
  }
  const out = new Uint8Array(size);
  let got = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    if (over || got + chunk.length > size) {
      over = true;
      return;
    }
    out.set(chunk, got);
    got += chunk.length;
  });
  try {
    for (let p = 0; p < data.length && !over; p += SLICE) inflater.push(data.subarray(p, p + SLICE), p + SLICE >= data.length);
  } catch (err) {
    throw new InflateError(`corrupted DEFLATE data (${(err as Error).message})`);
  }
  if (over) throw new InflateError(`inflates to more than the ${size} bytes declared`);
  if (got < size) throw new InflateError(`inflates to ${got} bytes, ${size} declared`);
  return out;
}

/** Inflates deflated or stored bytes and checks them against the CRC-32 declared with them. */
export function inflateChecked(data: Uint8Array, size: number, crc: number, stored: boolean): Uint8Array {
  if (stored && data.length !== size) throw new InflateError(`stored with ${data.length} bytes, ${size} declared`);
  const out = stored ? data : inflateExact(data, size);
  const actual = crc32(out);
  if (actual !== crc >>> 0) throw new InflateError(`CRC-32 mismatch: stored ${hex(crc)}, data gives ${hex(actual)}`);
  return out;
}

/** Decodes one gzip member (RFC 1952) that must decode to `size` bytes, checking its header, CRC-32 and ISIZE. */
export function gunzipExact(data: Uint8Array, size: number): Uint8Array {
  if (data.length < 18 || data[0] !== 0x1f || data[1] !== 0x8b) throw new InflateError('not gzip data (bad magic)');
  if (data[2] !== 8) throw new InflateError(`gzip compression method ${data[2]}, only DEFLATE (8) exists`);
  const flags = data[3]!;
  if (flags & 0xe0) throw new InflateError(`gzip header has reserved flags 0x${flags.toString(16)}`);
  let p = 10;
  if (flags & 4) {
    if (p + 2 > data.length) throw new InflateError('gzip header is truncated');
    p += 2 + (data[p]! | (data[p + 1]! << 8));
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    while (p < data.length && data[p] !== 0) p++;
    p++;
  }
  if (flags & 2) {
    if (p + 2 > data.length) throw new InflateError('gzip header is truncated');
    if ((crc32(data.subarray(0, p)) & 0xffff) !== (data[p]! | (data[p + 1]! << 8))) throw new InflateError('gzip header CRC mismatch');
    p += 2;
  }
  if (p + 8 > data.length) throw new InflateError('gzip header runs past the data');
  const n = data.length;
  const declared = u32(data, n - 4);
  if (declared !== size) throw new InflateError(`gzip trailer declares ${declared} bytes, ${size} expected`);
  return inflateChecked(data.subarray(p, n - 8), size, u32(data, n - 8), false);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
