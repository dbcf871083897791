/**
 * The MLP baseline policy as an ONNX graph: tokens [batch, T, F] flattened, two ReLU layers of
 * `hidden` units, a head over every token's classes reshaped to logits [batch, T, classes] — the
 * shape every decider reads. The mask input is part of the policy interface but unused (absent
 * tokens are zeros). Weights are seeded (`seed`) or given (trained).
 */
import { encodeModel, type Model } from '../inference/index.js';
import { GraphBuilder, i64 } from './graph-builder.js';
import { builtPolicySpec, type PolicyLayoutConfig, tokenWidth } from './layout.js';
import { POLICY_METADATA_KEY } from './spec.js';

/** Configuration of {@link buildMlpPolicy}. */
export interface MlpPolicyConfig extends PolicyLayoutConfig {
  /** Width of both hidden layers (default 256). */
  hidden?: number;
}

/** Builds the MLP policy as IR with its spec in metadata_props. */
export function buildMlpPolicy(config: MlpPolicyConfig): Model {
  const T = config.observation.tokens;
  const F = tokenWidth(config);
  const H = config.hidden ?? 256;
  const C = config.classes ?? 97;
  const g = new GraphBuilder(config.seed ?? 1, config.weights ?? {});
  g.inputs.push({ name: 'tokens', dtype: 'float32', dims: ['batch', T, F] }, { name: 'mask', dtype: 'bool', dims: ['batch', T] });
  g.outputs.push({ name: 'logits', dtype: 'float32', dims: ['batch', T, C] });
  const linear = (x: string, name: string, inDim: number, outDim: number): string =>
    g.op1('Add', [g.op1('MatMul', [x, g.weight(`${name}.weight`, [inDim, outDim], inDim)]), g.weight(`${name}.bias`, [outDim], inDim)]);
  const flat = g.op1('Reshape', ['tokens', g.constant(i64([0, T * F]), 'shape.flat')]);
  const h1 = g.op1('Relu', [linear(flat, 'l1', T * F, H)]);
  const h2 = g.op1('Relu', [linear(h1, 'l2', H, H)]);
  const out = g.op1('Reshape', [linear(h2, 'head', H, T * C), g.constant(i64([0, T, C]), 'shape.logits')]);
  g.nodes.push({ name: 'logits', op: 'Identity', domain: '', inputs: [out], outputs: ['logits'], attrs: {} });
  const spec = builtPolicySpec(config, { kind: 'mlp', hidden: H, layers: 2, seed: config.seed ?? 1 });
  return g.build(17, { [POLICY_METADATA_KEY]: JSON.stringify(spec) });
}

/** The seeded weights of the MLP a config builds, by parameter name. */
export function mlpPolicyWeights(config: MlpPolicyConfig): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of buildMlpPolicy(config).graph.initializers)
    if (/^(l1|l2|head)\.(weight|bias)$/.test(name)) out[name] = Float32Array.from(t.data as Float32Array);
  return out;
}

/** The MLP policy as ONNX bytes. */
export function mlpPolicyBytes(config: MlpPolicyConfig): Uint8Array {
  return encodeModel(buildMlpPolicy(config), 'tickmind');
}
