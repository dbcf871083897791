import { describe, expect, it } from 'vitest';
import {
  commandVelocity,
  createMovementCommand,
  DEFAULT_SPEEDS,
  decodeMovement,
  encodeMovement,
  MOVEMENT_CLASSES,
  movementClass,
  Stature,
} from '../../sdk/actuators/index.js';
import { toYawFrame } from '../../sdk/core/index.js';

describe('movement action', () => {
  it('round-trips every class through its command', () => {
    const cmd = createMovementCommand();
    for (let cls = 0; cls < MOVEMENT_CLASSES; cls++) {
      decodeMovement(cls, cmd);
      expect(
        encodeMovement(cmd.forward * cmd.speed, cmd.lateral * cmd.speed, cmd.stature === Stature.crouch, cmd.jump),
        `class ${cls}`,
      ).toBe(cls);
    }
  });

  it('round-trips every class through world velocity and back, for any yaw', () => {
    const cmd = createMovementCommand();
    const v = new Float32Array(2);
    const local = new Float32Array(2);
    for (const yaw of [0, 0.3, -2.1, Math.PI]) {
      for (let cls = 0; cls < MOVEMENT_CLASSES; cls++) {
        decodeMovement(cls, cmd);
        commandVelocity(cmd, yaw, v, 0);
        toYawFrame(local, 0, v[0]!, v[1]!, yaw);
        expect(encodeMovement(local[0]!, local[1]!, cmd.stature === Stature.crouch, cmd.jump)).toBe(cls);
      }
    }
  });

  it('lays out classes as documented', () => {
    const cmd = createMovementCommand();
    expect(decodeMovement(0, cmd)).toMatchObject({ speed: 0, jump: false });
    expect(decodeMovement(1, cmd)).toMatchObject({ forward: 1, stature: Stature.run, jump: false, speed: DEFAULT_SPEEDS.run });
    decodeMovement(1 + 4, cmd);
    expect(cmd.forward).toBeCloseTo(0, 12);
    expect(cmd.lateral).toBeCloseTo(1, 12);
    expect(decodeMovement(1 + 16 + 8, cmd)).toMatchObject({ forward: -1, stature: Stature.walk });
    expect(decodeMovement(1 + 32 + 48, cmd)).toMatchObject({ stature: Stature.crouch, jump: true, forward: 1 });
    expect(movementClass(-1, Stature.run, false)).toBe(16);
  });

  it('snaps to the nearest direction and speed, and stands below the threshold', () => {
    expect(encodeMovement(0.01, 0, false, false)).toBe(0);
    expect(encodeMovement(4.5, 0.5, false, false)).toBe(movementClass(0, Stature.run, false));
    expect(encodeMovement(2.6, 0, false, false)).toBe(movementClass(0, Stature.walk, false));
    expect(encodeMovement(0, -2, true, true)).toBe(movementClass(12, Stature.crouch, true));
  });

  it('rejects invalid classes', () => {
    expect(() => decodeMovement(97, createMovementCommand())).toThrow(/outside 0..96/);
    expect(() => decodeMovement(1.5, createMovementCommand())).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
