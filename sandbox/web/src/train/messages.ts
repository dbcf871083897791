/** Messages between the page and the training worker. */
import type { TrainProgress } from '../sdk.js';

/** Page → worker: train on this recording (a `.npz` dataset). */
export interface TrainRequest {
  kind: 'train';
  /** The recording, as `tickmind record` would write it (npz bytes, transferred). */
  npz: Uint8Array;
  /** What the data is (kept in the model's training metadata). */
  data: string;
  /** Fine-tune: start from this egocentric policy's weights (same architecture and layout), not from a seeded initialisation. */
  init?: { model: Uint8Array; file: string };
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
      summary: {
        frames: number;
        episodes: number;
        epochs: number;
        valAccuracy: number;
        classPriorAccuracy: number;
        seconds: number;
        /** The policy fine-tuned from, if any. */
        from?: string;
      };
    }
  | { kind: 'error'; message: string };
