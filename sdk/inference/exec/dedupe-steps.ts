/**
 * Plan-time common-subexpression elimination: a step that applies the same operator, with the
 * same attributes, to the same inputs as an earlier step is dropped, and its readers read the
 * earlier step's outputs. PyTorch exports recompute per layer what only depends on a graph
 * input — the attention mask's Reshape → Expand → Cast → Where → Mul chain runs once per layer
 * of a transformer — from shape arithmetic that only becomes equal constants once the plan's
 * shapes are known, so this runs on the planned steps. Every supported operator is a function
 * of its inputs and attributes: the outputs are the ones the dropped steps would have computed.
 */
import type { Node } from '../ir/graph.js';
import type { ValueState } from '../ops/types.js';
import type { Tensor } from '../tensor.js';
import type { Pending } from './kernel-context.js';

/**
 * Constants up to this many bytes are keyed by their bytes. Larger ones (a batch-sized mask of
 * zeros at batch 128 is 5 KiB) are keyed by a sample of their bytes, and a step whose key
 * matches merges only once their bytes compare equal: a constant is read in full only when its
 * sample matches another's.
 */
const VALUE_KEY_MAX_BYTES = 4096;

/** About how many bytes a large constant's key samples (1024–2047), spread over it. */
const SAMPLED_BYTES = 1024;

/**
 * Returns `pending` without its repeated steps, readers renamed to the first step's outputs.
 * A step one of whose outputs is a graph output is always kept.
 */
export function dedupeSteps(pending: readonly Pending[], graphOutputs: ReadonlySet<string>): Pending[] {
  const rename = new Map<string, string>();
  // Per key, the distinct steps kept: large constants that share a sample but differ each keep theirs.
  const firstByKey = new Map<string, Pending[]>();
  const constantKeys = new Map<Tensor, string>();
  const out: Pending[] = [];
  for (const p0 of pending) {
    const p = renamed(p0, rename);
    const key = stepKey(p, constantKeys);
    const kept = key === undefined ? undefined : firstByKey.get(key);
    const outputs = p.node.outputs;
    const first = kept?.find((f) => outputs.length === f.node.outputs.length && sameLargeConstants(p, f));
    if (first !== undefined && outputs.every((o) => !graphOutputs.has(o))) {
      outputs.forEach((o, i) => {
        if (o !== '') rename.set(o, first.node.outputs[i]!);
      });
      continue;
    }
    // An unused optional output of the first step would leave a reader of the repeat without a value.
    if (key !== undefined && first === undefined && outputs.every((o) => o !== '')) {
      if (kept === undefined) firstByKey.set(key, [p]);
      else kept.push(p);
    }
    out.push(p);
  }
  return out;
}

/** The step with its inputs renamed (a new node: the graph's nodes are shared by every plan). */
function renamed(p: Pending, rename: ReadonlyMap<string, string>): Pending {
  if (!p.node.inputs.some((name) => rename.has(name))) return p;
  const node: Node = { ...p.node, inputs: p.node.inputs.map((name) => rename.get(name) ?? name) };
  return { ...p, node };
}

/** What identifies the step's result, or undefined for a step never merged (graph attributes). */
function stepKey(p: Pending, constantKeys: Map<Tensor, string>): string | undefined {
  const attrs: string[] = [];
  for (const name of Object.keys(p.node.attrs).sort()) {
    const v = p.node.attrs[name]!;
    if (typeof v === 'object' && !Array.isArray(v)) return undefined; // a tensor or a subgraph
    attrs.push(`${name}=${JSON.stringify(v)}`);
  }
  const inputs = p.node.inputs.map((name, i) => inputKey(name, p.inputs[i], constantKeys));
  return `${p.node.domain}|${p.node.op}|${attrs.join(',')}|${inputs.join(',')}`;
}

/** A runtime value by name; a small constant by its type, shape and bytes. */
function inputKey(name: string, state: ValueState | undefined, constantKeys: Map<Tensor, string>): string {
  const value = state?.value;
  if (value === undefined) return `v:${JSON.stringify(name)}`;
  let key = constantKeys.get(value);
  if (key === undefined) {
    const data = value.data;
    key =
      data.byteLength <= VALUE_KEY_MAX_BYTES
        ? `c:${value.dtype}[${value.dims.join('x')}]${bytesHex(bytesOf(value))}`
        : `c:${value.dtype}[${value.dims.join('x')}]#${sampleHash(bytesOf(value))}`;
    constantKeys.set(value, key);
  }
  return key;
}

/** Whether every constant input past VALUE_KEY_MAX_BYTES holds the same bytes in both steps (their keys matched). */
function sameLargeConstants(p: Pending, first: Pending): boolean {
  for (let i = 0; i < p.inputs.length; i++) {
    const a = p.inputs[i]?.value;
    const b = first.inputs[i]?.value;
    if (a === undefined || a === b || a.data.byteLength <= VALUE_KEY_MAX_BYTES) continue;
    if (b === undefined || !equalBytes(bytesOf(a), bytesOf(b))) return false;
  }
  return true;
}

function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * FNV-1a over about SAMPLED_BYTES bytes spread over the array, and its length. The stride is odd,
 * so the sample visits every byte position of 2-, 4- and 8-byte elements: an even stride would
 * read only, say, each float's lowest mantissa byte, which is 0 for 0, 1, -inf and most masks.
 */
function sampleHash(bytes: Uint8Array): string {
  const step = Math.max(1, Math.floor(bytes.length / SAMPLED_BYTES)) | 1;
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += step) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

function bytesHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}
