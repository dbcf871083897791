/**
 * `tickmind/training`: behavior cloning of the token-transformer policies on CPU (Node or a Web
 * Worker): the network with its exact backward pass, cross-entropy, AdamW with warm-up and cosine
 * decay, episode-split validation with early stopping, training rows from recorded datasets, and
 * the loss/accuracy curve page. Trained weights export through `tickmind/policy`.
 * @module training
 */

export { trainingCurveHtml } from './curve.js';
export type { ObservationLayout, TrainingData } from './data.js';
export { observationLayout, trainingData } from './data.js';
export type { LossResult } from './loss.js';
export { crossEntropy } from './loss.js';
export { erf, gelu, geluGrad, useCoreKernels } from './math.js';
export type { MlpNetConfig } from './mlp-net.js';
export { MlpNet } from './mlp-net.js';
export type { AdamWOptions } from './optimizer.js';
export { AdamW, learningRate } from './optimizer.js';
export type { Param, PolicyNet, RowShape, TokenNetConfig } from './token-net.js';
export { TokenNet } from './token-net.js';
export type { BatchProgress, EpochProgress, EpochRecord, SplitSizes, TrainOptions, TrainProgress, TrainResult } from './trainer.js';
export { trainBehaviorCloning } from './trainer.js';
