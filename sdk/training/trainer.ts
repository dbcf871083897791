/**
 * Behavior cloning: cross-entropy on the recorded classes, AdamW, linear warm-up then cosine
 * decay, shuffled minibatches, a train/validation split by episode, early stopping on the
 * validation loss (the best weights are kept), all seeded and deterministic. Progress is
 * reported through a callback (a terminal progress bar, or events from a Web Worker).
 */
import { Rng, TickmindError } from '../core/index.js';
import type { TrainingData } from './data.js';
import { crossEntropy } from './loss.js';
import { AdamW, learningRate } from './optimizer.js';
import type { PolicyNet } from './token-net.js';

/** Options of {@link trainBehaviorCloning}. */
export interface TrainOptions {
  /** Epochs at most (default 20). */
  epochs?: number;
  /** Rows per minibatch (default the network's maxBatch). */
  batch?: number;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** Warm-up steps (default 5 % of all steps). */
  warmup?: number;
  /** AdamW weight decay (default 0.01). */
  weightDecay?: number;
  /** Share of episodes held out for validation (default 0.1; at least one episode). */
  valFraction?: number;
  /** Epochs without a better validation loss before stopping (default 4). */
  patience?: number;
  /** Seed of the split, the shuffles (default 1). */
  seed?: number;
  /** Time source in µs for the records' `seconds` (the CLI passes the profiler's monotonic clock; default none: 0). */
  clock?: () => number;
  /** Progress: after every minibatch and every epoch. */
  onProgress?: (event: TrainProgress) => void;
}

/** A progress event: after a minibatch, or after an epoch. */
export type TrainProgress = BatchProgress | EpochProgress;

/** After each minibatch. */
export interface BatchProgress {
  /** Discriminator. */
  kind: 'batch';
  /** Epoch, from 1. */
  epoch: number;
  /** Epochs at most. */
  epochs: number;
  /** Minibatch within the epoch, from 1. */
  step: number;
  /** Minibatches per epoch. */
  stepsPerEpoch: number;
  /** This minibatch's loss. */
  loss: number;
}

/** After each epoch. */
export interface EpochProgress {
  /** Discriminator. */
  kind: 'epoch';
  /** The epoch's figures. */
  record: EpochRecord;
}

/** One epoch's figures. */
export interface EpochRecord {
  /** Epoch, from 1. */
  epoch: number;
  /** Mean training loss (nats). */
  trainLoss: number;
  /** Training accuracy (argmax = target). */
  trainAccuracy: number;
  /** Validation loss. */
  valLoss: number;
  /** Validation accuracy. */
  valAccuracy: number;
  /** Learning rate at the epoch's end. */
  lr: number;
  /** Seconds since training started. */
  seconds: number;
}

/** Sizes of the train/validation split. */
export interface SplitSizes {
  /** Training frames. */
  trainFrames: number;
  /** Validation frames. */
  valFrames: number;
  /** Training episodes. */
  trainEpisodes: number;
  /** Validation (held-out) episodes. */
  valEpisodes: number;
}

/** What training produced (the network holds the best weights). */
export interface TrainResult {
  /** Every epoch. */
  history: EpochRecord[];
  /** The epoch whose weights were kept (lowest validation loss). */
  best: EpochRecord;
  /** Whether early stopping ended training. */
  stoppedEarly: boolean;
  /** Frames and episodes on each side of the split. */
  split: SplitSizes;
  /** Validation accuracy of always predicting the most frequent training class. */
  classPriorAccuracy: number;
}

/** Trains `net` on `data` (see the module comment). */
export function trainBehaviorCloning(net: PolicyNet, data: TrainingData, options: TrainOptions = {}): TrainResult {
  const T = data.tokens;
  const F = data.features;
  const C = net.config.classes;
  if (net.config.tokens !== T || net.config.features !== F)
    throw new TickmindError(
      'SHAPE_MISMATCH',
      `the network takes ${net.config.tokens} × ${net.config.features} tokens, the data has ${T} × ${F}`,
      {
        field: 'tokens',
      },
    );
  const epochs = options.epochs ?? 20;
  const batch = Math.min(options.batch ?? net.maxBatch, net.maxBatch);
  const rng = new Rng(options.seed ?? 1);
  const { train, val, valEpisodes, trainEpisodes } = splitByEpisode(data, options.valFraction ?? 0.1, rng);
  if (train.length === 0) throw new TickmindError('INVALID_ARGUMENT', 'no training frames (the dataset is empty)', { field: 'data' });
  const steps = epochs * Math.ceil(train.length / batch);
  const warmup = options.warmup ?? Math.max(1, Math.round(steps * 0.05));
  const peak = options.lr ?? 1e-3;
  const optimizer = new AdamW(net.params, { weightDecay: options.weightDecay ?? 0.01 });
  const x = new Float32Array(batch * T * F);
  const m = new Uint8Array(batch * T);
  const t = new Int32Array(batch * T);
  const gather = (idx: Int32Array, from: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const r = idx[from + i]!;
      x.set(data.rows.subarray(r * T * F, (r + 1) * T * F), i * T * F);
      m.set(data.mask.subarray(r * T, (r + 1) * T), i * T);
      t.set(data.targets.subarray(r * T, (r + 1) * T), i * T);
    }
  };
  const evaluate = (idx: Int32Array) => {
    let loss = 0;
    let correct = 0;
    let count = 0;
    for (let from = 0; from < idx.length; from += batch) {
      const n = Math.min(batch, idx.length - from);
      gather(idx, from, n);
      const r = crossEntropy(net.forward(x, m, n), t, n * T, C);
      loss += r.loss * r.count;
      correct += r.correct;
      count += r.count;
    }
    return { loss: count > 0 ? loss / count : 0, accuracy: count > 0 ? correct / count : 0 };
  };
  const history: EpochRecord[] = [];
  let best: EpochRecord | undefined;
  let bestWeights = net.params.map((p) => p.data.slice());
  let since = 0;
  let step = 0;
  let lr = peak;
  const clock = options.clock;
  const started = clock?.() ?? 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffle(train, rng);
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    const stepsPerEpoch = Math.ceil(train.length / batch);
    for (let s = 0; s < stepsPerEpoch; s++) {
      const from = s * batch;
      const n = Math.min(batch, train.length - from);
      gather(train, from, n);
      net.zeroGrad();
      const r = crossEntropy(net.forward(x, m, n), t, n * T, C, net.dLogits);
      net.backward();
      lr = learningRate(step++, steps, peak, warmup);
      optimizer.step(lr);
      lossSum += r.loss * r.count;
      correct += r.correct;
      count += r.count;
      options.onProgress?.({ kind: 'batch', epoch, epochs, step: s + 1, stepsPerEpoch, loss: r.loss });
    }
    const v = val.length > 0 ? evaluate(val) : { loss: lossSum / count, accuracy: correct / count };
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / Math.max(1, count),
      trainAccuracy: correct / Math.max(1, count),
      valLoss: v.loss,
      valAccuracy: v.accuracy,
      lr,
      seconds: clock === undefined ? 0 : (clock() - started) / 1e6,
    };
    history.push(record);
    options.onProgress?.({ kind: 'epoch', record });
    if (best === undefined || record.valLoss < best.valLoss) {
      best = record;
      bestWeights = net.params.map((p) => p.data.slice());
      since = 0;
    } else if (++since >= (options.patience ?? 4)) break;
  }
  for (const [k, p] of net.params.entries()) p.data.set(bestWeights[k]!);
  return {
    history,
    best: best!,
    stoppedEarly: history.length < epochs,
    split: { trainFrames: train.length, valFrames: val.length, trainEpisodes, valEpisodes },
    classPriorAccuracy: classPrior(data, train, val, C),
  };
}

function splitByEpisode(data: TrainingData, fraction: number, rng: Rng) {
  const episodes = [...new Set(data.episode)].sort((a, b) => a - b);
  shuffle(episodes, rng);
  const nVal = episodes.length < 2 ? 0 : Math.max(1, Math.round(episodes.length * fraction));
  const valSet = new Set(episodes.slice(0, nVal));
  const train: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < data.count; i++) (valSet.has(data.episode[i]!) ? val : train).push(i);
  return { train: Int32Array.from(train), val: Int32Array.from(val), valEpisodes: nVal, trainEpisodes: episodes.length - nVal };
}

function shuffle(a: Int32Array | number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

function classPrior(data: TrainingData, train: Int32Array, val: Int32Array, classes: number): number {
  const counts = new Int32Array(classes);
  const T = data.tokens;
  for (const r of train)
    for (let k = 0; k < T; k++) {
      const c = data.targets[r * T + k]!;
      if (c >= 0) counts[c] = counts[c]! + 1;
    }
  let top = 0;
  for (let c = 1; c < classes; c++) if (counts[c]! > counts[top]!) top = c;
  let hit = 0;
  let n = 0;
  for (const r of val)
    for (let k = 0; k < T; k++)
      if (data.targets[r * T + k]! >= 0) {
        n++;
        if (data.targets[r * T + k] === top) hit++;
      }
  return n > 0 ? hit / n : 0;
}
