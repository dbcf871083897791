/** Int8 weights on request (linear layers and Conv): close to float32, exactly float32 where the int8 kernel does not apply, refused when misnamed. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { decodeModel, encodeModel, NativeSession, OrtSession, quantizeWeights } from '../../sdk/inference/index.js';
import { GraphBuilder, f32 as tensorOf } from '../../sdk/policy/index.js';
import { fixtureBytes, fixtures, loadNpy, relativeDiff } from '../helpers/fixtures.js';

const mlp = fixtures().find((f) => f.name === 'mlp_200_256_256_32')!;
const obs = loadNpy(mlp.inputs[0]!.file);
const rows = obs.dims[0]!;
const per = obs.data.length / rows;
const row = (r: number) => ({ obs: { data: (obs.data as Float32Array).slice(r * per, (r + 1) * per), dims: [1, per] } });

describe('int8 weights (quantize: int8)', () => {
  const f32 = NativeSession.create(fixtureBytes(mlp));
  const int8 = NativeSession.create(fixtureBytes(mlp), { quantize: 'int8' });

  it('stay within 2 % of the largest float32 logit at batch 1, with the same argmax', () => {
    for (let r = 0; r < rows; r++) {
      const a = Float32Array.from(f32.runSync(row(r)).logits!.data as Float32Array);
      const b = int8.runSync(row(r)).logits!.data as Float32Array;
      const scale = Math.max(...a.map(Math.abs));
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      expect(maxDiff / scale).toBeLessThan(0.02);
      expect(maxDiff).toBeGreaterThan(0); // the int8 kernel ran
      expect(b.indexOf(Math.max(...b))).toBe(a.indexOf(Math.max(...a)));
    }
  });

  it('agree between the SIMD and the scalar builds (the same integer products)', () => {
    const scalar = NativeSession.create(fixtureBytes(mlp), { quantize: 'int8', forceScalar: true });
    const a = Float32Array.from(int8.runSync(row(0)).logits!.data as Float32Array);
    const b = scalar.runSync(row(0)).logits!.data as Float32Array;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
  });

  it('run batches (4+ rows) on the int8 GEMM, close to float32', () => {
    const feeds = { obs: { data: new Float32Array(8 * per).map((_, i) => Math.sin(i)), dims: [8, per] } };
    const a = Float32Array.from(f32.runSync(feeds).logits!.data as Float32Array);
    const b = int8.runSync(feeds).logits!.data as Float32Array;
    const scale = Math.max(...a.map(Math.abs));
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeGreaterThan(0);
    expect(maxDiff / scale).toBeLessThan(0.02);
  });

  it('give a row the same int8 result in any batch of 4+ rows (rows grouped by 5 and 4, or padded)', () => {
    const pool = new Float32Array(13 * per).map((_, i) => Math.sin(i * 0.7) * 3);
    const run = (first: number, count: number) =>
      Float32Array.from(
        int8.runSync({ obs: { data: pool.slice(first * per, (first + count) * per), dims: [count, per] } }).logits!.data as Float32Array,
      );
    const all = run(0, 13);
    const width = all.length / 13;
    for (const [first, count] of [
      [0, 4],
      [3, 5],
      [6, 7],
      [9, 4],
    ] as const) {
      const part = run(first, count);
      expect(part).toEqual(all.slice(first * width, (first + count) * width));
    }
  });

  it('leave layers with a short reduction (K < 64) on float32, bit for bit, and quantize K = 64', () => {
    const linear = (K: number) => {
      const rng = new Rng(K);
      const g = new GraphBuilder(1);
      g.inputs.push({ name: 'x', dtype: 'float32', dims: [1, K] });
      const w = g.constant(
        tensorOf(
          [K, 16],
          Float32Array.from({ length: K * 16 }, (_, i) => Math.sin(i * 0.7)),
        ),
        'w',
      );
      g.nodes.push({ name: 'mm', op: 'MatMul', domain: '', inputs: ['x', w], outputs: ['y'], attrs: {} });
      g.outputs.push({ name: 'y', dtype: 'float32', dims: [1, 16] });
      const bytes = encodeModel(g.build(13, {}), 'linear');
      const feeds = { x: { data: Float32Array.from({ length: K }, () => rng.uniform(-1, 1)), dims: [1, K] } };
      const a = Float32Array.from(NativeSession.create(bytes).runSync(feeds).y!.data as Float32Array);
      const b = Float32Array.from(NativeSession.create(bytes, { quantize: 'int8' }).runSync(feeds).y!.data as Float32Array);
      return { a, b };
    };
    const short = linear(48);
    expect(Array.from(short.b)).toEqual(Array.from(short.a));
    const long = linear(64);
    expect(relativeDiff(long.a, long.b)).toBeGreaterThan(0);
    expect(relativeDiff(long.a, long.b)).toBeLessThan(0.02);
  });

  it('refuse an unknown quantization, naming the field', () => {
    expect(() => NativeSession.create(fixtureBytes(mlp), { quantize: 'fp8' as never })).toThrow(/quantize must be 'int8'/);
  });
});

describe('quantizeWeights (ahead of time, DequantizeLinear in the file)', () => {
  const model = decodeModel(fixtureBytes(mlp));
  const report = quantizeWeights(model);
  const bytes = encodeModel(model);

  it('stores the weight matrices as int8 with per-column scales: a quarter of the bytes', () => {
    expect(report.layers).toBe(3);
    expect(report.bytesAfter / report.bytesBefore).toBeLessThan(0.27);
    expect(bytes.length).toBeLessThan(fixtureBytes(mlp).length * 0.3);
    expect(model.graph.nodes.filter((n) => n.op === 'DequantizeLinear')).toHaveLength(3);
  });

  it('runs natively (folded at load) close to float32, and onnxruntime-web agrees with the native run', async () => {
    const f32 = NativeSession.create(fixtureBytes(mlp));
    const native = NativeSession.create(bytes);
    const ort = await OrtSession.create(bytes);
    const feeds = { obs: { data: obs.data as Float32Array, dims: obs.dims } };
    const a = Float32Array.from(f32.runSync(feeds).logits!.data as Float32Array);
    const b = Float32Array.from(native.runSync(feeds).logits!.data as Float32Array);
    const c = (await ort.run(feeds)).logits!.data as Float32Array;
    const scale = Math.max(...a.map(Math.abs));
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(a[i]! - b[i]!) / scale).toBeLessThan(0.02);
      expect(Math.abs(b[i]! - c[i]!)).toBeLessThan(1e-4 + 1e-4 * Math.abs(c[i]!));
    }
    await ort.dispose();
  });

  it('loaded with quantize: int8, gives the int8 kernel the same values as quantizing at load', () => {
    const atLoad = NativeSession.create(fixtureBytes(mlp), { quantize: 'int8' });
    const ahead = NativeSession.create(bytes, { quantize: 'int8' });
    const a = Float32Array.from(atLoad.runSync(row(1)).logits!.data as Float32Array);
    const b = ahead.runSync(row(1)).logits!.data as Float32Array;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(a[i]!)));
  });
});

/** One Conv (3×3, pads 1) as ONNX: C → M channels on H × H, `group` groups, stride `s`, seeded weights and bias. */
function convModel(C: number, M: number, H: number, s = 1, group = 1): Uint8Array {
  const rng = new Rng(C * 31 + M);
  const g = new GraphBuilder(1);
  g.inputs.push({ name: 'x', dtype: 'float32', dims: ['batch', C, H, H] });
  const K = (C / group) * 9;
  const w = g.constant(
    tensorOf(
      [M, C / group, 3, 3],
      Float32Array.from({ length: M * K }, () => rng.uniform(-1, 1) / Math.sqrt(K)),
    ),
    'w',
  );
  const b = g.constant(
    tensorOf(
      [M],
      Float32Array.from({ length: M }, () => rng.uniform(-0.1, 0.1)),
    ),
    'b',
  );
  g.nodes.push({
    name: 'conv',
    op: 'Conv',
    domain: '',
    inputs: ['x', w, b],
    outputs: ['y'],
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [s, s], group },
  });
  const O = Math.floor((H - 1) / s) + 1;
  g.outputs.push({ name: 'y', dtype: 'float32', dims: ['batch', M, O, O] });
  return encodeModel(g.build(13, {}), 'conv');
}

function image(n: number, C: number, H: number) {
  return {
    x: { data: Float32Array.from({ length: n * C * H * H }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.3)), dims: [n, C, H, H] },
  };
}

describe('int8 Conv (quantize: int8)', () => {
  it('runs filters with ≥ 96 taps on int8 (groups, strides, batches) within 2 % of float32; the SIMD and scalar builds agree', () => {
    for (const [C, M, H, s, group, n] of [
      [32, 64, 8, 1, 1, 1],
      [32, 32, 9, 2, 2, 2],
      [16, 24, 7, 1, 1, 3],
      // Output channels per group that take a 5-row group (9 = 5 + 4) or a padded one (7; 3 per group).
      [16, 9, 6, 1, 1, 2],
      [12, 7, 6, 1, 1, 1],
      [24, 6, 6, 1, 2, 1],
    ] as const) {
      const bytes = convModel(C, M, H, s, group);
      const feeds = image(n, C, H);
      const a = Float32Array.from(NativeSession.create(bytes).runSync(feeds).y!.data as Float32Array);
      const b = Float32Array.from(NativeSession.create(bytes, { quantize: 'int8' }).runSync(feeds).y!.data as Float32Array);
      const c = NativeSession.create(bytes, { quantize: 'int8', forceScalar: true }).runSync(feeds).y!.data as Float32Array;
      const d = relativeDiff(a, b);
      expect(d, `C${C} M${M} group ${group}`).toBeGreaterThan(0); // the int8 kernel ran
      expect(d, `C${C} M${M} group ${group}`).toBeLessThan(0.02);
      expect(relativeDiff(b, c)).toBeLessThan(1e-5);
    }
  });

  it('leaves filters with fewer taps (3 × 3 × 8 = 72) on float32, bit for bit', () => {
    const bytes = convModel(8, 16, 8);
    const a = Float32Array.from(NativeSession.create(bytes).runSync(image(1, 8, 8)).y!.data as Float32Array);
    const b = NativeSession.create(bytes, { quantize: 'int8' }).runSync(image(1, 8, 8)).y!.data as Float32Array;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('ahead of time: int8 filters per output channel behind DequantizeLinear, which onnxruntime-web runs too', async () => {
    const bytes = convModel(32, 64, 8);
    const model = decodeModel(bytes);
    expect(quantizeWeights(model).layers).toBe(1);
    const dq = model.graph.nodes.find((n) => n.op === 'DequantizeLinear')!;
    expect(dq.attrs.axis).toBe(0);
    expect(model.graph.initializers.get('w.int8')!.dims).toEqual([64, 32, 3, 3]);
    const file = encodeModel(model);
    const feeds = image(1, 32, 8);
    const float = Float32Array.from(NativeSession.create(bytes).runSync(feeds).y!.data as Float32Array);
    const native = Float32Array.from(NativeSession.create(file).runSync(feeds).y!.data as Float32Array);
    const ort = await OrtSession.create(file);
    const viaOrt = (await ort.run(feeds)).y!.data as Float32Array;
    await ort.dispose();
    expect(relativeDiff(float, native)).toBeLessThan(0.02);
    expect(relativeDiff(viaOrt, native)).toBeLessThan(1e-4);
    // With quantize: 'int8' the folded filters give back the same int8 values as quantizing at load.
    const atLoad = Float32Array.from(NativeSession.create(bytes, { quantize: 'int8' }).runSync(feeds).y!.data as Float32Array);
    const ahead = NativeSession.create(file, { quantize: 'int8' }).runSync(feeds).y!.data as Float32Array;
    expect(relativeDiff(atLoad, ahead)).toBeLessThan(1e-5);
  });
});
