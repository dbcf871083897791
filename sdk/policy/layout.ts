/**
 * What every policy the SDK builds shares (the starter transformer, the MLP): its batching,
 * observation layout, classes, seed and weights, and the spec written from them.
 */
import { POLICY_SPEC_VERSION, type PolicyMode, type PolicyRaySpec, type PolicySpec } from './spec.js';

/** The configuration fields every built policy has. */
export interface PolicyLayoutConfig {
  /** Joint or egocentric batching (recorded in the spec). */
  mode: PolicyMode;
  /** Tokens per observation. */
  tokens: number;
  /** Objective tokens at the end of the tokens (points of interest such as the bomb; default 0). */
  objectives?: number;
  /** Entity feature names (their count plus the ray values is the token width). */
  entityFeatures: string[];
  /** The ray block in each token, or null. */
  rays: PolicyRaySpec | null;
  /** Action classes (default 97). */
  classes?: number;
  /** Weight seed (default 1). */
  seed?: number;
  /** Trained weights by parameter name (e.g. from tickmind/training); others come from the seed. */
  weights?: Readonly<Record<string, Float32Array>>;
  /** How the weights were trained (recorded in the spec; marks the model trained). */
  training?: Record<string, number | string>;
}

/** Floats per token: entity features, then the ray block. */
export function tokenWidth(config: PolicyLayoutConfig): number {
  return config.entityFeatures.length + (config.rays === null ? 0 : config.rays.count * config.rays.valuesPerRay);
}

/** The spec of a built policy (tensor names tokens/mask/logits, one movement head). */
export function builtPolicySpec(config: PolicyLayoutConfig, architecture: Record<string, number | string>): PolicySpec {
  return {
    version: POLICY_SPEC_VERSION,
    mode: config.mode,
    observation: {
      tokens: config.tokens,
      featuresPerToken: tokenWidth(config),
      entityFeatures: config.entityFeatures,
      rays: config.rays,
      stack: 1,
      ...(config.objectives ? { objectives: config.objectives } : {}),
    },
    action: { heads: [{ name: 'movement', classes: config.classes ?? 97 }] },
    io: { tokens: 'tokens', mask: 'mask', logits: 'logits' },
    architecture,
    trained: config.weights !== undefined,
    ...(config.training !== undefined ? { training: config.training } : {}),
  };
}
