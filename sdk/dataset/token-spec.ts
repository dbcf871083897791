/**
 * The dataset spec of token demonstrations: per frame, a row of tokens in a policy's layout, its
 * key mask and the chosen movement class (one for an egocentric row, one per token for a joint
 * row), with the layout itself in `extra.observation` — what `tickmind train`, the JavaScript
 * trainer and the PyTorch recipe read.
 */
import type { TokenLayoutJson } from '../core/index.js';
import type { DatasetSpec, FeatureSpec } from './schema.js';

/** Options of {@link tokenDatasetSpec}. */
export interface TokenDatasetOptions {
  /** Frames per second of the timestamps (default 64). */
  fps?: number;
  /** LeRobot's robot_type (default "tickmind-agent"). */
  robotType?: string;
  /** Movement classes (default 97). */
  classes?: number;
  /** More features per frame (team, health, events…). */
  features?: Record<string, FeatureSpec>;
  /** More fields for `extra` (map, seed…). */
  extra?: Record<string, unknown>;
}

/** A dataset spec for frames of `layout` (see the module comment). */
export function tokenDatasetSpec(layout: TokenLayoutJson, options: TokenDatasetOptions = {}): DatasetSpec {
  const perFrame = layout.mode === 'joint' ? layout.tokens : 1;
  return {
    fps: options.fps ?? 64,
    robotType: options.robotType ?? 'tickmind-agent',
    features: {
      'observation.state': { dtype: 'float32', shape: [layout.tokens * layout.featuresPerToken], names: null },
      'observation.mask': { dtype: 'bool', shape: [layout.tokens], names: null },
      action: { dtype: 'int64', shape: [perFrame], names: null },
      ...options.features,
    },
    extra: { ...options.extra, observation: layout, action: { kind: 'categorical', classes: options.classes ?? 97 } },
  };
}
