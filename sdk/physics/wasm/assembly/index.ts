// tickmind's physics kernels: BVH building, batched ray casts and the batched character mover.
// Byte pointers into this module's memory, laid out by the host (sdk/physics/bvh-level.ts,
// bvh-caster.ts, bvh-mover.ts).

export { buildBvh, NODE_BYTES } from './bvh';
export { collapseBvh4, NODE4_BYTES, packLeaves } from './bvh4';
export { buildAgentGrid, GRID_HEADER_BYTES } from './agent-grid';
export { castBatch } from './cast';
export { MOVER_HEADER_WORDS, moveAgents } from './move';

/** First byte the host may use. */
export function heapBase(): usize {
  return __heap_base;
}
