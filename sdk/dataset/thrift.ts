/**
 * A reader for Thrift's compact protocol, enough for Parquet footers and page headers: structs
 * come back as maps from field id to value (numbers for i8–i64, strings for binary, arrays for
 * lists). Every length is checked against the bytes left before anything is built, and what is
 * built is charged to the reader's budget. Errors say where in the buffer decoding failed.
 */
import { TickmindError } from '../core/index.js';
import type { ByteBudget } from './limits.js';

/** A decoded Thrift value. */
export type ThriftValue = number | boolean | string | Uint8Array | ThriftValue[] | ThriftStruct;
/** A decoded struct: field id → value. */
export type ThriftStruct = Map<number, ThriftValue>;

const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;
/** Most elements of one list or map (pyarrow's default container limit). */
const MAX_CONTAINER = 1_000_000;
/** Bytes charged per decoded value: a rough size of a JS value in a Map or array. */
const VALUE_COST = 48;

/** Reads compact-protocol values from `bytes` starting at `pos`. */
export class CompactReader {
  constructor(
    private readonly bytes: Uint8Array,
    /** Read position. */
    public pos: number,
    /** The file, for errors. */
    private readonly file: string,
    /** What is being read (e.g. "footer"), for errors. */
    private readonly part: string,
    private readonly budget?: ByteBudget,
  ) {}

  /** Reads one struct (up to its stop field). */
  readStruct(depth = 0): ThriftStruct {
    if (depth > 32) this.fail('structs nested too deeply');
    const out: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return out;
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag(this.varint()) : last + delta;
      if (id < -32768 || id > 32767) this.fail(`field id ${id} is out of range`);
      last = id;
      out.set(id, this.value(type, depth));
    }
  }

  private value(type: number, depth: number): ThriftValue {
    this.budget?.take(VALUE_COST, `Thrift metadata (${this.part})`);
    switch (type) {
      case T.TRUE:
        return true;
      case T.FALSE:
        return false;
      case T.BYTE: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case T.I16:
      case T.I32:
      case T.I64:
        return this.zigzag(this.varint());
      case T.DOUBLE: {
        this.need(8);
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case T.BINARY: {
        const n = this.varint();
        this.need(n);
        this.budget?.take(2 * n, `Thrift metadata (${this.part})`);
        const raw = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        return new TextDecoder().decode(raw);
      }
      case T.LIST:
      case T.SET: {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const elem = header & 0x0f;
        // Every element takes at least one byte, so a longer list cannot be in the data.
        this.container(size, 1);
        const list: ThriftValue[] = [];
        for (let i = 0; i < size; i++) list.push(elem === T.TRUE || elem === T.FALSE ? this.byte() === 1 : this.value(elem, depth + 1));
        return list;
      }
      case T.MAP: {
        const size = this.varint();
        if (size === 0) return [];
        const kv = this.byte();
        this.container(size, 2);
        const list: ThriftValue[] = [];
        for (let i = 0; i < size; i++) list.push([this.value(kv >> 4, depth + 1), this.value(kv & 0x0f, depth + 1)]);
        return list;
      }
      case T.STRUCT:
        return this.readStruct(depth + 1);
      default:
        return this.fail(`unknown field type ${type}`);
    }
  }

  private container(size: number, minBytesEach: number): void {
    if (size > MAX_CONTAINER) this.fail(`a container of ${size} elements is past the limit of ${MAX_CONTAINER}`);
    if (size * minBytesEach > this.bytes.length - this.pos) this.fail(`a container of ${size} elements is longer than the data left`);
  }

  private byte(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  private varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  private zigzag(n: number): number {
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail('truncated');
  }

  private fail(message: string): never {
    throw new TickmindError('IO', `${this.file} (${this.part}): Thrift data at byte ${this.pos}: ${message}`, {
      file: this.file,
      field: this.part,
    });
  }
}
