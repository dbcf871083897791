/**
 * `tickmind/physics`: the batched WebAssembly side over a level's BVH — the ray caster and the
 * character mover — with no third-party physics engine. The Rapier adapter (world, Rapier's ray
 * caster and character mover) is the separate entry `tickmind/physics/rapier`, so that importing
 * this one never loads Rapier. Both movers implement `AgentMover`.
 * @module physics
 */

export type { AgentShape } from './agents.js';
export { DEFAULT_AGENT_SHAPE } from './agents.js';
export type { BvhCasterOptions } from './bvh-caster.js';
export { AGENT_GRID_MIN, BvhRayCaster } from './bvh-caster.js';
export type { BvhLevelOptions } from './bvh-level.js';
export { BvhLevel } from './bvh-level.js';
export type { BvhMoverOptions } from './bvh-mover.js';
export { BvhMover } from './bvh-mover.js';
export type { LevelBoxes } from './level.js';
export { boxCount, levelFromBoxes } from './level.js';
export type { AgentMover, MoverOptions } from './mover.js';
