import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../sdk/dataset/index.js';
import { fixtures, loadNpy } from '../helpers/fixtures.js';

describe('npy', () => {
  it('reads arrays numpy wrote', () => {
    const f = fixtures().find((x) => x.name === 'transformer_d64_l2')!;
    const tokens = loadNpy(f.inputs[0]!.file);
    expect(tokens.dims).toEqual(f.inputs[0]!.shape);
    expect(tokens.data).toBeInstanceOf(Float32Array);
    const mask = loadNpy(f.inputs[1]!.file);
    expect(mask.data).toBeInstanceOf(Uint8Array);
    expect(mask.dims).toEqual([3, 10]);
  });

  it('round-trips every supported dtype, including 1-D and scalar shapes', () => {
    const cases = [
      { dtype: 'float32' as const, dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) },
      { dtype: 'int64' as const, dims: [3], data: new BigInt64Array([1n, -2n, 3n]) },
      { dtype: 'bool' as const, dims: [2], data: new Uint8Array([1, 0]) },
      { dtype: 'float64' as const, dims: [], data: new Float64Array([Math.PI]) },
    ];
    for (const c of cases) {
      const back = readNpy(writeNpy(c));
      expect(back.dtype).toBe(c.dtype);
      expect(back.dims).toEqual(c.dims);
      expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(c.data as ArrayLike<number>));
    }
  });

  it('aligns the data to 64 bytes as numpy does', () => {
    const bytes = writeNpy({ dtype: 'float32', dims: [5], data: new Float32Array(5) });
    expect((bytes.length - 20) % 64).toBe(0);
  });

  it('rejects bad files with the name in the message', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(/x\.npy: not a NumPy/);
    const ok = writeNpy({ dtype: 'float32', dims: [100], data: new Float32Array(100) });
    expect(() => readNpy(ok.subarray(0, 100), 'cut.npy')).toThrow(/truncated/);
  });
});
