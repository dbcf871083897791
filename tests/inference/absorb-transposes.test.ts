/**
 * nn.MultiheadAttention's Transposes (batch-first → sequence-first and back) are absorbed at plan
 * time: the projections read x's rows in its own order and the attention runs in its batched
 * layout. Same bits as the plan that keeps them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { decodeModel, encodeModel, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { compare } from '../helpers/fixtures.js';
import { planStepCount } from '../helpers/plans.js';

const file = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'models', `${name}.onnx`)));

/** The same model with the first layer's leading Transpose output also a graph output: that layer cannot be rewritten. */
function keepingFirstTranspose(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const t = model.graph.nodes.find((n) => n.op === 'Transpose' && n.name.includes('layers.0/self_attn'))!;
  model.graph.outputs.push({ name: t.outputs[0]!, dtype: 'float32', dims: ['T', 'B', 'd'] });
  return encodeModel(model);
}

describe('attention Transposes absorbed at plan time', () => {
  it.each(['transformer_d128_l4', 'transformer_d64_l2'])(
    '%s: two steps fewer in each layer that matches, the same bits, onnxruntime-web’s values',
    async (name) => {
      const bytes = file(name);
      const kept = keepingFirstTranspose(bytes);
      // The layer whose Transpose is an output keeps both of its Transposes; the others lose theirs.
      expect(
        planStepCount(kept, [
          [8, 10, 24],
          [8, 10],
        ]),
      ).toBe(
        planStepCount(bytes, [
          [8, 10, 24],
          [8, 10],
        ]) + 2,
      );
      const absorbed = NativeSession.create(bytes);
      const reference = NativeSession.create(kept);
      const ort = await OrtSession.create(bytes);
      for (const batch of [1, 3, 8]) {
        const feeds = randomFeeds(absorbed.inputs, { batch }, batch);
        const got = Float32Array.from(absorbed.runSync(feeds).logits!.data as Float32Array);
        const want = Float32Array.from(reference.runSync(feeds).logits!.data as Float32Array);
        expect(Array.from(new Uint32Array(got.buffer)), `batch ${batch}`).toEqual(Array.from(new Uint32Array(want.buffer)));
        const { failures, maxAbsDiff } = compare(got, (await ort.run(feeds)).logits!.data as Float32Array);
        expect(failures, `batch ${batch}: max |diff| ${maxAbsDiff}`).toBe(0);
      }
      await ort.dispose();
    },
  );
});
