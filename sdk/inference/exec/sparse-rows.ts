/**
 * Linear layers over a ReLU's output: the values a ReLU writes, and whether such a layer runs on
 * `gemmSparseRows` (sums over each row's nonzeros only, the same bits as the dense GEMM) by
 * default on this engine.
 */
import { attrInt, TICKMIND_DOMAIN } from '../ir/graph.js';
import { Act } from '../wasm/kernel-exports.js';
import type { Pending } from './kernel-context.js';

/** Largest K the sparse kernel lists (u16 indices). */
export const SPARSE_MAX_K = 65535;

/** The values a ReLU writes (a Relu, or a linear layer fused with one): about half their entries are 0. */
export function reluOutputs(steps: readonly Pending[]): Set<string> {
  const out = new Set<string>();
  for (const { node } of steps) {
    const relu =
      node.domain === TICKMIND_DOMAIN
        ? node.op === 'FusedMatMul' && attrInt(node, 'activation', Act.none) === Act.relu
        : node.op === 'Relu';
    if (relu && node.outputs[0]) out.add(node.outputs[0]);
  }
  return out;
}

/**
 * Whether linear layers over a ReLU's output take the sparse kernel when the session does not
 * say, given the V8 version of a Node-like runtime (undefined elsewhere). The sparse tile pays
 * where the engine keeps its 8 accumulators in registers. Measured here: chromium 156 (V8 15.6)
 * runs it 1.55–1.72× the dense GEMM at half zeros; Node 20 (V8 11.3) spills one, 0.93–0.98×.
 * So Node below V8 13 (Node 20 and 22, the latter unmeasured) keeps the dense GEMM, every other
 * engine takes the sparse one. A rule, not a measurement: the inference core reads no clock
 * (timing at load also misleads while the engine is still compiling another large module). The
 * outputs are the same bits either way; `sparseRows` in the session options overrides it.
 */
export function sparseRowsByDefault(v8Version: string | undefined): boolean {
  return v8Version === undefined || Number.parseInt(v8Version, 10) >= 13;
}

/** The V8 version when running under Node (or a runtime that reports one), else undefined. */
export function runtimeV8Version(): string | undefined {
  return (globalThis as { process?: { versions?: { v8?: string } } }).process?.versions?.v8;
}
