import type { Pending } from './kernel-context.js';

/** For each value name, the planned steps that read it (each step once), in step order. */
export function readersOf(pending: readonly Pending[]): Map<string, Pending[]> {
  const readers = new Map<string, Pending[]>();
  for (const p of pending) {
    for (const name of new Set(p.node.inputs)) {
      if (name === '') continue;
      const list = readers.get(name);
      if (list === undefined) readers.set(name, [p]);
      else list.push(p);
    }
  }
  return readers;
}

/** For each value name, the planned step that writes it. */
export function producersOf(pending: readonly Pending[]): Map<string, Pending> {
  const producer = new Map<string, Pending>();
  for (const p of pending) for (const name of p.node.outputs) if (name !== '') producer.set(name, p);
  return producer;
}
