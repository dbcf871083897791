/**
 * `tickmind/physics`: the Rapier adapter (world, agents as kinematic capsules, the Rapier ray
 * caster, the character mover behind the `AgentMover` port) and the batched WebAssembly BVH ray
 * caster.
 * @module physics
 */

export type { AgentShape } from './agents.js';
export { DEFAULT_AGENT_SHAPE } from './agents.js';
export type { BvhCasterOptions } from './bvh-caster.js';
export { BvhRayCaster } from './bvh-caster.js';
export type { CharacterOptions } from './character.js';
export { CharacterMover } from './character.js';
export type { LevelBoxes } from './level.js';
export { boxCount, levelFromBoxes } from './level.js';
export type { AgentMover, MoverOptions } from './mover.js';
export type { PhysicsWorldOptions } from './rapier.js';
export { createPhysicsWorld, createRapierRayCaster, initRapier, PhysicsWorld } from './rapier.js';
