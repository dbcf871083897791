/**
 * Parquet's RLE / bit-packed hybrid encoding of repetition and definition levels, read one level
 * at a time without allocating: enough to check that a LIST column holds the same number of
 * values in every row and no empty lists; runs of equal levels are skipped in bulk.
 */

/** Reads levels of `bitWidth` bits from one encoded stream; `next` returns -1 past its end. */
export class LevelReader {
  private pos = 0;
  private left = 0;
  private packed = false;
  private value = 0;
  private bit = 0;
  private readonly valueBytes: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly bitWidth: number,
  ) {
    this.valueBytes = Math.ceil(bitWidth / 8);
  }

  /** The next level, or -1 when the stream is exhausted or malformed. */
  next(): number {
    while (this.left === 0) if (!this.run()) return -1;
    this.left--;
    if (!this.packed) return this.value;
    let v = 0;
    for (let b = 0; b < this.bitWidth; b++, this.bit++) v |= ((this.bytes[this.bit >> 3]! >> (this.bit & 7)) & 1) << b;
    return v;
  }

  /**
   * Consumes up to `max` levels equal to `value`, stopping before the first other level (or the
   * end of the stream); returns how many. Whole RLE runs and all-equal bytes go at once.
   */
  skip(value: number, max: number): number {
    let n = 0;
    while (n < max) {
      if (this.left === 0 && !this.run()) break;
      if (!this.packed) {
        if (this.value !== value) break;
        const k = Math.min(this.left, max - n);
        this.left -= k;
        n += k;
        continue;
      }
      if (
        this.bitWidth === 1 &&
        (this.bit & 7) === 0 &&
        this.left >= 8 &&
        max - n >= 8 &&
        this.bytes[this.bit >> 3] === (value === 1 ? 0xff : 0)
      ) {
        this.bit += 8;
        this.left -= 8;
        n += 8;
        continue;
      }
      if (this.peek() !== value) break;
      this.next();
      n++;
    }
    return n;
  }

  /** The next level of the current bit-packed run, without consuming it. */
  private peek(): number {
    let v = 0;
    for (let b = 0; b < this.bitWidth; b++) v |= ((this.bytes[(this.bit + b) >> 3]! >> ((this.bit + b) & 7)) & 1) << b;
    return v;
  }

  /** Starts the next run; false at the end of the stream or when the run does not fit in it. */
  private run(): boolean {
    let header = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i === 5 || this.pos >= this.bytes.length) return false;
      const b = this.bytes[this.pos++]!;
      header += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 128;
    }
    if (header % 2 === 1) {
      const groups = (header - 1) / 2;
      const size = groups * this.bitWidth;
      if (this.pos + size > this.bytes.length) return false;
      this.packed = true;
      this.left = groups * 8;
      this.bit = this.pos * 8;
      this.pos += size;
      return true;
    }
    if (this.pos + this.valueBytes > this.bytes.length) return false;
    this.packed = false;
    this.left = header / 2;
    this.value = 0;
    for (let i = 0; i < this.valueBytes; i++) this.value |= this.bytes[this.pos++]! << (8 * i);
    return true;
  }
}
