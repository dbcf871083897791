/** The trainer's network: gradients by finite differences, forward parity with the exported ONNX on both backends, and learning. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { readNpz } from '../../sdk/dataset/index.js';
import { createSession, encodeModel } from '../../sdk/inference/index.js';
import {
  buildMlpPolicy,
  buildTokenTransformer,
  mlpPolicyWeights,
  type TokenTransformerConfig,
  tokenTransformerWeights,
} from '../../sdk/policy/index.js';
import {
  crossEntropy,
  MlpNet,
  type PolicyNet,
  TokenNet,
  type TrainingData,
  trainBehaviorCloning,
  useCoreKernels,
} from '../../sdk/training/index.js';
import { shapeOnlyLayout } from '../helpers/layouts.js';

const small: TokenTransformerConfig = {
  observation: shapeOnlyLayout(4, 5),
  d: 8,
  layers: 2,
  heads: 2,
  ff: 12,
  classes: 6,
  seed: 5,
};
const netConfig = { tokens: 4, features: 5, d: 8, layers: 2, heads: 2, ff: 12, classes: 6 };

function batch(rows: number, seed: number) {
  const rng = new Rng(seed);
  const x = rng.fillUniform(new Float32Array(rows * 4 * 5), -1, 1);
  const mask = new Uint8Array(rows * 4);
  for (let r = 0; r < rows; r++) mask[r * 4 + 3] = r % 2; // some rows have an absent last token
  const targets = new Int32Array(rows * 4).fill(-1);
  for (let r = 0; r < rows; r++) targets[r * 4] = rng.int(6);
  targets[1] = 2; // and a target on another token, as joint policies have
  return { x, mask, targets };
}

const mlpConfig = { ...small, hidden: 7 };
const nets: [string, () => PolicyNet][] = [
  ['token transformer', () => new TokenNet(netConfig, 4, tokenTransformerWeights(small))],
  ['MLP', () => new MlpNet({ tokens: 4, features: 5, hidden: 7, classes: 6 }, 4, mlpPolicyWeights(mlpConfig))],
];

describe('policy networks', () => {
  it.each(nets)('%s: backward matches finite differences for every parameter tensor', (_name, make) => {
    const net = make();
    const { x, mask, targets } = batch(3, 1);
    const lossAt = () => crossEntropy(net.forward(x, mask, 3), targets, 12, 6).loss;
    net.zeroGrad();
    crossEntropy(net.forward(x, mask, 3), targets, 12, 6, net.dLogits);
    net.backward();
    const rng = new Rng(9);
    let checked = 0;
    for (const p of net.params) {
      for (let k = 0; k < 3; k++) {
        const i = rng.int(p.data.length);
        const keep = p.data[i]!;
        const h = 1e-2;
        p.data[i] = keep + h;
        const up = lossAt();
        p.data[i] = keep - h;
        const down = lossAt();
        p.data[i] = keep;
        const numeric = (up - down) / (2 * h);
        expect(p.grad[i], `${p.name}[${i}]`).toBeCloseTo(numeric, 3);
        checked++;
      }
    }
    expect(checked).toBe(net.params.length * 3);
  });

  it.each([
    ...nets.map(([name, make]) => [name, make, small] as const),
    ['joint token transformer', nets[0]![1], { ...small, observation: shapeOnlyLayout(4, 5, 'joint') }] as const,
  ])('%s: its forward pass equals the exported ONNX model on the native backend and onnxruntime-web', async (name, make, config) => {
    const net = make();
    // Perturb the weights so the export carries trained (not seeded) values.
    for (const p of net.params) for (let i = 0; i < p.data.length; i++) p.data[i] = p.data[i]! * 1.5 + 0.01 * Math.sin(i);
    const { x, mask } = batch(4, 2);
    const ours = net.forward(x, mask, 4).slice(0, 4 * 4 * 6);
    const model =
      name === 'MLP'
        ? buildMlpPolicy({ ...mlpConfig, weights: net.weights(), training: { epochs: 0 } })
        : buildTokenTransformer({ ...config, weights: net.weights(), training: { epochs: 0 } });
    const bytes = encodeModel(model, 'test');
    const feeds = { tokens: { data: x, dims: [4, 4, 5] }, mask: { data: mask, dims: [4, 4], dtype: 'bool' as const } };
    // The egocentric transformer computes token 0 alone (what its policy reads); joint graphs and the MLP every token.
    const outTokens = name === 'token transformer' ? 1 : 4;
    for (const backend of ['native', 'ort'] as const) {
      const session = await createSession(bytes, { backend });
      const out = (await session.run(feeds)).logits!.data as Float32Array;
      expect(out.length, backend).toBe(4 * outTokens * 6);
      let max = 0;
      for (let r = 0; r < 4; r++)
        for (let t = 0; t < outTokens; t++)
          for (let c = 0; c < 6; c++) max = Math.max(max, Math.abs(out[(r * outTokens + t) * 6 + c]! - ours[(r * 4 + t) * 6 + c]!));
      expect(max, backend).toBeLessThan(2e-5);
    }
  });

  it('learns a rule from data: validation loss falls and accuracy beats the class prior', () => {
    // The target class is the index of the largest of the first token's 5 features (plus class 5 when all are negative).
    const rng = new Rng(4);
    const count = 600;
    const data: TrainingData = {
      count,
      tokens: 4,
      features: 5,
      rows: rng.fillUniform(new Float32Array(count * 20), -1, 1),
      mask: new Uint8Array(count * 4),
      targets: new Int32Array(count * 4).fill(-1),
      episode: Int32Array.from({ length: count }, (_, i) => Math.floor(i / 20)),
    };
    for (let r = 0; r < count; r++) {
      let best = 5;
      let v = 0;
      for (let f = 0; f < 5; f++)
        if (data.rows[r * 20 + f]! > v) {
          v = data.rows[r * 20 + f]!;
          best = f;
        }
      data.targets[r * 4] = best;
    }
    const net = new TokenNet(netConfig, 32, tokenTransformerWeights(small));
    const result = trainBehaviorCloning(net, data, { epochs: 12, lr: 1e-2, seed: 3, valFraction: 0.2 });
    expect(result.split.valEpisodes).toBe(6);
    expect(result.best.valLoss).toBeLessThan(result.history[0]!.valLoss * 0.6);
    expect(result.best.valAccuracy).toBeGreaterThan(result.classPriorAccuracy + 0.3);
    // Deterministic for a seed.
    const again = trainBehaviorCloning(new TokenNet(netConfig, 32, tokenTransformerWeights(small)), data, {
      epochs: 12,
      lr: 1e-2,
      seed: 3,
      valFraction: 0.2,
    });
    expect(again.history.map((h) => h.valLoss)).toEqual(result.history.map((h) => h.valLoss));
  });
});

describe('against PyTorch', () => {
  it('loss, logits and every gradient match the reference PyTorch computed (scripts/export_training_fixture.py)', () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'training', 'reference_grads.npz');
    const ref = readNpz(new Uint8Array(readFileSync(file)), file);
    const weights: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(ref)) if (k.startsWith('weight.')) weights[k.slice(7)] = v.data as Float32Array;
    const net = new TokenNet({ tokens: 4, features: 5, d: 8, layers: 2, heads: 2, ff: 12, classes: 6 }, 3, weights);
    const x = ref.tokens!.data as Float32Array;
    const mask = ref.mask!.data as Uint8Array;
    const targets = ref.targets!.data as Int32Array;
    net.zeroGrad();
    const logits = net.forward(x, mask, 3);
    const loss = crossEntropy(logits, targets, 12, 6, net.dLogits);
    expect(loss.loss).toBeCloseTo(Number((ref.loss!.data as Float64Array)[0]), 5);
    const refLogits = ref.logits!.data as Float32Array;
    for (let i = 0; i < refLogits.length; i++) expect(logits[i]).toBeCloseTo(refLogits[i]!, 5);
    net.backward();
    for (const p of net.params) {
      const g = ref[`grad.${p.name}`]!.data as Float32Array;
      expect(g.length, p.name).toBe(p.grad.length);
      let max = 0;
      let scale = 1e-6;
      for (let i = 0; i < g.length; i++) {
        max = Math.max(max, Math.abs(g[i]! - p.grad[i]!));
        scale = Math.max(scale, Math.abs(g[i]!));
      }
      expect(max / scale, p.name).toBeLessThan(1e-4);
    }
  });
});

describe('core kernels', () => {
  it('gradients on the WebAssembly GEMM equal those of the plain loops (sizes large enough to use it)', () => {
    const cfg: TokenTransformerConfig = {
      observation: shapeOnlyLayout(10, 64),
      d: 32,
      layers: 1,
      heads: 4,
      ff: 64,
      classes: 97,
      seed: 2,
    };
    const shape = { tokens: 10, features: 64, d: 32, layers: 1, heads: 4, ff: 64, classes: 97 };
    const rng = new Rng(8);
    const x = rng.fillUniform(new Float32Array(16 * 10 * 64));
    const mask = new Uint8Array(16 * 10);
    const targets = new Int32Array(16 * 10).fill(-1);
    for (let r = 0; r < 16; r++) targets[r * 10] = rng.int(97);
    const grads = (core: boolean) => {
      useCoreKernels(core);
      const net = new TokenNet(shape, 16, tokenTransformerWeights(cfg));
      net.zeroGrad();
      crossEntropy(net.forward(x, mask, 16), targets, 160, 97, net.dLogits);
      net.backward();
      return net.params.map((p) => p.grad.slice());
    };
    const wasm = grads(true);
    const js = grads(false);
    useCoreKernels(true);
    for (let k = 0; k < wasm.length; k++) {
      let max = 0;
      let scale = 1e-6;
      for (let i = 0; i < js[k]!.length; i++) {
        max = Math.max(max, Math.abs(js[k]![i]! - wasm[k]![i]!));
        scale = Math.max(scale, Math.abs(js[k]![i]!));
      }
      expect(max / scale).toBeLessThan(1e-4);
    }
  });
});
