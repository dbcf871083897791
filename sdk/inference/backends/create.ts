/** Session factory: picks the backend (`auto`: native unless the model needs what only onnxruntime-web runs). */
import { TickmindError } from '../../core/errors.js';
import { fileLocation, toTickmindError } from '../errors.js';
import type { Model } from '../ir/graph.js';
import { decodeModel } from '../onnx/decode.js';
import type { ModelLimits } from '../onnx/limits.js';
import { decodeOptions, type Session, type SessionOptions } from '../session.js';
import { NativeSession } from './native.js';
import { nativeSupport } from './native-support.js';
import { OrtSession } from './ort.js';

/** Why `auto` picked what it picked. */
export interface BackendDecision {
  /** The backend `auto` would run. */
  backend: 'native' | 'ort';
  /** Ops the native backend lacks (empty when it runs everything). */
  unsupportedOps: string[];
  /** A readable explanation. */
  reason: string;
}

/**
 * Decides between native and ort for model bytes, without creating a session. The model is
 * decoded and validated as for a session: a file neither backend may run throws its TickmindError.
 */
export function chooseBackend(bytes: Uint8Array, options: { file?: string; limits?: Partial<ModelLimits> } = {}): BackendDecision {
  try {
    return decide(decodeModel(bytes, options));
  } catch (err) {
    throw toTickmindError(err, 'INTERNAL', fileLocation(options.file));
  }
}

function decide(model: Model): BackendDecision {
  // If/Loop with constant conditions and trip counts become straight-line graphs the native backend runs.
  const support = nativeSupport(model);
  if (support.missing.length > 0) {
    return { backend: 'ort', unsupportedOps: [...support.missing], reason: `onnxruntime-web needed for: ${support.missing.join(', ')}` };
  }
  const gap = support.gaps[0];
  if (gap !== undefined) return { backend: 'ort', unsupportedOps: [], reason: `onnxruntime-web needed: ${gap.detail}` };
  return { backend: 'native', unsupportedOps: [], reason: 'every op runs natively' };
}

/**
 * Creates a session on the chosen backend (default `auto`). The model is decoded and validated
 * once, with the same checks and limits whichever backend runs it. Errors are TickmindErrors that
 * name the file, node or field at fault, and nothing else.
 */
export async function createSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<Session> {
  try {
    const choice = options.backend ?? 'auto';
    if (choice !== 'native' && choice !== 'ort' && choice !== 'auto')
      throw new TickmindError('INVALID_ARGUMENT', `unknown backend '${String(choice)}' (native, ort or auto)`, { field: 'backend' });
    const model = decodeModel(bytes, decodeOptions(options));
    const backend = choice === 'auto' ? decide(model).backend : choice;
    return backend === 'native' ? new NativeSession(model, options) : await OrtSession.fromModel(bytes, model, options);
  } catch (err) {
    throw toTickmindError(err, 'INTERNAL', fileLocation(options.file));
  }
}
