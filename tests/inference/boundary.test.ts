/**
 * One error type at the boundary (issue 20): nothing but a TickmindError leaves `create`, `run` or
 * `runSync`; a kernel that traps is reported with its node; every WebAssembly kernel's reads and
 * writes are bounded when it is planned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { TickmindError } from '../../sdk/core/index.js';
import { toTickmindError } from '../../sdk/inference/errors.js';
import { ConstantStore } from '../../sdk/inference/exec/constants.js';
import { Extents } from '../../sdk/inference/exec/kernel-context.js';
import { buildPlan, Plan } from '../../sdk/inference/exec/plan.js';
import { createSession, decodeModel, encodeModel, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import type { Graph } from '../../sdk/inference/ir/graph.js';
import { unaryOps } from '../../sdk/inference/ops/elementwise.js';
import { fromNumbers } from '../../sdk/inference/tensor.js';
import { AllocationScope, sharedRuntime } from '../../sdk/inference/wasm/runtime.js';
import { compare, fixtureBytes, fixtures } from '../helpers/fixtures.js';
import { buildModel } from '../helpers/onnx-builder.js';

const ROOT = join(import.meta.dirname, '..', '..');

const relu = buildModel({
  inputs: [{ name: 'x', type: 'float32', dims: ['n', 2] }],
  outputs: [{ name: 'y', type: 'float32', dims: ['n', 2] }],
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
});

/** A WebAssembly function that traps: (module (func (export "t") unreachable)). */
const trap = (
  new WebAssembly.Instance(
    new WebAssembly.Module(
      new Uint8Array([
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01,
        0x74, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
      ]),
    ),
  ).exports as { t: () => void }
).t;

async function failure(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('the error boundary', () => {
  it('maps engine errors to coded ones', () => {
    expect(toTickmindError(new RangeError('Array buffer allocation failed'), 'INTERNAL').code).toBe('MODEL_LIMIT');
    expect(toTickmindError(new RangeError('Maximum call stack size exceeded'), 'INTERNAL').code).toBe('MODEL_LIMIT');
    const trapped = toTickmindError(new WebAssembly.RuntimeError('memory access out of bounds'), 'MODEL_INVALID', { node: 'conv_3' });
    expect(trapped).toMatchObject({ code: 'INTERNAL', location: { node: 'conv_3' } });
    expect(toTickmindError(new TypeError('x is undefined'), 'MODEL_DECODE').code).toBe('MODEL_DECODE');
    const coded = new TickmindError('SHAPE_MISMATCH', 'bad', { node: 'n' });
    expect(toTickmindError(coded, 'INTERNAL', { file: 'f.onnx' }).message).toContain('f.onnx');
  });

  it('a kernel that traps is a TickmindError naming its node', () => {
    const plan = new Plan(
      new AllocationScope(sharedRuntime()),
      [
        {
          node: { name: 'the_kernel', op: 'Relu', domain: '', inputs: [], outputs: [], attrs: {} },
          kernel: () => trap(),
          ins: [],
          outs: [],
        },
      ],
      [],
      [],
      [],
      0,
      0,
    );
    let err: unknown;
    try {
      plan.execute();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TickmindError);
    expect(err).toMatchObject({ code: 'INTERNAL', location: { node: 'the_kernel' } });
    expect((err as Error).message).toMatch(/trapped.*unreachable/);
  });

  it('bad arguments to create, run and runSync are coded', async () => {
    for (const bad of [undefined, 'model.onnx', [1, 2, 3]]) {
      expect(await failure(() => createSession(bad as unknown as Uint8Array))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    const s = NativeSession.create(relu);
    for (const feeds of [null, 5, { x: 5 }, { x: { data: [1, 2], dims: [1, 2] } }, { x: { data: new Float32Array(2), dims: 'n' } }]) {
      const err = await failure(() => s.runSync(feeds as never));
      expect(err, String(err)).toBeInstanceOf(TickmindError);
    }
    const ort = await OrtSession.create(relu);
    for (const feeds of [null, { x: { data: new Float64Array(2), dims: [1, 2] } }, { x: { data: new Float32Array(3), dims: [1, 2] } }]) {
      const err = await failure(() => ort.run(feeds as never));
      expect(err, String(err)).toBeInstanceOf(TickmindError);
    }
    await ort.dispose();
  });

  it('every kernel of every fixture declares the bounds of what it reads and writes', () => {
    for (const f of fixtures()) {
      for (const options of [{}, { quantize: 'int8' as const }, { forceScalar: true }]) {
        const s = NativeSession.create(fixtureBytes(f), options);
        for (const batch of [1, 5]) expect(() => s.runSync(randomFeeds(s.inputs, { batch }, batch))).not.toThrow();
      }
    }
  });

  it('a fused attention whose mask is wider than its keys is refused, as the unfused graph is (fuzz seed 24, #104)', async () => {
    // The shipped joint policy with 1 token but an 11-wide mask: the scores [B, h, 1, 1] plus
    // the mask broadcast to [B, h, 1, 11], and the weighted sum's MatMul cannot take them.
    const model = decodeModel(new Uint8Array(readFileSync(join(ROOT, 'models', 'joint-5v5.onnx'))));
    model.graph.inputs[0]!.dims = ['batch', 1, 95];
    const bytes = encodeModel(model);
    const feeds = {
      tokens: { data: new Float32Array(2 * 95), dims: [2, 1, 95] },
      mask: { data: new Uint8Array(2 * 11).fill(1), dims: [2, 11] },
    };
    const native = NativeSession.create(bytes);
    expect(() => native.runSync(feeds)).toThrow(/mask \[2, 1, 1, 11\] does not broadcast to/);
    await expect(OrtSession.create(bytes)).rejects.toThrow(TickmindError);
  });

  it('a fused attention whose mask is wider in the batch reads q, k and v again for each row, as onnxruntime does (fuzz seed 24, #1461)', async () => {
    const model = decodeModel(new Uint8Array(readFileSync(join(ROOT, 'models', 'joint-5v5.onnx'))));
    model.graph.inputs[0]!.dims = [1, 11, 95];
    const bytes = encodeModel(model);
    const feeds = {
      tokens: { data: Float32Array.from({ length: 11 * 95 }, (_, i) => Math.sin(i)), dims: [1, 11, 95] },
      mask: { data: Uint8Array.from({ length: 22 }, (_, i) => (i % 4 === 0 ? 0 : 1)), dims: [2, 11] },
    };
    const got = NativeSession.create(bytes).runSync(feeds).logits!;
    const ort = await OrtSession.create(bytes);
    const want = (await ort.run(feeds)).logits!;
    expect(got.dims).toEqual([2, 11, 97]);
    expect(want.dims).toEqual([2, 11, 97]);
    const { failures, maxAbsDiff } = compare(got.data as Float32Array, want.data as Float32Array);
    expect(failures, `max |diff| ${maxAbsDiff}`).toBe(0);
    await ort.dispose();
  });

  it('a fused attention whose mask has more query rows than q repeats the query for each (a one-row q)', () => {
    const [heads, S, D, T] = [2, 4, 3, 3];
    const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k));
    const k = fromNumbers('float32', [heads, S, D], values(heads * S * D, 2));
    const v = fromNumbers('float32', [heads, S, D], values(heads * S * D, 3));
    const mask = fromNumbers('float32', [1, T, S], values(T * S, 5));
    const graph: Graph = {
      inputs: [{ name: 'q', dtype: 'float32', dims: [heads, 1, D] }],
      outputs: [{ name: 'o', dtype: 'float32', dims: [heads, T, D] }],
      initializers: new Map([
        ['k', k],
        ['v', v],
        ['m', mask],
      ]),
      nodes: [{ name: 'attn', op: 'Attention', domain: 'tickmind', inputs: ['q', 'k', 'v', 'm'], outputs: ['o'], attrs: {} }],
    };
    const q = Float32Array.from(values(heads * D, 1));
    for (const wasm of [true, false]) {
      const runtime = sharedRuntime();
      const constants = new ConstantStore(new AllocationScope(runtime));
      const plan = buildPlan(graph, [[heads, 1, D]], runtime, constants, { wasm });
      plan.prepare();
      plan.inputs[0]!.data.set(q);
      plan.execute();
      expect(plan.outputs[0]!.dims).toEqual([heads, T, D]);
      const got = plan.outputs[0]!.data as Float32Array;
      for (let h = 0; h < heads; h++)
        for (let i = 0; i < T; i++) {
          const w = Array.from({ length: S }, (_, j) => {
            let dot = 0;
            for (let d = 0; d < D; d++) dot += q[h * D + d]! * (k.data[(h * S + j) * D + d] as number);
            return Math.exp(dot + (mask.data[i * S + j] as number));
          });
          const sum = w.reduce((a, b) => a + b, 0);
          for (let d = 0; d < D; d++) {
            const want = w.reduce((acc, wj, j) => acc + (wj / sum) * (v.data[(h * S + j) * D + d] as number), 0);
            expect(got[(h * T + i) * D + d], `wasm ${wasm}, head ${h} row ${i}`).toBeCloseTo(want, 5);
          }
        }
      plan.dispose();
      constants.dispose();
    }
  });

  it("attention with v's head size larger than q's computes within its output (the WebAssembly kernel declines it)", () => {
    const [heads, T, S, D, Dv] = [2, 3, 4, 2, 5];
    const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k));
    const q = fromNumbers('float32', [heads, T, D], values(heads * T * D, 1));
    const k = fromNumbers('float32', [heads, S, D], values(heads * S * D, 2));
    const v = fromNumbers('float32', [heads, S, Dv], values(heads * S * Dv, 3));
    // q is fed at run time, so the node is planned with a kernel (not folded at plan time).
    const graph: Graph = {
      inputs: [{ name: 'q', dtype: 'float32', dims: [heads, T, D] }],
      outputs: [{ name: 'o', dtype: 'float32', dims: [heads, T, Dv] }],
      initializers: new Map([
        ['k', k],
        ['v', v],
      ]),
      nodes: [{ name: 'attn', op: 'Attention', domain: 'tickmind', inputs: ['q', 'k', 'v'], outputs: ['o'], attrs: {} }],
    };
    const runtime = sharedRuntime();
    const constants = new ConstantStore(new AllocationScope(runtime));
    const plan = buildPlan(graph, [[heads, T, D]], runtime, constants, { wasm: true });
    plan.prepare();
    plan.inputs[0]!.data.set(q.data);
    plan.execute();
    expect(plan.outputs[0]!.dims).toEqual([heads, T, Dv]);
    const got = Array.from(plan.outputs[0]!.data as Float32Array);
    const want: number[] = [];
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < T; i++) {
        const s = Array.from({ length: S }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += (q.data[(h * T + i) * D + d] as number) * (k.data[(h * S + j) * D + d] as number);
          return Math.exp(dot);
        });
        const sum = s.reduce((a, b) => a + b, 0);
        for (let d = 0; d < Dv; d++) want.push(s.reduce((acc, w, j) => acc + (w / sum) * (v.data[(h * S + j) * Dv + d] as number), 0));
      }
    for (const [i, g] of got.entries()) expect(g).toBeCloseTo(want[i]!, 5);
    plan.dispose();
    constants.dispose();
  });

  it('a kernel that would read or write past a tensor, or declares no write, is refused when planned', () => {
    const node = { name: 'n', op: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attrs: {} };
    const state = { dtype: 'float32' as const, dims: [2, 3] };
    const extents = () => new Extents({ node, op: unaryOps.Relu!, inputs: [state], outputs: [state] });
    const e = extents();
    e.reads(0, 24);
    e.writes(0, 24);
    expect(() => e.complete()).not.toThrow();
    expect(() => extents().reads(0, 28)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringMatching(/28 bytes of input 0/) }),
    );
    expect(() => extents().writes(0, 25)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => extents().reads(1, 4)).toThrow(/absent/);
    expect(() => extents().complete()).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: expect.stringMatching(/no bounds for output 0/) }),
    );
  });
});
