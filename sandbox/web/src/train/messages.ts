/** Messages between the page and the training worker. */
import type { TrainProgress } from '../sdk.js';

/** Page → worker: train on this recording (a `.npz` dataset). */
export interface TrainRequest {
  kind: 'train';
  /** The recording, as `tickmind record` would write it (npz bytes, transferred). */
  npz: Uint8Array;
  /** Epochs at most. */
  epochs: number;
  /** Seed of the initialisation, split and shuffles. */
  seed: number;
}

/** Worker → page. */
export type TrainReply =
  | { kind: 'progress'; event: TrainProgress }
  | {
      kind: 'done';
      /** The trained policy (ONNX with its spec), ready for loadPolicy. */
      model: Uint8Array;
      summary: { frames: number; episodes: number; epochs: number; valAccuracy: number; classPriorAccuracy: number; seconds: number };
    }
  | { kind: 'error'; message: string };
