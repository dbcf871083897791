/**
 * Steps that repeat an earlier step (same operator, attributes and inputs, constants compared
 * by value once the plan's shapes fold them) run once: a transformer's per-layer mask chain.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { compare } from '../helpers/fixtures.js';
import { buildModel, type NodeSpec } from '../helpers/onnx-builder.js';
import { planStepCount } from '../helpers/plans.js';

const D = 6;

/**
 * Two "layers", each rebuilding a [n, 1, D] float mask from the bool input `keep` through its own
 * shape arithmetic (Shape → Gather → Concat → Reshape → Cast → Mul), then y_l = x_l * mask_l.
 * `maskOut` also outputs layer 2's mask (a graph output: that repeat must stay).
 */
function model(maskOut = false): Uint8Array {
  const layer = (l: number, x: string): NodeSpec[] => [
    { op: 'Shape', inputs: [x], outputs: [`s${l}`] },
    { op: 'Gather', inputs: [`s${l}`, 'zero'], outputs: [`n${l}`], attrs: { axis: 0 } },
    { op: 'Concat', inputs: [`n${l}`, 'oneD'], outputs: [`shape${l}`], attrs: { axis: 0 } },
    { op: 'Reshape', inputs: ['keep', `shape${l}`], outputs: [`r${l}`] },
    { op: 'Cast', inputs: [`r${l}`], outputs: [`c${l}`], attrs: { to: 1 } },
    { op: 'Mul', inputs: [`c${l}`, `scale${l}`], outputs: [`mask${l}`] },
    { op: 'Mul', inputs: [x, `mask${l}`], outputs: [`y${l}`] },
  ];
  return buildModel({
    inputs: [
      { name: 'x', type: 'float32', dims: ['n', 1, D] },
      { name: 'keep', type: 'bool', dims: ['n', D] },
    ],
    outputs: [
      { name: 'y2', type: 'float32', dims: ['a', 1, D] },
      ...(maskOut ? [{ name: 'mask2', type: 'float32' as const, dims: ['b', 1, D] }] : []),
    ],
    initializers: [
      { name: 'zero', type: 'int64', dims: [1], values: [0] },
      { name: 'oneD', type: 'int64', dims: [2], values: [1, D] },
      // Equal values under two names, as exporters write one constant per layer.
      { name: 'scale1', type: 'float32', dims: [], values: [0.75] },
      { name: 'scale2', type: 'float32', dims: [], values: [0.75] },
    ],
    nodes: [...layer(1, 'x'), ...layer(2, 'y1')],
  });
}

const dimsFor = (n: number) => [
  [n, 1, D],
  [n, D],
];

const feedsFor = (n: number) => {
  const rng = new Rng(n);
  return {
    x: { data: rng.fillUniform(new Float32Array(n * D)), dims: [n, 1, D] },
    keep: { data: Uint8Array.from({ length: n * D }, (_, i) => ((i * 7 + n) % 3 === 0 ? 0 : 1)), dims: [n, D] },
  };
};

/**
 * Muls of x by weights of W floats that only the full bytes tell apart (`second` differs from
 * the first in float 1, whose bytes the key's sample skips) or that are equal under two names;
 * y = x*w1 + x*w2. `twice`: each weight again under a third and fourth name, y adding all four.
 */
function largeConstants(second: 'equal' | 'differs', twice = false): Uint8Array {
  const W = 2048; // 8 KiB: past the bytes that keys hold in full
  const w1 = Array.from({ length: W }, (_, i) => 1 + (i % 5) * 0.25);
  const w2 = w1.slice();
  if (second === 'differs') w2[1] = 9;
  const names = twice ? ['w1', 'w2', 'w1b', 'w2b'] : ['w1', 'w2'];
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: [1, W] }],
    outputs: [{ name: 'y', type: 'float32', dims: [1, W] }],
    initializers: names.map((name, i) => ({ name, type: 'float32' as const, dims: [W], values: i % 2 === 0 ? w1 : w2 })),
    nodes: [
      ...names.map((w, i) => ({ op: 'Mul', inputs: ['x', w], outputs: [`t${i}`] })),
      ...names.slice(1).map((_, i) => ({
        op: 'Add',
        inputs: [i === 0 ? 't0' : `s${i - 1}`, `t${i + 1}`],
        outputs: [i === names.length - 2 ? 'y' : `s${i}`],
      })),
    ],
  });
}

describe('repeated steps', () => {
  it('merge over a large constant only when its bytes are equal, not only its sampled key', () => {
    expect(planStepCount(largeConstants('equal'), [[1, 2048]])).toBe(2);
    expect(planStepCount(largeConstants('differs'), [[1, 2048]])).toBe(3);
    const x = { data: Float32Array.from({ length: 2048 }, (_, i) => i - 1000), dims: [1, 2048] };
    const y = NativeSession.create(largeConstants('differs')).runSync({ x }).y!.data as Float32Array;
    expect(y[1]).toBe(-999 * (1.25 + 9));
    expect(y[2]).toBe(-998 * 1.5 * 2);
    // Two weights under one sampled key, each used twice: each repeat merges with its own twin.
    expect(planStepCount(largeConstants('differs', true), [[1, 2048]])).toBe(2 + 3);
    const y4 = NativeSession.create(largeConstants('differs', true)).runSync({ x }).y!.data as Float32Array;
    expect(y4[1]).toBe(-999 * (1.25 + 9) * 2);
  });

  it('run once: the second layer reuses the first layer’s mask, unless it is a graph output', () => {
    // Per layer after folding: Reshape (an alias), Cast, Mul (mask), Mul (y).
    expect(planStepCount(model(), dimsFor(3), { rewrite: false })).toBe(8);
    expect(planStepCount(model(), dimsFor(3))).toBe(5);
    expect(planStepCount(model(true), dimsFor(3))).toBe(6);
  });

  it.each([{}, { forceScalar: true }, { jsKernels: true }])(
    '%j: the same values as running every step, and as onnxruntime-web',
    async (options) => {
      const deduped = NativeSession.create(model(), options);
      const every = NativeSession.create(model(), { ...options, fuse: false });
      const ort = await OrtSession.create(model());
      for (const n of [1, 4]) {
        const feeds = feedsFor(n);
        const got = deduped.runSync(feeds).y2!.data as Float32Array;
        expect(Array.from(got), `batch ${n}`).toEqual(Array.from(every.runSync(feeds).y2!.data as Float32Array));
        const { failures, maxAbsDiff } = compare(got, (await ort.run(feeds)).y2!.data as Float32Array);
        expect(failures, `batch ${n}: max |diff| ${maxAbsDiff}`).toBe(0);
      }
      await ort.dispose();
    },
  );
});
