/**
 * The training worker: behavior cloning of the egocentric token transformer (d 64, 1 layer, as
 * `tickmind train` and the shipped model) on the page's recording or an imported demo, off the main thread so the game
 * keeps its 64 Hz — from a seeded initialisation, or fine-tuning a policy of the same architecture
 * and layout (as `tickmind train --init`). Posts every progress event, then the trained ONNX policy.
 */
import {
  buildTokenTransformer,
  datasetFromNpz,
  decodeModel,
  defaultLayers,
  encodeModel,
  layoutDifference,
  observationLayout,
  parsePolicySpec,
  TokenNet,
  type TokenTransformerConfig,
  tokenTransformerWeights,
  trainBehaviorCloning,
  trainingData,
} from '../sdk.js';
import type { TrainReply, TrainRequest } from './messages.js';

/** The shipped egocentric architecture's depth (its one layer runs for the deciding agent's token); fine-tuning keeps the policy's own. */
const LAYERS = defaultLayers('egocentric');

const post = (m: TrainReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = (e: MessageEvent<TrainRequest>) => {
  try {
    train(e.data);
  } catch (err) {
    post({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};

function train(req: TrainRequest): void {
  const t0 = performance.now();
  const dataset = datasetFromNpz(req.npz, 'recording.npz');
  const layout = observationLayout(dataset);
  if (layout.mode !== 'egocentric') throw new Error(`the recording holds ${layout.mode} rows; the sandbox trains egocentric policies`);
  const data = trainingData(dataset);
  if (data.count < 16) throw new Error(`only ${data.count} labelled frames: record at least a few seconds of movement first`);
  // Fine-tuning takes the policy's own depth (a two-layer egocentric model from before keeps its two).
  const init = req.init !== undefined ? initialPolicy(req.init, layout) : undefined;
  const layers = init?.layers ?? LAYERS;
  const config: TokenTransformerConfig = {
    observation: layout,
    classes: 97,
    seed: req.seed,
    d: 64,
    layers,
    heads: 4,
  };
  const fresh = tokenTransformerWeights(config);
  const net = new TokenNet(
    { tokens: layout.tokens, features: layout.featuresPerToken, d: 64, layers, heads: 4, ff: 128, classes: 97 },
    64,
    init !== undefined ? startingWeights(init, fresh) : fresh,
  );
  let lastPost = 0;
  const result = trainBehaviorCloning(net, data, {
    epochs: req.epochs,
    seed: req.seed,
    patience: 4,
    clock: () => performance.now() * 1000,
    onProgress: (event) => {
      // Every epoch, and minibatches at most every 50 ms (the page redraws the curve on each).
      const now = performance.now();
      if (event.kind === 'batch' && now - lastPost < 50) return;
      lastPost = now;
      post({ kind: 'progress', event });
    },
  });
  const training = {
    data: req.data,
    ...(req.init !== undefined ? { init: req.init.file } : {}),
    frames: data.count,
    epochs: result.history.length,
    bestEpoch: result.best.epoch,
    seed: req.seed,
    valAccuracy: result.best.valAccuracy,
    classPriorAccuracy: result.classPriorAccuracy,
  };
  const model = encodeModel(buildTokenTransformer({ ...config, weights: net.weights(), training }), 'tickmind sandbox');
  post(
    {
      kind: 'done',
      model,
      summary: {
        frames: data.count,
        episodes: dataset.episodes.length,
        epochs: result.history.length,
        valAccuracy: result.best.valAccuracy,
        classPriorAccuracy: result.classPriorAccuracy,
        seconds: (performance.now() - t0) / 1000,
        ...(req.init !== undefined ? { from: req.init.file } : {}),
      },
    },
    [model.buffer],
  );
}

/** A policy to fine-tune: an egocentric token transformer of d 64, 4 heads (any depth), trained on the data's layout. */
function initialPolicy(
  init: { model: Uint8Array; file: string },
  layout: ReturnType<typeof observationLayout>,
): { model: ReturnType<typeof decodeModel>; file: string; layers: number } {
  const model = decodeModel(init.model);
  const spec = parsePolicySpec(model.metadata, init.file);
  const a = spec.architecture;
  const layers = Number(a.layers);
  if (
    spec.mode !== 'egocentric' ||
    a.kind !== 'token-transformer' ||
    a.d !== 64 ||
    a.heads !== 4 ||
    (a.ff !== undefined && a.ff !== 128) ||
    !Number.isInteger(layers) ||
    layers < 1
  )
    throw new Error(`${init.file} is not an egocentric token transformer of d 64, 4 heads: it cannot be fine-tuned here`);
  const difference = layoutDifference(spec.observation, layout);
  if (difference !== undefined) throw new Error(`${init.file} was trained on another observation layout than the data's: ${difference}`);
  return { model, file: init.file, layers };
}

/** The policy's weights in place of the fresh ones (of its architecture). */
function startingWeights(
  init: { model: ReturnType<typeof decodeModel>; file: string },
  fresh: Record<string, Float32Array>,
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(fresh)) {
    const v = init.model.graph.initializers.get(name)?.data;
    if (!(v instanceof Float32Array) || v.length !== w.length)
      throw new Error(`${init.file} has no parameter ${name} of ${w.length} values`);
    out[name] = Float32Array.from(v);
  }
  return out;
}
