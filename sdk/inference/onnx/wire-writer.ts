/**
 * A writer of the protobuf wire format into a growing buffer, for encode.ts. Fields are written
 * in the order they are called; repeated numbers go out packed. An embedded message reserves
 * five bytes for its length, is written in place, then slides back over the unused ones.
 */
import { TickmindError } from '../../core/errors.js';
import { WIRE } from './wire-reader.js';

const TWO_32 = 4294967296;
/** Most bytes a length prefix can take. */
const LENGTH_BYTES = 5;
/** Protobuf's limit on one message (and so on an ONNX file without external data). */
const MAX_MESSAGE = 2 ** 31 - 1;
const utf8 = new TextEncoder();

/** Writes protobuf fields; {@link WireWriter.finish} returns the bytes. */
export class WireWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  /** `capacity`: a guess of the final size, to spare regrowing the buffer. */
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(capacity, 64));
    this.view = new DataView(this.buf.buffer);
  }

  /** A varint field holding an int64 (negative values take ten bytes, as protobuf requires). */
  int64(field: number, value: number): void {
    this.key(field, WIRE.VARINT);
    this.int64Value(value);
  }

  /** A varint field holding an int32 or enum. */
  int32(field: number, value: number): void {
    this.key(field, WIRE.VARINT);
    this.int64Value(value | 0);
  }

  /** A fixed32 float field. */
  float(field: number, value: number): void {
    this.key(field, WIRE.I32);
    this.reserve(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  /** A length-delimited UTF-8 string field. */
  string(field: number, value: string): void {
    this.key(field, WIRE.LEN);
    const n = value.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (value.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.varint(n);
      this.reserve(n);
      for (let i = 0; i < n; i++) this.buf[this.pos + i] = value.charCodeAt(i);
      this.pos += n;
      return;
    }
    this.bytesValue(utf8.encode(value));
  }

  /** A length-delimited bytes field. */
  bytes(field: number, value: Uint8Array): void {
    this.key(field, WIRE.LEN);
    this.bytesValue(value);
  }

  /** A packed repeated int64 field; nothing is written for an empty list. */
  packedInt64(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.key(field, WIRE.LEN);
    const start = this.open();
    for (const v of values) this.int64Value(v);
    this.close(start);
  }

  /** A packed repeated float field; nothing is written for an empty list. */
  packedFloat(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.key(field, WIRE.LEN);
    this.varint(values.length * 4);
    this.reserve(values.length * 4);
    for (const v of values) {
      this.view.setFloat32(this.pos, v, true);
      this.pos += 4;
    }
  }

  /** An embedded message field whose body `write` produces. */
  message(field: number, write: () => void): void {
    this.key(field, WIRE.LEN);
    const start = this.open();
    write();
    this.close(start);
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private key(field: number, wire: number): void {
    this.varint(((field << 3) | wire) >>> 0);
  }

  private bytesValue(value: Uint8Array): void {
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Reserves the length prefix of a length-delimited body; returns where the body starts. */
  private open(): number {
    this.reserve(LENGTH_BYTES);
    this.pos += LENGTH_BYTES;
    return this.pos;
  }

  /** Writes the length of the body begun at `start`, moving the body back over unused prefix bytes. */
  private close(start: number): void {
    const length = this.pos - start;
    if (length > MAX_MESSAGE) throw new TickmindError('MODEL_LIMIT', `a message of ${length} bytes is over protobuf's 2 GiB limit`);
    const prefix = varintSize(length);
    const at = start - LENGTH_BYTES;
    if (prefix < LENGTH_BYTES) this.buf.copyWithin(at + prefix, start, this.pos);
    this.pos = at;
    this.varint(length);
    this.pos += length;
  }

  /** An unsigned varint below 2^32. */
  private varint(v: number): void {
    this.reserve(LENGTH_BYTES);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /**
   * An int64 varint. Non-integers are truncated toward zero and values are taken modulo 2^64,
   * as the generated protobuf code tickmind used before did, so files stay byte-identical.
   */
  private int64Value(value: number): void {
    if (value >= 0 && value < 0x80000000 && Number.isInteger(value)) {
      this.varint(value);
      return;
    }
    const negative = value < 0;
    const abs = negative ? -value : value;
    let lo = abs >>> 0;
    let hi = ((abs - lo) / TWO_32) >>> 0;
    if (negative) {
      // two's complement of the 64-bit magnitude
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    }
    this.reserve(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo >= 0x80) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}
