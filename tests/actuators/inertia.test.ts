/** Ground movement with inertia: the forward model of demo labels, and an option of the ECS act system. */
import { describe, expect, it } from 'vitest';
import { accelerate, movementClass, SOURCE_INERTIA, Stature } from '../../sdk/actuators/index.js';
import { addAgent, constantDecider, createAiWorld, step } from '../../sdk/ecs/index.js';

describe('accelerate (Source ground movement)', () => {
  it('ramps up to 95 % of the wished speed in about 0.45 s, never past it, and friction stops a player', () => {
    const v = new Float64Array(2);
    let ticks = 0;
    while (v[0]! < 0.95 * 4.8 && ticks < 200) {
      accelerate(v[0]!, v[1]!, 1, 0, 4.8, 1 / 64, SOURCE_INERTIA, v, 0);
      ticks++;
    }
    expect(ticks / 64).toBeGreaterThan(0.3);
    expect(ticks / 64).toBeLessThan(0.6);
    for (let t = 0; t < 200; t++) accelerate(v[0]!, v[1]!, 1, 0, 4.8, 1 / 64, SOURCE_INERTIA, v, 0);
    expect(v[0]).toBeLessThanOrEqual(4.8 + 1e-9);
    expect(v[0]).toBeGreaterThan(4.7);
    let stop = 0;
    while (v[0]! > 0 && stop < 200) {
      accelerate(v[0]!, v[1]!, 0, 0, 0, 1 / 64, SOURCE_INERTIA, v, 0);
      stop++;
    }
    expect(v[0]).toBe(0);
    expect(stop / 64).toBeLessThan(0.5);
  });
});

describe('createAiWorld({ inertia })', () => {
  function speedAfter(ticks: number, inertia: boolean): number {
    const world = createAiWorld({
      capacity: 4,
      deciders: [constantDecider(movementClass(0, Stature.run, false))],
      ...(inertia ? { inertia: SOURCE_INERTIA } : {}),
    });
    const e = addAgent(world, { team: 0, position: [0, 0, 0], yaw: 0.5 });
    for (let t = 0; t < ticks; t++) step(world);
    return Math.sqrt(world.c.Velocity.x[e]! ** 2 + world.c.Velocity.z[e]! ** 2);
  }

  it('ramps agents toward their class target instead of jumping to it', () => {
    expect(speedAfter(1, false)).toBeCloseTo(4.8, 5);
    expect(speedAfter(1, true)).toBeLessThan(1);
    expect(speedAfter(64, true)).toBeCloseTo(4.8, 2);
  });
});
