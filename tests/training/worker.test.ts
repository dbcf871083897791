/** The trainer off the main thread: a worker trains and posts its progress events, as a page's Web Worker would. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { shapeOnlyLayout } from '../helpers/layouts.js';

it('trains in a worker, posting batch and epoch progress events', async () => {
  const dist = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'sdk')).href;
  const file = join(mkdtempSync(join(tmpdir(), 'tickmind-worker-')), 'train.mjs');
  writeFileSync(
    file,
    `import { parentPort } from 'node:worker_threads';
import { Rng } from '${dist}/core/index.js';
import { tokenTransformerWeights } from '${dist}/policy/index.js';
import { TokenNet, trainBehaviorCloning } from '${dist}/training/index.js';
const config = { observation: ${JSON.stringify(shapeOnlyLayout(2, 3))}, d: 8, layers: 1, heads: 2, classes: 4, seed: 1 };
const net = new TokenNet({ tokens: 2, features: 3, d: 8, layers: 1, heads: 2, ff: 16, classes: 4 }, 16, tokenTransformerWeights(config));
const rng = new Rng(1);
const count = 64;
const rows = rng.fillUniform(new Float32Array(count * 6));
const targets = new Int32Array(count * 2).fill(-1);
for (let r = 0; r < count; r++) targets[r * 2] = rows[r * 6] > 0 ? 1 : 2;
const data = { count, tokens: 2, features: 3, rows, mask: new Uint8Array(count * 2), targets, episode: Int32Array.from({ length: count }, (_, i) => i >> 3) };
const result = trainBehaviorCloning(net, data, { epochs: 3, onProgress: (e) => parentPort.postMessage(e) });
parentPort.postMessage({ kind: 'done', bestEpoch: result.best.epoch });
`,
  );
  const events: { kind: string }[] = await new Promise((resolve, reject) => {
    const got: { kind: string }[] = [];
    const worker = new Worker(file);
    worker.on('message', (m) => {
      got.push(m);
      if (m.kind === 'done') void worker.terminate().then(() => resolve(got));
    });
    worker.on('error', reject);
  });
  expect(events.filter((e) => e.kind === 'epoch')).toHaveLength(3);
  expect(events.filter((e) => e.kind === 'batch').length).toBeGreaterThanOrEqual(3);
  expect(events.at(-1)).toMatchObject({ kind: 'done' });
});
