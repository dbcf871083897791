/** Session factory: picks the backend (`auto`: native unless an op forces onnxruntime-web). */
import { TickmindError } from '../../core/errors.js';
import { decodeModel } from '../onnx/decode.js';
import { unsupportedOps } from '../ops/registry.js';
import { lowerControlFlow } from '../passes/control-flow.js';
import type { Session, SessionOptions } from '../session.js';
import { NativeSession } from './native.js';
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

/** Decides between native and ort for model bytes, without creating a session. */
export function chooseBackend(bytes: Uint8Array, options: { file?: string } = {}): BackendDecision {
  const model = decodeModel(bytes, options);
  // If/Loop with constant conditions and trip counts become straight-line graphs the native backend runs.
  lowerControlFlow(model.graph);
  const missing = unsupportedOps(model.graph.nodes);
  return missing.length === 0
    ? { backend: 'native', unsupportedOps: [], reason: 'every op runs natively' }
    : { backend: 'ort', unsupportedOps: missing, reason: `onnxruntime-web needed for: ${missing.join(', ')}` };
}

/**
 * Creates a session on the chosen backend (default `auto`). Errors are TickmindErrors that
 * name the file, node or field at fault.
 */
export async function createSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<Session> {
  const choice = options.backend ?? 'auto';
  if (choice === 'native') return NativeSession.create(bytes, options);
  if (choice === 'ort') return OrtSession.create(bytes, options);
  if (choice !== 'auto')
    throw new TickmindError('INVALID_ARGUMENT', `unknown backend '${String(choice)}' (native, ort or auto)`, { field: 'backend' });
  const decision = chooseBackend(bytes, options.file !== undefined ? { file: options.file } : {});
  return decision.backend === 'native' ? NativeSession.create(bytes, options) : OrtSession.create(bytes, options);
}
