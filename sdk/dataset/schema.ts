/**
 * The episode schema: a dataset is frames (one per recorded decision of one agent) grouped into
 * episodes (one agent's round), each frame a row of named features with a fixed dtype and shape.
 * LeRobot's standard columns are always present; the recording application declares the rest.
 */
import { TickmindError } from '../core/index.js';

/** Element types of features. */
export type FeatureDType = 'float32' | 'int64' | 'int32' | 'bool';

/** One feature (column): dtype, shape and, optionally, a name per element. */
export interface FeatureSpec {
  /** Element type. */
  dtype: FeatureDType;
  /** Shape of one frame's value ([1] for scalars). */
  shape: number[];
  /** Names of the elements (e.g. ["forward", "lateral"]), or null. */
  names: string[] | null;
}

/** What a dataset holds. */
export interface DatasetSpec {
  /** Frames per second of the timestamps (the game's tick rate). */
  fps: number;
  /** LeRobot's robot_type: what acted. */
  robotType: string;
  /** The application's features (the standard columns are added by {@link fullFeatures}). */
  features: Record<string, FeatureSpec>;
  /** Free-form description stored with the data (policy specs, map, seed…). */
  extra?: Record<string, unknown>;
}

/** LeRobot's standard per-frame columns. */
export const STANDARD_FEATURES: Readonly<Record<string, FeatureSpec>> = {
  timestamp: { dtype: 'float32', shape: [1], names: null },
  frame_index: { dtype: 'int64', shape: [1], names: null },
  episode_index: { dtype: 'int64', shape: [1], names: null },
  index: { dtype: 'int64', shape: [1], names: null },
  task_index: { dtype: 'int64', shape: [1], names: null },
};

/** Values per frame of a feature. */
export function featureWidth(f: FeatureSpec): number {
  return f.shape.reduce((a, b) => a * b, 1);
}

/** The application's features followed by the standard ones; throws on a clash or a bad shape. */
export function fullFeatures(spec: DatasetSpec): Record<string, FeatureSpec> {
  for (const [name, f] of Object.entries(spec.features)) {
    if (name in STANDARD_FEATURES) throw new TickmindError('INVALID_ARGUMENT', `feature '${name}' is a standard column`, { field: name });
    if (f.shape.length === 0 || f.shape.some((d) => !Number.isInteger(d) || d < 1))
      throw new TickmindError('INVALID_ARGUMENT', `feature '${name}' has a bad shape [${f.shape}]`, { field: name });
    if (!['float32', 'int64', 'int32', 'bool'].includes(f.dtype))
      throw new TickmindError('INVALID_ARGUMENT', `feature '${name}' has an unsupported dtype '${f.dtype}'`, { field: name });
  }
  return { ...spec.features, ...STANDARD_FEATURES };
}

/** One finished episode: its frames' values per feature (standard columns included). */
export interface Episode {
  /** Episode index in the dataset. */
  index: number;
  /** Task (a short description, e.g. "retake de_dust2 as CT"). */
  task: string;
  /** Frames. */
  length: number;
  /** Values per feature: length × width, row-major. */
  columns: Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>;
}

/** A dataset in memory: its spec and its episodes in order. */
export interface Dataset {
  /** The spec. */
  spec: DatasetSpec;
  /** Episodes, by index. */
  episodes: Episode[];
}

/** A typed array for n values of a dtype (int64 kept as float64: exact up to 2^53). */
export function columnArray(dtype: FeatureDType, n: number): Float32Array | Float64Array | Int32Array | Uint8Array {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    default:
      return new Uint8Array(n);
  }
}
