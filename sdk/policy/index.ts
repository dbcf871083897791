/**
 * `tickmind/policy`: policy files (ONNX + spec in metadata_props), the untrained starter
 * transformer, seeded sampling, and the decision scheduler with a per-tick budget.
 * @module policy
 */

export { f32, GraphBuilder, i64 } from './graph-builder.js';
export { checkGraphSignature, probePolicy } from './graph-check.js';
export type { PolicyLayoutConfig } from './layout.js';
export type { MlpPolicyConfig } from './mlp.js';
export { buildMlpPolicy, mlpPolicyBytes, mlpPolicyWeights } from './mlp.js';
export type { PolicyOptions } from './policy.js';
export { loadPolicy, Policy } from './policy.js';
export { argmax, sampleLogits } from './sampling.js';
export type { CostModel, SchedulerConfig, SchedulerStats } from './scheduler.js';
export { DecisionScheduler } from './scheduler.js';
export type { PolicyHeadSpec, PolicyIoSpec, PolicyMode, PolicyObservationSpec, PolicyRaySpec, PolicySpec } from './spec.js';
export { checkPolicyAgainstWorld, movementHead, POLICY_METADATA_KEY, POLICY_SPEC_VERSION, parsePolicySpec } from './spec.js';
export type { TokenTransformerConfig } from './starter.js';
export { buildTokenTransformer, defaultLayers, starterModelBytes, tokenTransformerWeights } from './starter.js';
