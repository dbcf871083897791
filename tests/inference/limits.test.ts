/**
 * Bounded resources (issue 20): documented, configurable limits, checked before the memory or time
 * they bound is spent, on every backend (onnxruntime included: the static check runs before it is
 * handed a model, and again per new input shape before it runs one).
 */
import { describe, expect, it } from 'vitest';
import { TickmindError } from '../../sdk/core/index.js';
import { createSession, DEFAULT_LIMITS, decodeModel, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { sharedRuntime } from '../../sdk/inference/wasm/runtime.js';
import { buildModel } from '../helpers/onnx-builder.js';

function errorOf(f: () => unknown): TickmindError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TickmindError);
    return err as TickmindError;
  }
  throw new Error('no error');
}

/** y = Tile(x, [rows, 1]): as large as the feeds make it. */
const tile = (rows: number) =>
  buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 'm'] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['rows', 'm'] }],
    initializers: [{ name: 'reps', type: 'int64', dims: [2], values: [rows, 1] }],
    nodes: [{ op: 'Tile', inputs: ['x', 'reps'], outputs: ['y'] }],
  });

describe('limits', () => {
  it('are documented defaults that cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
    expect(DEFAULT_LIMITS).toMatchObject({ maxElements: 2 ** 24, maxRank: 8, maxDepth: 8, maxLoopTrips: 65_536 });
  });

  it('can be set per session; a bad value is INVALID_ARGUMENT', async () => {
    const bytes = tile(64);
    expect(errorOf(() => NativeSession.create(bytes, { limits: { maxElements: 32 } })).code).toBe('MODEL_LIMIT');
    expect(NativeSession.create(bytes, { limits: { maxElements: 64 } }).inputs).toHaveLength(1);
    expect(errorOf(() => decodeModel(bytes, { limits: { maxNodes: -1 } })).code).toBe('INVALID_ARGUMENT');
    await expect(createSession(bytes, { backend: 'ort', limits: { maxElements: 32 } })).rejects.toMatchObject({ code: 'MODEL_LIMIT' });
  });

  it('a plan is checked at its feeds’ shapes: over the limit nothing is allocated, and the session still works', () => {
    const runtime = sharedRuntime();
    const s = NativeSession.create(tile(1024));
    const live = runtime.bytesLive;
    const big = { x: { data: new Float32Array(20_000), dims: [20_000, 1] } };
    const err = errorOf(() => s.runSync(big));
    expect(err.code).toBe('MODEL_LIMIT');
    expect(err.message).toMatch(/Tile/);
    expect(runtime.bytesLive).toBe(live);
    expect(s.runSync({ x: { data: new Float32Array(4), dims: [2, 2] } }).y!.dims).toEqual([2048, 2]);
  });

  it('onnxruntime is asked to run a shape only after the same check', async () => {
    const s = await OrtSession.create(tile(1024));
    await expect(s.run({ x: { data: new Float32Array(20_000), dims: [20_000, 1] } })).rejects.toMatchObject({ code: 'MODEL_LIMIT' });
    expect((await s.run({ x: { data: new Float32Array(4), dims: [2, 2] } })).y!.dims).toEqual([2048, 2]);
    await s.dispose();
  });

  it('a dimension past 2^53 is over the limit (MODEL_LIMIT), even in an empty tensor; a negative one is a bad shape', () => {
    // Pad's end of the last axis by 2^53 (fuzz seed 43): onnxruntime runs it when the batch is 0.
    const padded = (end: number) =>
      buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: ['n', 4] }],
        outputs: [{ name: 'y', type: 'float32', dims: ['a', 'b'] }],
        initializers: [{ name: 'pads', type: 'int64', dims: [4], values: [0, 0, 0, end] }],
        nodes: [{ op: 'Pad', inputs: ['x', 'pads'], outputs: ['y'] }],
      });
    const run = (end: number, n: number) => () =>
      NativeSession.create(padded(end)).runSync({ x: { data: new Float32Array(n * 4), dims: [n, 4] } });
    expect(run(2 ** 53, 0)).toThrow(expect.objectContaining({ code: 'MODEL_LIMIT' }));
    expect(run(2 ** 53, 0)).toThrow(/dimension 9007199254740996, over the limit/);
    expect(run(-5, 1)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('a run over maxFlops is refused before it runs', () => {
    const bytes = buildModel({
      inputs: [{ name: 'a', type: 'float32', dims: ['n', 256] }],
      outputs: [{ name: 'y', type: 'float32', dims: ['n', 256] }],
      initializers: [{ name: 'w', type: 'float32', dims: [256, 256], values: new Array(256 * 256).fill(0.01) }],
      nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['y'] }],
    });
    const s = NativeSession.create(bytes, { limits: { maxFlops: 2 ** 20 } });
    expect(s.runSync({ a: { data: new Float32Array(256 * 4), dims: [4, 256] } }).y!.dims).toEqual([4, 256]);
    expect(errorOf(() => s.runSync({ a: { data: new Float32Array(256 * 64), dims: [64, 256] } })).code).toBe('MODEL_LIMIT');
  });

  it('a plan over maxPlanBytes is refused, leaving nothing allocated', () => {
    const runtime = sharedRuntime();
    const bytes = buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: ['n', 64] }],
      outputs: [{ name: 'y', type: 'float32', dims: ['n', 64] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    });
    const s = NativeSession.create(bytes, { limits: { maxPlanBytes: 64 * 1024 } });
    const live = runtime.bytesLive;
    expect(errorOf(() => s.runSync({ x: { data: new Float32Array(64 * 512), dims: [512, 64] } })).code).toBe('MODEL_LIMIT');
    expect(runtime.bytesLive).toBe(live);
  });

  it('a Loop that never ends is refused before onnxruntime could start it', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: [2] }],
      outputs: [{ name: 'out', type: 'float32', dims: [2] }],
      initializers: [{ name: 'go', type: 'int32', dims: [], values: [1] }],
      nodes: [
        { op: 'Cast', inputs: ['go'], outputs: ['c'], attrs: { to: 9 } },
        {
          op: 'Loop',
          inputs: ['', 'c', 'x'],
          outputs: ['out'],
          attrs: {
            body: {
              graph: {
                inputs: [
                  { name: 'i', type: 'int64', dims: [] },
                  { name: 'ci', type: 'bool', dims: [] },
                  { name: 'a', type: 'float32', dims: [2] },
                ],
                outputs: [
                  { name: 'ci', type: 'bool', dims: [] },
                  { name: 'b', type: 'float32', dims: [2] },
                ],
                nodes: [{ op: 'Neg', inputs: ['a'], outputs: ['b'] }],
              },
            },
          },
        },
      ],
    });
    await expect(createSession(bytes, { backend: 'auto' })).rejects.toMatchObject({ code: 'MODEL_LIMIT' });
  });
});
