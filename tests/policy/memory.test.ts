/** Policies give their kernel memory back: a game that reloads or retrains bots does not grow. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sharedRuntime } from '../../sdk/inference/wasm/runtime.js';
import { loadPolicy } from '../../sdk/policy/index.js';

it('loading, running and disposing a policy 1,000 times leaves kernel memory within one model of where it started', async () => {
  const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'models', 'egocentric.onnx')));
  const runtime = sharedRuntime();
  const live = runtime.bytesLive;
  const start = runtime.highWaterMark;
  let footprint = 0;
  for (let i = 0; i < 1000; i++) {
    const policy = await loadPolicy(bytes, { maxBatch: 4 });
    policy.runSync(1 + (i % 4));
    footprint = Math.max(footprint, runtime.bytesLive - live);
    await policy.dispose();
  }
  expect(runtime.bytesLive).toBe(live);
  expect(footprint).toBeGreaterThan(100_000);
  expect(runtime.highWaterMark - start).toBeLessThanOrEqual(footprint);
  // A disposed policy cannot run on memory another model may own now.
  const policy = await loadPolicy(bytes);
  await policy.dispose();
  expect(() => policy.runSync(1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
}, 60_000);
