/** Int8 weights on request: close to float32, exactly float32 where the int8 kernel does not apply, refused when misnamed. */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, NativeSession, OrtSession, quantizeWeights } from '../../sdk/inference/index.js';
import { fixtureBytes, fixtures, loadNpy } from '../helpers/fixtures.js';

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

  it('leave layers with a short reduction (K < 192) on float32, bit for bit', () => {
    const small = fixtures().find((f) => f.name === 'transformer_d64_l2')!;
    const feeds: Record<string, { data: Float32Array | Uint8Array; dims: number[] }> = {};
    for (const io of small.inputs) {
      const t = loadNpy(io.file);
      const n = t.data.length / t.dims[0]!;
      feeds[io.name] = { data: (t.data as Float32Array | Uint8Array).slice(0, n), dims: [1, ...t.dims.slice(1)] };
    }
    const a = NativeSession.create(fixtureBytes(small)).runSync(feeds).logits!.data as Float32Array;
    const copy = Float32Array.from(a);
    const b = NativeSession.create(fixtureBytes(small), { quantize: 'int8' }).runSync(feeds).logits!.data as Float32Array;
    expect(Array.from(b)).toEqual(Array.from(copy));
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
