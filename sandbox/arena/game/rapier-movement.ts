/**
 * The arena's movement and line of sight in Rapier (`physics: 'rapier'`): Rapier's character
 * controller and its rays over the map's boxes. A module of its own, imported dynamically by
 * `createArena` only when asked for, so the arena (and `tickmind/arena`) never loads Rapier, an
 * optional peer dependency, otherwise.
 */
import type { LevelBoxes } from '../../../sdk/physics/index.js';
import { CharacterMover, createRapierRayCaster, initRapier, PhysicsWorld } from '../../../sdk/physics/rapier/index.js';
import type { ArenaMovement } from './arena.js';

/** Loads Rapier and builds its world of the map, a character mover for `capacity` players and a caster. */
export async function rapierMovement(level: LevelBoxes, dt: number, capacity: number): Promise<ArenaMovement> {
  const physics = new PhysicsWorld(await initRapier(), level, { dt });
  return { mover: new CharacterMover(physics, { capacity }), sightCaster: createRapierRayCaster(physics) };
}
