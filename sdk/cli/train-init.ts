/**
 * `tickmind train --init POLICY.onnx`: fine-tuning. The policy's architecture (from its spec)
 * replaces --d/--layers/--heads/--hidden, and its weights replace the seeded initial ones — after
 * checking that it is a tickmind policy of the asked architecture, trained on the same token
 * layout as the data, and holding every parameter at the size training expects.
 */
import { readFileSync } from 'node:fs';
import { layoutDifference, TickmindError, type TokenLayoutJson } from '../core/index.js';
import { decodeModel } from '../inference/index.js';
import { parsePolicySpec } from '../policy/index.js';

/** What a policy file gives training to start from. */
export interface InitialPolicy {
  /** The file. */
  file: string;
  /** Architecture hyperparameters from its spec (d, layers, heads, or hidden). */
  architecture: Record<string, number | string>;
  /** Its initializers by name. */
  initializers: Map<string, Float32Array>;
}

/** Reads and checks `file` against the architecture and the data's layout. */
export function readInitialPolicy(file: string, arch: 'joint' | 'egocentric' | 'mlp', layout: TokenLayoutJson): InitialPolicy {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the policy to start from: ${(err as Error).message}`, { file, field: 'init' });
  }
  const model = decodeModel(bytes);
  const spec = parsePolicySpec(model.metadata, file);
  const kind = arch === 'mlp' ? 'mlp' : 'token-transformer';
  if (spec.architecture.kind !== kind)
    throw new TickmindError('INVALID_ARGUMENT', `--init is a ${String(spec.architecture.kind)} policy; --arch ${arch} trains a ${kind}`, {
      file,
      field: 'init',
    });
  if (arch !== 'mlp' && spec.mode !== arch)
    throw new TickmindError('INVALID_ARGUMENT', `--init is a ${spec.mode} policy; --arch ${arch} trains a ${arch} one`, {
      file,
      field: 'init',
    });
  const difference = layoutDifference(spec.observation, layout);
  if (difference !== undefined)
    throw new TickmindError('INVALID_ARGUMENT', `--init was trained on another observation layout than the data's: ${difference}`, {
      file,
      field: 'init',
    });
  const initializers = new Map<string, Float32Array>();
  for (const [name, t] of model.graph.initializers) if (t.data instanceof Float32Array) initializers.set(name, t.data);
  return { file, architecture: spec.architecture, initializers };
}

/** `fresh`'s parameters replaced by the policy's (same names, same sizes; otherwise an error naming the parameter). */
export function initialWeights(init: InitialPolicy, fresh: Record<string, Float32Array>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(fresh)) {
    const v = init.initializers.get(name);
    if (v === undefined) throw new TickmindError('INVALID_ARGUMENT', `--init has no parameter ${name}`, { file: init.file, field: name });
    if (v.length !== w.length)
      throw new TickmindError('INVALID_ARGUMENT', `--init's ${name} holds ${v.length} values, training expects ${w.length}`, {
        file: init.file,
        field: name,
      });
    out[name] = Float32Array.from(v);
  }
  return out;
}
