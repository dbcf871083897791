/**
 * The "train from my recordings" worker: behavior cloning of the egocentric token transformer
 * (d 64, 2 layers, as `tickmind train`) on the page's recording, off the main thread so the game
 * keeps its 64 Hz. Posts every progress event, then the trained ONNX policy.
 */
import {
  buildTokenTransformer,
  datasetFromNpz,
  encodeModel,
  observationLayout,
  TokenNet,
  type TokenTransformerConfig,
  tokenTransformerWeights,
  trainBehaviorCloning,
  trainingData,
} from '../sdk.js';
import type { TrainReply, TrainRequest } from './messages.js';

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
  const config: TokenTransformerConfig = {
    observation: layout,
    classes: 97,
    seed: req.seed,
    d: 64,
    layers: 2,
    heads: 4,
  };
  const net = new TokenNet(
    { tokens: layout.tokens, features: layout.featuresPerToken, d: 64, layers: 2, heads: 4, ff: 128, classes: 97 },
    64,
    tokenTransformerWeights(config),
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
    data: 'sandbox recording',
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
      },
    },
    [model.buffer],
  );
}
