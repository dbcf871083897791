import { describe, expect, it } from 'vitest';
import {
  createPlayerStates,
  createRayBatch,
  EGOCENTRIC_FEATURES,
  EgocentricTokens,
  JointTokens,
  ObservationStack,
  type PlayerStates,
} from '../../sdk/sensors/index.js';
import { BoxCaster } from '../helpers/box-caster.js';

/** Players: index, team, position (x, z), alive. */
function match(list: [number, number, number, number][]): PlayerStates {
  const p = createPlayerStates(list.length);
  p.count = list.length;
  list.forEach(([team, x, z, alive], i) => {
    p.team[i] = team;
    p.position.set([x, 0, z], 3 * i);
    p.alive[i] = alive;
    p.health[i] = 50 + i;
    p.entity[i] = 10 + i;
  });
  return p;
}

const F = EGOCENTRIC_FEATURES.length;

describe('EgocentricTokens', () => {
  // Agent 0 (team 0) at the origin; allies 1 (far), 2 (near), 3 (dead); enemies 4 (near), 5 (far).
  const players = match([
    [0, 0, 0, 1],
    [0, 8, 0, 1],
    [0, 2, 0, 1],
    [0, 1, 0, 0],
    [1, 0, 3, 1],
    [1, 0, 9, 1],
  ]);

  it('orders allies and enemies by distance, skips the dead, masks empty slots', () => {
    const tokens = new EgocentricTokens({ maxAllies: 3, maxEnemies: 1, positionScale: 10 });
    const out = new Float32Array(tokens.tokens * F);
    const mask = new Uint8Array(tokens.tokens);
    tokens.encode(players, Int32Array.of(0), 1, out, mask, F);
    expect(Array.from(tokens.slotPlayer.slice(0, tokens.tokens))).toEqual([0, 2, 1, -1, 4]);
    expect(Array.from(mask)).toEqual([0, 0, 0, 1, 0]);
    expect(Array.from(out.slice(3 * F, 4 * F))).toEqual(new Array(F).fill(0));
  });

  it('writes features in the agent frame', () => {
    const tokens = new EgocentricTokens({ maxAllies: 1, maxEnemies: 1, positionScale: 10 });
    const out = new Float32Array(tokens.tokens * F);
    const mask = new Uint8Array(tokens.tokens);
    const turned = match([
      [0, 0, 0, 1],
      [1, 0, 3, 1],
    ]);
    turned.yaw[0] = Math.PI / 2; // facing +Z: the enemy at z = 3 is straight ahead
    turned.velocity.set([0, 0, 5], 3);
    tokens.encode(turned, Int32Array.of(0), 1, out, mask, F);
    const enemy = out.slice(2 * F, 3 * F);
    expect(enemy[0]).toBeCloseTo(0.3, 6);
    expect(enemy[2]).toBeCloseTo(0, 6);
    expect(enemy[3]).toBeCloseTo(1, 6); // moving forward at 5 m/s
    expect(enemy[5]).toBeCloseTo(0.51, 6);
    expect(enemy[7]).toBe(0);
    expect(out[7]).toBe(1); // self: same team
  });

  it('casts line of sight in one batch and marks blocked players', () => {
    const tokens = new EgocentricTokens({ maxAllies: 1, maxEnemies: 2 });
    const out = new Float32Array(tokens.tokens * F);
    const mask = new Uint8Array(tokens.tokens);
    const wall = new BoxCaster([{ min: [-1, 0, 5], max: [1, 3, 6], tag: 1 }]); // between the agent and enemy 5
    tokens.encode(players, Int32Array.of(0), 1, out, mask, F, 0, { caster: wall, batch: createRayBatch(8) });
    expect(wall.casts).toBe(1);
    expect(out[1 * F + 8]).toBe(1); // ally 2
    expect(out[2 * F + 8]).toBe(1); // enemy 4 at z = 3
    expect(out[3 * F + 8]).toBe(0); // enemy 5 at z = 9, behind the wall
  });

  it('encodes several agents, each in its own frame', () => {
    const tokens = new EgocentricTokens({ maxAllies: 1, maxEnemies: 1 });
    const out = new Float32Array(2 * tokens.tokens * F);
    const mask = new Uint8Array(2 * tokens.tokens);
    tokens.encode(players, Int32Array.of(0, 4), 2, out, mask, F);
    expect(tokens.slotPlayer[3]).toBe(4); // agent 4's self token
    expect(tokens.slotPlayer[4]).toBe(5); // its nearest ally
    expect(tokens.slotPlayer[5]).toBe(0); // its nearest enemy
  });
});

describe('JointTokens', () => {
  it('puts every player in its slot in map coordinates and masks absent or dead ones', () => {
    const players = match([
      [0, 10, 0, 1],
      [1, 0, -10, 0],
    ]);
    const joint = new JointTokens({ maxPlayers: 3, center: [0, 0, 0], halfExtent: 20 });
    const out = new Float32Array(3 * joint.features);
    const mask = new Uint8Array(3);
    joint.encode(players, out, mask, joint.features);
    expect(Array.from(mask)).toEqual([0, 1, 1]);
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[5]).toBeCloseTo(1, 6); // cos yaw
  });
});

describe('ObservationStack', () => {
  it('returns the last N rows newest first, zeros before history exists', () => {
    const stack = new ObservationStack(2, 3, 2);
    const out = new Float32Array(6);
    stack.push(1, Float32Array.of(1, 1));
    stack.read(1, out);
    expect(Array.from(out)).toEqual([1, 1, 0, 0, 0, 0]);
    stack.push(1, Float32Array.of(2, 2));
    stack.push(1, Float32Array.of(3, 3));
    stack.push(1, Float32Array.of(4, 4));
    stack.read(1, out);
    expect(Array.from(out)).toEqual([4, 4, 3, 3, 2, 2]);
    stack.read(0, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    stack.reset(1);
    stack.read(1, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
