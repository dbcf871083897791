/**
 * Plan-time fusion: Add(a, b) read only by a LayerNormalization becomes one
 * tickmind.AddLayerNormalization (ops/residual-norm.ts), when a and b are float32 of the same
 * shape — the residual connection of every post-norm transformer layer. The sum is then never
 * written to and read back from its own buffer. Shapes are only known per plan, so this runs on
 * the planned steps.
 */
import { TICKMIND_DOMAIN } from '../ir/graph.js';
import { findOp } from '../ops/registry.js';
import type { Pending } from './kernel-context.js';
import { producersOf, readersOf } from './readers.js';

/** Returns `pending` with each such Add and LayerNormalization pair replaced by the fused step. */
export function fuseResidualNorms(pending: readonly Pending[], graphOutputs: ReadonlySet<string>): Pending[] {
  const readers = readersOf(pending);
  const producer = producersOf(pending);
  const fused = new Map<Pending, Pending>();
  const dropped = new Set<Pending>();
  for (const norm of pending) {
    const add = residualAdd(norm, producer, readers, graphOutputs);
    if (add === undefined) continue;
    const n = norm.node;
    fused.set(norm, {
      node: {
        name: `${n.name}/with_residual`,
        op: 'AddLayerNormalization',
        domain: TICKMIND_DOMAIN,
        inputs: [add.node.inputs[0]!, add.node.inputs[1]!, n.inputs[1] ?? '', n.inputs[2] ?? ''],
        outputs: [n.outputs[0]!],
        attrs: { ...n.attrs },
      },
      op: findOp(TICKMIND_DOMAIN, 'AddLayerNormalization')!,
      inputs: [add.inputs[0], add.inputs[1], norm.inputs[1], norm.inputs[2]],
      outputs: norm.outputs.slice(0, 1),
    });
    dropped.add(add);
  }
  if (fused.size === 0) return [...pending];
  return pending.filter((p) => !dropped.has(p)).map((p) => fused.get(p) ?? p);
}

/** The Add feeding `norm` when the pair can be fused. */
function residualAdd(
  norm: Pending,
  producer: ReadonlyMap<string, Pending>,
  readers: ReadonlyMap<string, readonly Pending[]>,
  graphOutputs: ReadonlySet<string>,
): Pending | undefined {
  const n = norm.node;
  if (n.domain !== '' || n.op !== 'LayerNormalization' || n.outputs.slice(1).some((o) => o !== '')) return undefined;
  const sum = n.inputs[0]!;
  if (graphOutputs.has(sum) || readers.get(sum)?.length !== 1 || n.inputs.slice(1).includes(sum)) return undefined;
  const add = producer.get(sum);
  if (add === undefined || add.node.domain !== '' || add.node.op !== 'Add' || add.node.inputs.length !== 2) return undefined;
  const [a, b] = add.inputs;
  const out = add.outputs[0];
  if (a === undefined || b === undefined || out === undefined) return undefined;
  const same = (dims: readonly number[]) => dims.length === out.dims.length && dims.every((d, i) => d === out.dims[i]);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !same(a.dims) || !same(b.dims)) return undefined;
  return add;
}
