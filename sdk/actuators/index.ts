/**
 * `tickmind/actuators`: the 97-class movement action ↔ movement commands (desired velocity,
 * stature, jump). Pure and allocation-free.
 * @module actuators
 */

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
