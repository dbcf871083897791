/**
 * `tickmind/actuators`: the 97-class movement action ↔ movement commands (desired velocity,
 * stature, jump), and ground movement with inertia. Pure and allocation-free.
 * @module actuators
 */

export type { Inertia } from './inertia.js';
export { accelerate, SOURCE_INERTIA } from './inertia.js';
export type { MovementCommand, MovementSpeeds } from './movement.js';
export {
  commandVelocity,
  createMovementCommand,
  DEFAULT_SPEEDS,
  decodeMovement,
  encodeMovement,
  MOVEMENT_CLASSES,
  MOVEMENT_DIRECTIONS,
  movementClass,
  Stature,
} from './movement.js';
