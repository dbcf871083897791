/**
 * `tickmind/physics/rapier`: the Rapier adapter — a world built from level boxes, agents as
 * kinematic capsules, `createRapierRayCaster` (rays against any Rapier scene, dynamic bodies
 * included) and `CharacterMover` (Rapier's kinematic character controller behind `AgentMover`).
 * A subpath of its own so that `tickmind/physics` (the BVH caster and mover) never loads Rapier:
 * `@dimforge/rapier3d-compat` is an optional peer dependency, needed only by a game that imports
 * this entry.
 * @module physics/rapier
 */

export type { CharacterOptions } from './character.js';
export { CharacterMover } from './character.js';
export type { PhysicsWorldOptions } from './world.js';
export { createPhysicsWorld, createRapierRayCaster, initRapier, PhysicsWorld } from './world.js';
