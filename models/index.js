// `tickmind/models`: the shipped movement policies by name. Each is an ONNX file next to this
// module whose spec (metadata_props) carries its whole token layout, with a model card (<name>.md).
// In Node, `loadShippedModel` reads the file; in a page it fetches it — bundlers (Vite, webpack 5,
// Rollup) copy the files as assets because each URL is written out below.
import { TickmindError } from '../dist/sdk/core/errors.js';

/** The shipped models: file, card, batching mode and a title. */
export const SHIPPED_MODELS = Object.freeze({
  'joint-5v5': Object.freeze({
    file: 'joint-5v5.onnx',
    card: 'joint-5v5.md',
    mode: 'joint',
    title: 'Joint 5v5 token transformer (d = 64, 2 layers): one pass decides every player',
  }),
  egocentric: Object.freeze({
    file: 'egocentric.onnx',
    card: 'egocentric.md',
    mode: 'egocentric',
    title: 'Egocentric token transformer (d = 64, 2 layers): one row per deciding agent',
  }),
  mlp: Object.freeze({ file: 'mlp.onnx', card: 'mlp.md', mode: 'egocentric', title: 'MLP baseline (2 × 64 ReLU, egocentric rows)' }),
});

// Static URLs (not built from the name) so bundlers see and copy each file.
const URLS = {
  'joint-5v5': () => new URL('./joint-5v5.onnx', import.meta.url),
  egocentric: () => new URL('./egocentric.onnx', import.meta.url),
  mlp: () => new URL('./mlp.onnx', import.meta.url),
};

function check(name) {
  if (!Object.hasOwn(SHIPPED_MODELS, name))
    throw new TickmindError('INVALID_ARGUMENT', `unknown shipped model '${name}' (available: ${Object.keys(SHIPPED_MODELS).join(', ')})`, {
      field: 'name',
    });
}

/** The URL of a shipped model's ONNX file (a file: URL in Node, the bundled asset's URL in a page). */
export function shippedModelUrl(name) {
  check(name);
  return URLS[name]();
}

/** A shipped model's ONNX bytes: read from disk in Node, fetched in a page. */
export async function loadShippedModel(name) {
  const url = shippedModelUrl(name);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new TickmindError('IO', `HTTP ${res.status} while loading the shipped model '${name}'`, { file: String(url) });
  return new Uint8Array(await res.arrayBuffer());
}
