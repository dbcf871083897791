/** Issue 20: CRC-32 checks, size limits and coded errors in every dataset reader. */
import { deflateSync, zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { TickmindError } from '../../sdk/core/index.js';
import { crc32 } from '../../sdk/dataset/crc32.js';
import {
  datasetFromNpz,
  datasetToNpz,
  readLeRobot,
  readNpy,
  readNpz,
  readParquet,
  writeNpy,
  writeNpz,
  writeParquet,
} from '../../sdk/dataset/index.js';
import { inflateExact } from '../../sdk/dataset/inflate.js';
import { lerobotFiles, record, spec, withFile } from './dataset-fixture.js';
import { parquetFooter, parquetPages, zipMembers } from './file-layout.js';

/** The coded error `f` throws (fails the test on a plain Error or no error). */
function refusal(f: () => unknown): TickmindError {
  try {
    f();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(TickmindError);
    return err as TickmindError;
  }
  throw new Error('expected a refusal');
}

async function refusalAsync(p: Promise<unknown>): Promise<TickmindError> {
  try {
    await p;
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(TickmindError);
    return err as TickmindError;
  }
  throw new Error('expected a refusal');
}

const DATA = 'data/chunk-000/file-000.parquet';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe('CRC-32', () => {
  it('matches the standard check values', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const a = new TextEncoder().encode('hello ');
    const b = new TextEncoder().encode('world');
    expect(crc32(b, crc32(a))).toBe(crc32(new TextEncoder().encode('hello world')));
  });

  it('a corrupted deflated or stored .npz member is refused naming the archive and the member, never read as other data', () => {
    for (const compress of [true, false]) {
      const good = writeNpz({ x: { dtype: 'float32', dims: [64], data: new Float32Array(64).map((_, i) => i) } }, compress);
      const [m] = zipMembers(good);
      const bad = good.slice();
      bad[m!.data + m!.size - 3]! ^= 0x01; // the last bytes of the member's data
      const err = refusal(() => readNpz(bad, 'x.npz'));
      expect(err.code).toBe('IO');
      expect(err.message).toMatch(/x\.npz: member 'x\.npy'/);
      expect(err.location).toMatchObject({ file: 'x.npz', field: 'x.npy' });
    }
  });

  it('a zeroed or swapped CRC in the central directory or a local header is refused', () => {
    const good = writeNpz({
      a: { dtype: 'int32', dims: [3], data: new Int32Array([1, 2, 3]) },
      b: { dtype: 'int32', dims: [3], data: new Int32Array([4, 5, 6]) },
    });
    const [a, b] = zipMembers(good);
    const zeroCentral = good.slice();
    zeroCentral.fill(0, a!.central + 16, a!.central + 20);
    expect(refusal(() => readNpz(zeroCentral, 'z.npz')).message).toMatch(
      /member 'a\.npy': local header and central directory disagree on the CRC-32/,
    );
    const zeroBoth = zeroCentral.slice();
    zeroBoth.fill(0, a!.local + 14, a!.local + 18);
    expect(refusal(() => readNpz(zeroBoth, 'z.npz')).message).toMatch(/member 'a\.npy': CRC-32 mismatch/);
    const swapped = good.slice();
    for (const [from, to] of [
      [a!.central + 16, b!.central + 16],
      [a!.local + 14, b!.local + 14],
    ] as const) {
      const t = swapped.slice(from, from + 4);
      swapped.copyWithin(from, to, to + 4);
      swapped.set(t, to);
    }
    expect(refusal(() => readNpz(swapped, 'z.npz')).message).toMatch(/CRC-32 mismatch/);
  });

  it('a corrupted GZIP page of a Parquet file is refused naming the file and the column (trailer CRC, length, data)', () => {
    const good = writeParquet([{ name: 'v', type: 'FLOAT', width: 1, data: new Float32Array(32).map((_, i) => i) }], 32);
    const [page] = parquetPages(good);
    const crc = good.slice();
    crc[page!.end - 6]! ^= 0xff;
    const length = good.slice();
    length[page!.end - 4]! ^= 0x01;
    const data = good.slice();
    data[page!.end - 10]! ^= 0x01;
    for (const bad of [crc, length, data]) {
      const err = refusal(() => readParquet(bad, 'p.parquet'));
      expect(err.message).toMatch(/p\.parquet: column 'v'/);
      expect(err.location).toMatchObject({ file: 'p.parquet', field: 'v' });
    }
  });

  it('a byte flipped in a data file makes readLeRobot refuse the dataset, naming the file and column', async () => {
    const { files } = await lerobotFiles([[5, 3]]);
    const good = files.files.get(DATA)!;
    const page = parquetPages(good).find((p) => p.column === 'observation.state')!;
    const bad = good.slice();
    bad[page.end - 12]! ^= 0x20;
    const err = await refusalAsync(readLeRobot(withFile(files, DATA, bad)));
    expect(err.message).toMatch(/ds\/data\/chunk-000\/file-000\.parquet: column 'observation\.state': corrupted GZIP page/);
  });
});

describe('size limits', () => {
  it('.npy shapes: negative, non-integer, overflowing or larger than the data are refused before any allocation', () => {
    const npy = (shape: string, data = 4) => {
      const h = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`.padEnd(117, ' ');
      const b = new Uint8Array(128 + data);
      b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
      b.set(new TextEncoder().encode(`${h}\n`), 10);
      return b;
    };
    for (const shape of ['(-1023,)', '(3.5,)', '(1e3,)', '(99999999999999999999,)', '(4294967296, 4294967296, 4294967296)', '(x,)', '(,)'])
      expect(refusal(() => readNpy(npy(shape), 's.npy')).message, shape).toMatch(/s\.npy: (shape|data)/);
    expect(readNpy(npy('(1,)'), 's.npy').dims).toEqual([1]);
    expect(refusal(() => readNpy(npy('(2,)'), 's.npy')).message).toMatch(/truncated/);
    expect(refusal(() => readNpy(npy('(1,)', 8), 's.npy')).message).toMatch(/extra bytes/);
    expect(refusal(() => readNpy(npy('(1,)'), 's.npy', { maxBytes: 2 })).code).toBe('MODEL_LIMIT');
  });

  it('a zip member declaring 1.5 GiB is refused with MODEL_LIMIT before anything of that size is allocated', () => {
    const good = writeNpz({ x: { dtype: 'float32', dims: [4], data: new Float32Array(4) } });
    const [m] = zipMembers(good);
    const bad = good.slice();
    const v = new DataView(bad.buffer);
    v.setUint32(m!.central + 24, 0x60000000, true);
    v.setUint32(m!.local + 22, 0x60000000, true);
    const before = process.memoryUsage().arrayBuffers;
    const err = refusal(() => readNpz(bad, 'big.npz'));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
    expect(err.code).toBe('MODEL_LIMIT');
    expect(err.message).toMatch(/big\.npz: member 'x\.npy' needs 1610612736 bytes, past the reader's limit of 536870912 bytes/);
    // Declared smaller than it inflates to, or larger: refused either way.
    v.setUint32(m!.central + 24, 20, true);
    v.setUint32(m!.local + 22, 20, true);
    expect(refusal(() => readNpz(bad, 'big.npz')).message).toMatch(/inflates to more than the 20 bytes declared/);
  });

  it('a DEFLATE bomb is stopped within one input slice, and a size no stream could reach is refused unallocated', () => {
    const bomb = deflateSync(new Uint8Array(64 * 2 ** 20)); // 64 MiB of zeros in about 64 kB
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    expect(() => inflateExact(bomb, 1000)).toThrow(/inflates to more than the 1000 bytes declared/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(128 * 2 ** 20);
    expect(() => inflateExact(new Uint8Array(10), 2 ** 30)).toThrow(/10 compressed bytes cannot inflate to the 1073741824 declared/);
  });

  it('streams past 1 MiB are inflated in slices: exact bytes, or refused past or short of the declared size', () => {
    const raw = new Uint8Array(3 * 2 ** 20);
    let x = 1;
    for (let i = 0; i < raw.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      raw[i] = x >>> 24;
    }
    const z = deflateSync(raw);
    expect(z.length).toBeGreaterThan(2 ** 20);
    expect(Buffer.from(inflateExact(z, raw.length)).equals(Buffer.from(raw))).toBe(true);
    expect(() => inflateExact(z, raw.length - 1)).toThrow(/inflates to more than/);
    expect(() => inflateExact(z, raw.length + 1)).toThrow(/inflates to 3145728 bytes, 3145729 declared/);
    expect(() => inflateExact(z.subarray(0, z.length - 100), raw.length)).toThrow(/corrupted DEFLATE data/);
  });

  it('maxBytes bounds every reader', async () => {
    const d = { spec, episodes: record([5, 3]) };
    expect(refusal(() => datasetFromNpz(datasetToNpz(d), 'd.npz', { maxBytes: 1000 })).code).toBe('MODEL_LIMIT');
    const { files } = await lerobotFiles([[5, 3]]);
    expect((await refusalAsync(readLeRobot(files, { maxBytes: 600 }))).code).toBe('MODEL_LIMIT');
    expect(refusal(() => readParquet(files.files.get(DATA)!, 'p', { maxBytes: 100 })).code).toBe('MODEL_LIMIT');
    expect(refusal(() => readNpz(datasetToNpz(d), 'd.npz', { maxBytes: -1 })).code).toBe('INVALID_ARGUMENT');
  });

  it('Parquet sizes and Thrift lengths past the data are refused: footer length, list sizes, page sizes', () => {
    const good = writeParquet([{ name: 'v', type: 'INT64', width: 1, data: [1, 2, 3] }], 3);
    const footer = parquetFooter(good);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(huge.length - 8, 0xfffffff0, true);
    expect(refusal(() => readParquet(huge, 'f.parquet')).message).toMatch(/footer length/);
    const [page] = parquetPages(good);
    // Any footer or page-header byte set to a list size, a length or a varint continuation.
    for (const i of [...range(footer, good.length - 8), ...range(page!.header, page!.body)])
      for (const byte of [0x00, 0x7f, 0xf9, 0xff]) {
        const bad = good.slice();
        bad[i] = byte;
        try {
          const t = readParquet(bad, 'f.parquet');
          expect(Array.from(t.columns.get('v')!.values as Float64Array)).toEqual([1, 2, 3]);
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(TickmindError);
        }
      }
  });
});

describe('Parquet LIST levels', () => {
  it('a LIST column whose rows differ in length is refused, not read as a fixed width', () => {
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          {
            name: 'v',
            data: [
              [1, 2],
              [3, 4, 5, 6],
            ],
          },
        ],
        schema: [
          { name: 'schema', num_children: 1 },
          { name: 'v', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'INT32', repetition_type: 'REQUIRED' },
        ],
        codec: 'UNCOMPRESSED',
      } as never),
    );
    expect(refusal(() => readParquet(bytes, 'ragged.parquet')).message).toMatch(
      /ragged\.parquet: column 'v' has rows of 2 and 4 values; tickmind reads lists of the same length in every row/,
    );
  });
});

describe('no uncoded error escapes', () => {
  it('a flipped Parquet footer (the reported `md.get is not a function`) is a coded error', () => {
    const good = writeParquet([{ name: 'v', type: 'FLOAT', width: 2, data: new Float32Array(8) }], 4);
    const footer = parquetFooter(good);
    for (let i = footer; i < good.length - 8; i++)
      for (let bit = 0; bit < 8; bit++) {
        const bad = good.slice();
        bad[i]! ^= 1 << bit;
        try {
          const t = readParquet(bad, 'f.parquet');
          expect(Array.from(t.columns.get('v')!.values as Float32Array)).toEqual(new Array(8).fill(0));
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(TickmindError);
          expect((err as TickmindError).location.file).toBe('f.parquet');
        }
      }
  });

  it('readNpy refuses garbage with coded errors only', () => {
    const good = writeNpy({ dtype: 'int64', dims: [2, 2], data: new BigInt64Array(4) });
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice();
      bad[i]! ^= 0x55;
      try {
        readNpy(bad, 'g.npy');
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(TickmindError);
      }
    }
    expect(refusal(() => readNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0]), 'v2.npy')).message).toMatch(/truncated/);
  });

  it('an archive of a .npy with a bad header (valid CRCs) names the member', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (-1023,), }\n";
    const member = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0, ...new TextEncoder().encode(header)]);
    const bytes = zipSync({ 'x.npy': [member, { level: 0 }] });
    const err = refusal(() => readNpz(bytes, 'n.npz'));
    expect(err.message).toMatch(/n\.npz:x\.npy: shape \(-1023,\) has a bad dimension '-1023'/);
  });
});
