/** BatchNormalization after a constant-weight Conv is folded into it at load, with the same outputs as onnxruntime-web. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { compare } from '../helpers/fixtures.js';
import { buildModel } from '../helpers/onnx-builder.js';

const conv = (withBias: boolean, extraReader: boolean) =>
  buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: [2, 3, 6, 6] }],
    outputs: [
      { name: 'y', type: 'float32', dims: ['n', 'm', 'h', 'w'] },
      ...(extraReader ? [{ name: 'c', type: 'float32' as const, dims: ['n2', 'm2', 'h2', 'w2'] }] : []),
    ],
    initializers: [
      { name: 'w', type: 'float32', dims: [4, 3, 3, 3], values: Array.from({ length: 108 }, (_, i) => Math.sin(i * 0.3)) },
      { name: 'b', type: 'float32', dims: [4], values: [0.1, 0.2, -0.3, 0] },
      { name: 'scale', type: 'float32', dims: [4], values: [1.2, 0.8, 1.5, 0.9] },
      { name: 'shift', type: 'float32', dims: [4], values: [0.05, -0.1, 0.2, 0] },
      { name: 'mean', type: 'float32', dims: [4], values: [0.3, -0.2, 0.1, 0.4] },
      { name: 'var', type: 'float32', dims: [4], values: [1.1, 0.7, 2.0, 0.5] },
    ],
    nodes: [
      { op: 'Conv', inputs: withBias ? ['x', 'w', 'b'] : ['x', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['c', 'scale', 'shift', 'mean', 'var'], outputs: ['y'], attrs: { epsilon: 1e-3 } },
    ],
  });

describe('BatchNormalization folding', () => {
  it.each([
    [true, false, 1],
    [false, false, 1],
    [true, true, 0], // the Conv's output is also a graph output: nothing to fold
  ])('Conv bias %s, Conv output read elsewhere %s: %i folded, outputs match onnxruntime-web', async (withBias, extraReader, expected) => {
    const bytes = conv(withBias, extraReader);
    const native = NativeSession.create(bytes);
    expect(native.passes.batchNorm).toBe(expected);
    const x = new Rng(3).fillUniform(new Float32Array(2 * 3 * 36));
    const feeds = { x: { data: x, dims: [2, 3, 6, 6] } };
    const got = native.runSync(feeds).y!.data as Float32Array;
    const want = (await (await OrtSession.create(bytes)).run(feeds)).y!.data as Float32Array;
    const { failures, maxAbsDiff } = compare(got, want);
    expect(failures, `max |diff| ${maxAbsDiff}`).toBe(0);
  });
});
