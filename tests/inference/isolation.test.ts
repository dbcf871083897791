/**
 * Isolation between models (issue 20): each hostile file is loaded (and, where accepted, run)
 * between runs of each shipped policy in the same process — a session loaded before, and one
 * created after — and the policies' outputs stay bit-identical (issue 20 found the egocentric
 * policy all-NaN after an AveragePool with `strides: []`). Every refusal is a TickmindError with
 * the expected code, made at load, in well under a second and without allocating the sizes the
 * file asks for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { TickmindError } from '../../sdk/core/index.js';
import { createSession, NativeSession } from '../../sdk/inference/index.js';
import { hostileModels } from './hostile-models.js';

const MB = 1024 * 1024;

/**
 * The shipped policies, each with a fixed batch of feeds and its outputs as bits (NaN included):
 * from a session loaded before the hostile files, and from a new session created after each.
 */
const policies = ['egocentric', 'joint-5v5'].map((name) => {
  const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'models', `${name}.onnx`)));
  const session = NativeSession.create(bytes);
  const feeds = randomFeeds(session.inputs, { batch: 3 }, 42);
  const bitsOf = (s: NativeSession): number[] =>
    Array.from(new Uint32Array(Float32Array.from(s.runSync(feeds).logits!.data as Float32Array).buffer));
  const fresh = (): number[] => {
    const s = NativeSession.create(bytes);
    const out = bitsOf(s);
    void s.dispose();
    return out;
  };
  return { name, bits: () => bitsOf(session), fresh, reference: bitsOf(session) };
});
const expectPoliciesUnchanged = (): void => {
  for (const p of policies) {
    expect(p.bits(), p.name).toEqual(p.reference);
    expect(p.fresh(), `${p.name}, a session created now`).toEqual(p.reference);
  }
};

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('isolation: a hostile file never changes another model’s results', () => {
  it('the shipped policies give finite outputs to begin with', () => {
    for (const p of policies) {
      const values = new Float32Array(new Uint32Array(p.reference).buffer);
      expect(values.length, p.name).toBeGreaterThan(100);
      expect(values.every(Number.isFinite), p.name).toBe(true);
    }
  });

  it.each(hostileModels().map((h) => [h.name, h] as const))('%s', async (_, hostile) => {
    expectPoliciesUnchanged();
    const arrayBuffers = process.memoryUsage().arrayBuffers;
    const rss = process.resourceUsage().maxRSS * 1024;
    const t0 = performance.now();
    const err = errorOf(() => NativeSession.create(hostile.bytes, { file: 'hostile.onnx' }));
    if (hostile.expect === 'runs' || hostile.expect === 'run fails') {
      expect(err).toBeUndefined();
      const session = NativeSession.create(hostile.bytes);
      const hostileFeeds =
        hostile.expect === 'run fails' ? { i: { data: new BigInt64Array([0n, 7n]), dims: [2] } } : randomFeeds(session.inputs, { n: 4 }, 1);
      const runErr = errorOf(() => session.runSync(hostileFeeds));
      if (hostile.expect === 'run fails') {
        expect(runErr).toBeInstanceOf(TickmindError);
        expect((runErr as TickmindError).location.node).toBeDefined();
      } else expect(runErr).toBeUndefined();
      await session.dispose();
    } else {
      expect(err, String(err)).toBeInstanceOf(TickmindError);
      expect((err as TickmindError).code, (err as Error).message).toBe(hostile.expect);
      expect((err as Error).message).toContain('hostile.onnx');
      // The same answer for every backend: `auto` (onnxruntime would have run what native lacks) refuses it too.
      await expect(createSession(hostile.bytes, { backend: 'auto' })).rejects.toMatchObject({ code: hostile.expect });
      // A refused file costs well under a second and 100 MB.
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(process.memoryUsage().arrayBuffers - arrayBuffers).toBeLessThan(100 * MB);
      expect(process.resourceUsage().maxRSS * 1024 - rss).toBeLessThan(100 * MB);
    }
    expectPoliciesUnchanged();
  });

  it('the refusal names the node or field at fault', () => {
    const byName = new Map(hostileModels().map((h) => [h.name, h]));
    const err = errorOf(() => NativeSession.create(byName.get('AveragePool strides []')!.bytes)) as TickmindError;
    expect(err.location.field).toBe('strides');
    const attention = errorOf(() =>
      NativeSession.create(byName.get("tickmind.Attention, v's head size larger than q's")!.bytes),
    ) as TickmindError;
    expect(attention.location.field).toBe('domain');
    expect(attention.message).toMatch(/tickmind.*cannot use it/);
  });
});
