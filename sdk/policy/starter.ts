/**
 * The starter model: an UNTRAINED token transformer of the shipped architecture (d = 64,
 * 4 heads, pre-norm, GELU feed-forward, key-padding mask; 2 layers for joint policies, 1 for
 * egocentric ones), built by tickmind's own code with seeded weights, so the whole sense →
 * decide → act loop runs and can be profiled before trained models exist. Its actions are noise;
 * its cost is real.
 */
import { TickmindError } from '../core/errors.js';
import { encodeModel, type Model } from '../inference/index.js';
import { f32, GraphBuilder, i64 } from './graph-builder.js';
import { builtPolicySpec, type PolicyLayoutConfig, tokenWidth } from './layout.js';
import { POLICY_METADATA_KEY } from './spec.js';

/** Architecture and observation layout of a token transformer. */
export interface TokenTransformerConfig extends PolicyLayoutConfig {
  /** Model width (default 64). */
  d?: number;
  /** Encoder layers (default: 2 joint, 1 egocentric — see {@link defaultLayers}). */
  layers?: number;
  /** Attention heads (default 4). */
  heads?: number;
  /** Feed-forward width (default 2d). */
  ff?: number;
}

/**
 * Encoder layers when a config does not say: 2 for joint policies (every token is decided), 1 for
 * egocentric ones — their last layer runs for token 0 alone, so a single layer is the deciding
 * agent's own token attending over every token's keys and values: ~3.5× cheaper per agent than
 * 2 layers at d = 64, and as good on the held-out rounds once trained twice as long (models/egocentric.md).
 */
export function defaultLayers(mode: 'joint' | 'egocentric'): number {
  return mode === 'egocentric' ? 1 : 2;
}

/** Builds the transformer as IR with its policy spec in metadata_props. */
export function buildTokenTransformer(config: TokenTransformerConfig): Model {
  const d = config.d ?? 64;
  const L = config.layers ?? defaultLayers(config.observation.mode);
  const H = config.heads ?? 4;
  const ff = config.ff ?? 2 * d;
  const classes = config.classes ?? 97;
  const T = config.observation.tokens;
  const F = tokenWidth(config);
  if (!Number.isInteger(d) || !Number.isInteger(H) || !Number.isInteger(L) || !Number.isInteger(ff) || d < 1 || H < 1 || L < 1 || ff < 1)
    throw new TickmindError('INVALID_ARGUMENT', `d, heads, layers and ff must be positive integers (got ${d}, ${H}, ${L}, ${ff})`, {
      field: 'd',
    });
  if (d % H !== 0) throw new TickmindError('INVALID_ARGUMENT', `d = ${d} is not divisible by heads = ${H}`, { field: 'heads' });
  const dh = d / H;
  const g = new GraphBuilder(config.seed ?? 1, config.weights ?? {});
  g.inputs.push({ name: 'tokens', dtype: 'float32', dims: ['batch', T, F] }, { name: 'mask', dtype: 'bool', dims: ['batch', T] });

  const linear = (x: string, name: string, inDim: number, outDim: number): string =>
    g.op1('Add', [g.op1('MatMul', [x, g.weight(`${name}.weight`, [inDim, outDim], inDim)]), g.weight(`${name}.bias`, [outDim], inDim)]);
  const norm = (x: string, name: string): string =>
    g.op1(
      'LayerNormalization',
      [x, g.constant(f32([d], new Array(d).fill(1)), `${name}.weight`), g.constant(f32([d], new Array(d).fill(0)), `${name}.bias`)],
      {
        axis: -1,
        epsilon: 1e-5,
      },
    );
  // GELU in the Erf form PyTorch exports (the native backend fuses it).
  const gelu = (x: string): string => {
    const e = g.op1('Erf', [g.op1('Div', [x, g.constant(f32([], [Math.SQRT2]))])]);
    return g.op1('Mul', [g.op1('Mul', [x, g.op1('Add', [e, g.constant(f32([], [1]))])]), g.constant(f32([], [0.5]))]);
  };
  const heads = g.constant(i64([0, 0, H, dh]), 'shape.heads');
  const merge = g.constant(i64([0, 0, d]), 'shape.merge');
  // Padded tokens (mask true) get -1e9 added to their attention scores.
  const maskAdd = g.op1('Reshape', [
    g.op1('Mul', [g.op1('Cast', ['mask'], { to: 1 }), g.constant(f32([], [-1e9]))]),
    g.constant(i64([0, 1, 1, T]), 'shape.mask'),
  ]);
  const scale = g.constant(f32([], [1 / Math.sqrt(dh)]), 'attention.scale');
  const splits = g.constant(i64([d, d, d]), 'qkv.split');

  // Egocentric policies decide from token 0 alone, so the last layer computes token 0's query,
  // attention, feed-forward and head only (keys and values still come from every token): the same
  // logits for token 0, about 40 % fewer FLOPs at d = 64 with 11 tokens. Joint policies read every token.
  const selfOnly = config.observation.mode === 'egocentric';
  g.outputs.push({ name: 'logits', dtype: 'float32', dims: ['batch', selfOnly ? 1 : T, classes] });
  const first = (x: string, axis: number, from: number, to: number): string =>
    g.op1('Slice', [x, g.constant(i64([from])), g.constant(i64([to])), g.constant(i64([axis]))]);

  let h = linear('tokens', 'embed', F, d);
  for (let l = 0; l < L; l++) {
    const p = `layers.${l}`;
    const a = norm(h, `${p}.norm1`);
    let q: string;
    let k: string;
    let v: string;
    if (selfOnly && l === L - 1) {
      // The fused qkv weight sliced into q (applied to token 0) and k|v (every token): the slices fold at load.
      const w = g.weight(`${p}.qkv.weight`, [d, 3 * d], d);
      const b = g.weight(`${p}.qkv.bias`, [3 * d], d);
      q = g.op1('Add', [g.op1('MatMul', [first(a, 1, 0, 1), first(w, 1, 0, d)]), first(b, 0, 0, d)]);
      const kv = g.op1('Add', [g.op1('MatMul', [a, first(w, 1, d, 3 * d)]), first(b, 0, d, 3 * d)]);
      [k, v] = g.op('Split', [kv, g.constant(i64([d, d]), 'kv.split')], { axis: -1 }, 2) as [string, string];
      h = first(h, 1, 0, 1);
    } else [q, k, v] = g.op('Split', [linear(a, `${p}.qkv`, d, 3 * d), splits], { axis: -1 }, 3) as [string, string, string];
    const qh = g.op1('Transpose', [g.op1('Reshape', [q, heads])], { perm: [0, 2, 1, 3] });
    const kt = g.op1('Transpose', [g.op1('Reshape', [k, heads])], { perm: [0, 2, 3, 1] });
    const vh = g.op1('Transpose', [g.op1('Reshape', [v, heads])], { perm: [0, 2, 1, 3] });
    const scores = g.op1('Add', [g.op1('Mul', [g.op1('MatMul', [qh, kt]), scale]), maskAdd]);
    const ctxHeads = g.op1('MatMul', [g.op1('Softmax', [scores], { axis: -1 }), vh]);
    const merged = g.op1('Reshape', [g.op1('Transpose', [ctxHeads], { perm: [0, 2, 1, 3] }), merge]);
    h = g.op1('Add', [h, linear(merged, `${p}.out`, d, d)]);
    const f = linear(gelu(linear(norm(h, `${p}.norm2`), `${p}.ff1`, d, ff)), `${p}.ff2`, ff, d);
    h = g.op1('Add', [h, f]);
  }
  const logits = linear(norm(h, 'final.norm'), 'head', d, classes);
  g.nodes.push({ name: 'logits', op: 'Identity', domain: '', inputs: [logits], outputs: ['logits'], attrs: {} });

  const spec = builtPolicySpec(config, { kind: 'token-transformer', d, layers: L, heads: H, ff, seed: config.seed ?? 1 });
  return g.build(17, { [POLICY_METADATA_KEY]: JSON.stringify(spec) });
}

/** The trainable weights of the model a config builds (the seeded starter values), by parameter name. */
export function tokenTransformerWeights(config: TokenTransformerConfig): Record<string, Float32Array> {
  const model = buildTokenTransformer(config);
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of model.graph.initializers)
    if (/^(embed|head|layers\.\d+\.(qkv|out|ff1|ff2))\.(weight|bias)$/.test(name)) out[name] = Float32Array.from(t.data as Float32Array);
  return out;
}

/** The starter model as ONNX bytes. */
export function starterModelBytes(config: TokenTransformerConfig): Uint8Array {
  return encodeModel(buildTokenTransformer(config), 'tickmind-starter');
}
