/**
 * What every policy the SDK builds shares (the starter transformer, the MLP): its observation
 * layout, classes, seed and weights, and the spec written from them.
 */
import type { TokenLayoutJson } from '../core/layout-json.js';
import { POLICY_SPEC_VERSION, type PolicySpec } from './spec.js';

/** The configuration fields every built policy has. */
export interface PolicyLayoutConfig {
  /** The token layout the policy reads (`TokenLayout.toJSON()` from tickmind/sensors, or a dataset's `extra.observation`). */
  observation: TokenLayoutJson;
  /** Action classes (default 97). */
  classes?: number;
  /** Weight seed (default 1). */
  seed?: number;
  /** Trained weights by parameter name (e.g. from tickmind/training); others come from the seed. */
  weights?: Readonly<Record<string, Float32Array>>;
  /** How the weights were trained (recorded in the spec; marks the model trained). */
  training?: Record<string, number | string>;
}

/** Floats per token. */
export function tokenWidth(config: PolicyLayoutConfig): number {
  return config.observation.featuresPerToken;
}

/** The spec of a built policy (tensor names tokens/mask/logits, one movement head). */
export function builtPolicySpec(config: PolicyLayoutConfig, architecture: Record<string, number | string>): PolicySpec {
  return {
    version: POLICY_SPEC_VERSION,
    mode: config.observation.mode,
    observation: config.observation,
    action: { heads: [{ name: 'movement', classes: config.classes ?? 97 }] },
    io: { tokens: 'tokens', mask: 'mask', logits: 'logits' },
    architecture,
    trained: config.weights !== undefined,
    ...(config.training !== undefined ? { training: config.training } : {}),
  };
}
