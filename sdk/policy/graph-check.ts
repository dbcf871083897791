/**
 * A policy's spec checked against its graph at load: the inputs the spec names exist with the
 * right dtype, rank and dims (float32 tokens [batch, tokens, featuresPerToken], a bool key mask
 * [batch, tokens]) and are the graph's only inputs; the logits output is float32
 * [batch, tokens, classes]; then one probe run on a zero row confirms the dims the graph really
 * produces — one logit per movement class for every token (egocentric rows read token 0, joint
 * rows every player token), or, for an egocentric policy, for token 0 alone ([batch, 1, classes]:
 * the graph skips what no decision reads). Failures are TickmindErrors naming the tensor.
 */
import { TickmindError } from '../core/errors.js';
import type { Session, TensorDescription } from '../inference/index.js';
import { movementHead, type PolicySpec } from './spec.js';

function mismatch(field: string, message: string, file: string | undefined): never {
  throw new TickmindError('SHAPE_MISMATCH', `policy graph vs spec: ${message}`, { field, ...(file !== undefined ? { file } : {}) });
}

/** Checks a static dim: a number must equal `want`, a symbolic one passes. */
function dimIs(d: number | string | undefined, want: number): boolean {
  return typeof d !== 'number' || d === want;
}

function describeDims(t: TensorDescription): string {
  return `[${t.dims.join(', ')}]`;
}

/** Checks the declared inputs and outputs of the session against the spec (no run). */
export function checkGraphSignature(spec: PolicySpec, session: Session, file?: string): void {
  const o = spec.observation;
  const find = (list: readonly TensorDescription[], name: string, kind: string, field: string): TensorDescription => {
    const t = list.find((x) => x.name === name);
    if (t === undefined)
      mismatch(
        field,
        `the spec's ${kind} '${name}' is not ${kind === 'logits output' ? 'an output' : 'an input'} of the model (it has ${list.map((x) => `'${x.name}'`).join(', ') || 'none'})`,
        file,
      );
    return t;
  };
  const tokens = find(session.inputs, spec.io.tokens, 'tokens input', 'io.tokens');
  const mask = find(session.inputs, spec.io.mask, 'mask input', 'io.mask');
  const extra = session.inputs.filter((t) => t.name !== spec.io.tokens && t.name !== spec.io.mask);
  if (extra.length > 0) mismatch('io', `the model has inputs the policy never feeds: ${extra.map((t) => `'${t.name}'`).join(', ')}`, file);
  if (tokens.dtype !== 'float32') mismatch('io.tokens', `'${tokens.name}' is ${tokens.dtype}, tokens are float32`, file);
  if (tokens.dims.length !== 3 || !dimIs(tokens.dims[1], o.tokens) || !dimIs(tokens.dims[2], o.featuresPerToken))
    mismatch(
      'io.tokens',
      `'${tokens.name}' is ${describeDims(tokens)}, the layout needs [batch, ${o.tokens}, ${o.featuresPerToken}]`,
      file,
    );
  if (mask.dtype !== 'bool') mismatch('io.mask', `'${mask.name}' is ${mask.dtype}, the key mask is bool`, file);
  if (mask.dims.length !== 2 || !dimIs(mask.dims[1], o.tokens))
    mismatch('io.mask', `'${mask.name}' is ${describeDims(mask)}, the layout needs [batch, ${o.tokens}]`, file);
  const logits = find(session.outputs, spec.io.logits, 'logits output', 'io.logits');
  if (logits.dtype !== 'float32') mismatch('io.logits', `'${logits.name}' is ${logits.dtype}, logits are float32`, file);
  const classes = movementHead(spec, file).classes;
  if (logits.dims.length !== 3 || !dimIs(logits.dims[2], classes))
    mismatch('io.logits', `'${logits.name}' is ${describeDims(logits)}, the policy reads [batch, tokens, ${classes}]`, file);
  checkLogitTokens(spec, logits.dims[1], logits.name, file);
}

/**
 * The logits must have one token per input token — deciders read row r's token t at
 * (r · tokens + t) · classes: token 0 of each egocentric row, every player token of a joint row —
 * or, egocentric only, token 0 alone (row r at r · classes).
 */
function checkLogitTokens(spec: PolicySpec, tokens: number | string | undefined, name: string, file: string | undefined): void {
  if (typeof tokens !== 'number' || tokens === spec.observation.tokens || (tokens === 1 && spec.mode === 'egocentric')) return;
  mismatch(
    'io.logits',
    `'${name}' has ${tokens} token(s), not the layout's ${spec.observation.tokens}${spec.mode === 'egocentric' ? ' (or 1: token 0 alone)' : ''}: a ${spec.mode} policy reads ${spec.mode === 'joint' ? 'one per player token' : 'token 0 of each row'}`,
    file,
  );
}

/**
 * Runs the policy once on an all-zero row (all tokens masked but the first), checks the logits'
 * real dims and returns their tokens per row (the layout's tokens, or 1 for an egocentric graph
 * that computes token 0 alone).
 */
export async function probePolicy(spec: PolicySpec, session: Session, file?: string): Promise<number> {
  const o = spec.observation;
  const mask = new Uint8Array(o.tokens).fill(1);
  mask[0] = 0;
  let dims: readonly number[];
  try {
    const results = await session.run({
      [spec.io.tokens]: { data: new Float32Array(o.tokens * o.featuresPerToken), dims: [1, o.tokens, o.featuresPerToken] },
      [spec.io.mask]: { data: mask, dims: [1, o.tokens] },
    });
    const logits = results[spec.io.logits];
    if (logits === undefined) mismatch('io.logits', `the model returned no '${spec.io.logits}'`, file);
    dims = logits.dims;
  } catch (err) {
    if (err instanceof TickmindError) throw err.location.file === undefined && file !== undefined ? err.withFile(file) : err;
    throw new TickmindError('MODEL_INVALID', `policy probe run failed: ${(err as Error).message}`, {
      field: 'io',
      ...(file !== undefined ? { file } : {}),
    });
  }
  const classes = movementHead(spec, file).classes;
  if (dims.length !== 3 || dims[0] !== 1 || dims[2] !== classes)
    mismatch('io.logits', `one row gave logits [${dims.join(', ')}], the policy reads [1, tokens, ${classes}]`, file);
  checkLogitTokens(spec, dims[1], spec.io.logits, file);
  return dims[1]!;
}
