import { describe, expect, it } from 'vitest';
import { Rng, TickmindError } from '../../sdk/core/index.js';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('reseed restarts the stream', () => {
    const r = new Rng(7);
    const first = [r.next(), r.next()];
    r.reseed(7);
    expect([r.next(), r.next()]).toEqual(first);
  });

  it('draws uniform floats in [0, 1) with a sane mean and integers in range', () => {
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('normal samples have mean 0 and variance 1', () => {
    const r = new Rng(3);
    let s = 0;
    let s2 = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });
});

describe('TickmindError', () => {
  it('carries a code and names the location in its message', () => {
    const e = new TickmindError('SHAPE_MISMATCH', 'bad dims', { node: 'n1', field: 'input[0]' }).withFile('m.onnx');
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe('bad dims (file m.onnx, node n1, field input[0])');
    expect(e).toBeInstanceOf(Error);
  });
});
