/**
 * A reader of the protobuf wire format over a Uint8Array, for the ONNX messages in
 * proto-read*.ts. It trusts nothing in the bytes: every declared length is checked against what
 * is left of the enclosing message before anything is allocated, nesting is bounded, and every
 * malformed input (truncated varint, wire type 6 or 7, a length past the end) is a
 * `TickmindError('MODEL_DECODE')` naming the field and the byte offset.
 */
import { TickmindError } from '../../core/errors.js';

/** Wire types (the low 3 bits of a tag). */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** Deepest nesting of messages (and groups) accepted; protobuf's own parsers default to 100 too. */
export const MAX_DEPTH = 100;

const TWO_32 = 4294967296;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Reads protobuf fields from `bytes`; `end` is the end of the message being read. */
export class WireReader {
  /** Read position. */
  pos = 0;
  /** End of the current message (exclusive). */
  end: number;
  /** High 32 bits of the last varint read by {@link WireReader.varint64}. */
  private hi = 0;
  private depth = 0;
  private view: DataView | undefined;

  constructor(private readonly bytes: Uint8Array) {
    this.end = bytes.length;
  }

  /** Whether the current message has more fields. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads a field's tag (`field << 3 | wire`), refusing field number 0 and wire types 6 and 7. */
  tag(where: string): number {
    const tag = this.uint32(where);
    if (tag >>> 3 === 0) this.fail(`${where}: field number 0`, where);
    if ((tag & 7) > 5) this.fail(`${where}: invalid wire type ${tag & 7} (field ${tag >>> 3})`, where);
    return tag;
  }

  /** A varint's low 32 bits as an unsigned number (tags, enums; int32 is `uint32() | 0`). */
  uint32(field: string): number {
    if (this.pos < this.end) {
      const b = this.bytes[this.pos]!;
      if (b < 0x80) {
        this.pos++;
        return b;
      }
    }
    return this.varint64(field);
  }

  /** An int64 varint as a number: exact up to 2^53, the nearest double beyond (as decoding always did). */
  int64(field: string): number {
    if (this.pos < this.end) {
      const b = this.bytes[this.pos]!;
      if (b < 0x80) {
        this.pos++;
        return b;
      }
    }
    const lo = this.varint64(field);
    return (this.hi | 0) * TWO_32 + lo;
  }

  /** An int64 varint as its two 32-bit words, pushed onto `out` low word first (exact for any value). */
  int64Words(field: string, out: number[]): void {
    const lo = this.varint64(field);
    out.push(lo | 0, this.hi | 0);
  }

  /**
   * Reads a varint of up to 10 bytes; returns its low 32 bits unsigned and leaves the high 32 in
   * `hi`. Bits past 64 are dropped, as every protobuf parser does.
   */
  private varint64(field: string): number {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) this.truncated(field);
      b = bytes[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.done(pos, lo, 0);
    }
    if (pos >= end) this.truncated(field);
    b = bytes[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return this.done(pos, lo, hi);
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) this.truncated(field);
      b = bytes[pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.done(pos, lo, hi);
    }
    this.pos = pos;
    return this.fail(`${field}: varint longer than 10 bytes at byte ${pos - 10}`, field);
  }

  private done(pos: number, lo: number, hi: number): number {
    this.pos = pos;
    this.hi = hi;
    return lo >>> 0;
  }

  /** A fixed32 float. */
  float(field: string): number {
    const at = this.take(4, field);
    return this.dataView().getFloat32(at, true);
  }

  /** A fixed64 double. */
  double(field: string): number {
    const at = this.take(8, field);
    return this.dataView().getFloat64(at, true);
  }

  /** A length-delimited field's body as a view into the input (no copy). */
  bytesView(field: string): Uint8Array {
    const n = this.length(field);
    const at = this.pos;
    this.pos += n;
    return this.bytes.subarray(at, at + n);
  }

  /** A length-delimited field as UTF-8 text (malformed sequences become U+FFFD). */
  string(field: string): string {
    const n = this.length(field);
    const bytes = this.bytes;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    if (n <= 12) {
      // Op types and short names: appending chars beats a TextDecoder call, and below 13 chars
      // V8 keeps the result flat (longer appends build ropes that are slow to hash in decode's Sets).
      let s = '';
      for (let i = start; i < end; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8.decode(bytes.subarray(start, end));
  }

  /**
   * Reads an embedded message with `read`, bounded to its declared length and to {@link MAX_DEPTH};
   * the message must end exactly at that length.
   */
  message<T>(field: string, read: (r: WireReader) => T): T {
    const n = this.length(field);
    const outerEnd = this.end;
    if (++this.depth > MAX_DEPTH) this.fail(`${field}: messages nested more than ${MAX_DEPTH} deep`, field);
    this.end = this.pos + n;
    const value = read(this);
    this.end = outerEnd;
    this.depth--;
    return value;
  }

  /** Appends a repeated int64 field (packed or not: parsers must accept both) to `out`, as {@link WireReader.int64} reads them. */
  int64s(tag: number, field: string, out: number[]): void {
    if ((tag & 7) === WIRE.VARINT) {
      out.push(this.int64(field));
      return;
    }
    const outerEnd = this.packed(tag, 1, field);
    while (this.pos < this.end) out.push(this.int64(field));
    this.end = outerEnd;
  }

  /** Appends a repeated int64 field to `out` as word pairs (see {@link WireReader.int64Words}). */
  int64sWords(tag: number, field: string, out: number[]): void {
    if ((tag & 7) === WIRE.VARINT) {
      this.int64Words(field, out);
      return;
    }
    const outerEnd = this.packed(tag, 1, field);
    while (this.pos < this.end) this.int64Words(field, out);
    this.end = outerEnd;
  }

  /** Appends a repeated int32 field to `out`. */
  int32s(tag: number, field: string, out: number[]): void {
    if ((tag & 7) === WIRE.VARINT) {
      out.push(this.uint32(field) | 0);
      return;
    }
    const outerEnd = this.packed(tag, 1, field);
    while (this.pos < this.end) out.push(this.uint32(field) | 0);
    this.end = outerEnd;
  }

  /** Appends a repeated float field to `out`. */
  floats(tag: number, field: string, out: number[]): void {
    if ((tag & 7) === WIRE.I32) {
      out.push(this.float(field));
      return;
    }
    const outerEnd = this.packed(tag, 4, field);
    const view = this.dataView();
    for (let at = this.pos; at < this.end; at += 4) out.push(view.getFloat32(at, true));
    this.pos = this.end;
    this.end = outerEnd;
  }

  /** Appends a repeated double field to `out`. */
  doubles(tag: number, field: string, out: number[]): void {
    if ((tag & 7) === WIRE.I64) {
      out.push(this.double(field));
      return;
    }
    const outerEnd = this.packed(tag, 8, field);
    const view = this.dataView();
    for (let at = this.pos; at < this.end; at += 8) out.push(view.getFloat64(at, true));
    this.pos = this.end;
    this.end = outerEnd;
  }

  /**
   * Enters a packed run: checks the wire type and that the run's length is within the message
   * and a multiple of `size` bytes, then bounds reading to the run. Returns the outer end.
   */
  private packed(tag: number, size: number, field: string): number {
    if ((tag & 7) !== WIRE.LEN) this.wrongWire(tag, field);
    const n = this.length(field);
    if (n % size !== 0) this.fail(`${field}: packed run of ${n} bytes is not a multiple of ${size}`, field);
    const outerEnd = this.end;
    this.end = this.pos + n;
    return outerEnd;
  }

  /** Throws unless the tag's wire type is `wire` (a known field sent with the wrong type is corrupt). */
  expect(tag: number, wire: number, field: string): void {
    if ((tag & 7) !== wire) this.wrongWire(tag, field);
  }

  /** Skips a field of any wire type (unknown fields, and known ones tickmind does not read). */
  skip(tag: number, where: string): void {
    switch (tag & 7) {
      case WIRE.VARINT:
        this.varint64(where);
        return;
      case WIRE.I64:
        this.take(8, where);
        return;
      case WIRE.LEN: {
        const n = this.length(where); // before reading pos: the prefix moves it
        this.pos += n;
        return;
      }
      case WIRE.I32:
        this.take(4, where);
        return;
      case WIRE.SGROUP: {
        if (++this.depth > MAX_DEPTH) this.fail(`${where}: groups nested more than ${MAX_DEPTH} deep`, where);
        for (;;) {
          if (this.pos >= this.end) this.truncated(where);
          const inner = this.tag(where);
          if ((inner & 7) === WIRE.EGROUP) {
            if (inner >>> 3 !== tag >>> 3) this.fail(`${where}: group ${tag >>> 3} closed by end-group ${inner >>> 3}`, where);
            break;
          }
          this.skip(inner, where);
        }
        this.depth--;
        return;
      }
      default:
        this.fail(`${where}: unexpected end-group (field ${tag >>> 3}) at byte ${this.pos}`, where);
    }
  }

  /** Reads a length prefix and checks it against the bytes left in the current message. */
  private length(field: string): number {
    const at = this.pos;
    let n: number;
    if (at < this.end && this.bytes[at]! < 0x80) {
      n = this.bytes[at]!;
      this.pos = at + 1;
    } else {
      const lo = this.varint64(field);
      n = (this.hi >>> 0) * TWO_32 + lo;
    }
    const left = this.end - this.pos;
    if (n > left) this.fail(`${field} at byte ${at} declares ${n} bytes but only ${left} remain`, field);
    return n;
  }

  /** Advances past `n` bytes of the current message, returning where they start. */
  private take(n: number, field: string): number {
    const at = this.pos;
    if (n > this.end - at) this.truncated(field);
    this.pos = at + n;
    return at;
  }

  private dataView(): DataView {
    this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.view;
  }

  private wrongWire(tag: number, field: string): never {
    return this.fail(`${field} has wire type ${tag & 7} at byte ${this.pos}`, field);
  }

  private truncated(field: string): never {
    return this.fail(`${field} is truncated at byte ${this.pos}`, field);
  }

  private fail(detail: string, field: string): never {
    throw new TickmindError('MODEL_DECODE', `not a valid ONNX protobuf (truncated or corrupt): ${detail}`, { field });
  }
}
