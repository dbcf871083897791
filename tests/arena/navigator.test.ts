/** The arena's navigation layer: every player's waypoint, whoever plays it, and the sidestep when stuck. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Arena, createArena } from '../../sandbox/arena/game/arena.js';
import { Side } from '../../sandbox/arena/game/round.js';
import { syntheticMap } from '../../sandbox/arena/map/synthetic.js';
import { snapToFloor } from '../../sandbox/arena/scenarios/retake-start.js';
import { MOVEMENT_DIRECTIONS, movementClass, Stature } from '../../sdk/actuators/index.js';
import { constantDecider, type Decider, type DecisionBatch } from '../../sdk/ecs/index.js';

const map = syntheticMap();
const center = (place: string): [number, number, number] => {
  const a = map.areas.find((x) => x.place === place)!;
  return [(a.minX + a.maxX) / 2, (a.yA + a.yB) / 2 + 0.05, (a.minZ + a.maxZ) / 2];
};
const STEP = (2 * Math.PI) / MOVEMENT_DIRECTIONS;

/** The smallest navigation-following bot: run at the waypoint, jump when it is raised, stand at the goal. */
function waypointFollower(arena: Arena): Decider {
  return {
    name: 'follower',
    decide(batch: DecisionBatch, actions: Int32Array) {
      const { Transform: T, Waypoint: W } = arena.world.c;
      for (let i = 0; i < batch.count; i++) {
        const e = batch.agents[i]!;
        const dx = W.x[e]! - T.x[e]!;
        const dz = W.z[e]! - T.z[e]!;
        if (W.goalDistance[e]! < 0.4 || dx * dx + dz * dz < 1e-6) {
          actions[i] = 0;
          continue;
        }
        const dir = Math.round((Math.atan2(dz, dx) - T.yaw[e]!) / STEP);
        actions[i] = movementClass(dir, Stature.run, W.y[e]! - T.y[e]! > 0.4);
      }
    },
  };
}

describe('navigator', () => {
  let arena: Arena;
  let still: number;
  let follower: number;
  beforeAll(async () => {
    arena = await createArena({ map, seed: 2, sensor: null });
    still = arena.addDecider(constantDecider(0));
    follower = arena.addDecider(waypointFollower(arena));
  });

  it('guides every live player whoever plays it, toward the bomb along its route', () => {
    const bomb = snapToFloor(arena.floor, ...center('BombsiteA'));
    arena.startRound(
      { row: -1, bomb, ct: [{ position: center('CTSpawn'), yaw: 0 }], t: [{ position: center('Long'), yaw: 0 }] },
      { ct: { decider: still }, t: 'teacher' },
    );
    arena.tick();
    const { Waypoint: W, Transform: T, Agent } = arena.world.c;
    const [ct, t] = [arena.world.agents[0]!, arena.world.agents[1]!];
    expect(Agent.team[ct]).toBe(Side.ct);
    for (const e of [ct, t]) expect(W.active[e]).toBe(1);
    expect(W.goalDistance[ct]).toBeCloseTo(Math.hypot(bomb[0] - T.x[ct]!, bomb[2] - T.z[ct]!), 4);
    // The next waypoint is on the way: from CT spawn, the short route enters the mid corridor.
    expect(arena.floor.areaAt(W.x[ct]!, T.y[ct]!, W.z[ct]!, 0.1, 1)?.place).toBe('Middle');
    // No spot of this small map sees the bomb from 3–14 m, so the attacker heads for the bomb too.
    // (Written before this tick's move: within a tick's travel.)
    expect(W.goalDistance[t]).toBeCloseTo(Math.hypot(bomb[0] - T.x[t]!, bomb[2] - T.z[t]!), 1);
  });

  it('is enough to play a defender: following the waypoints walks to the bomb and defuses it', () => {
    const bomb = snapToFloor(arena.floor, ...center('BombsiteA'));
    arena.startRound(
      { row: -1, bomb, ct: [{ position: center('CTSpawn'), yaw: Math.PI }], t: [{ position: center('Long'), yaw: 0 }] },
      { ct: { decider: follower }, t: { decider: still } },
    );
    while (!arena.round.over) arena.tick();
    expect(arena.round.reason).toBe('defused');
    expect(arena.round.stuckEvents).toBe(0);
  });

  it('a player pushing into a wall gets a raised sidestep waypoint, then its way again', () => {
    const bomb = snapToFloor(arena.floor, ...center('BombsiteA'));
    const spawn = map.areas.find((a) => a.place === 'CTSpawn')!;
    // Against the spawn's west wall, facing it, running forward for good.
    const start: [number, number, number] = [spawn.minX + 0.45, center('CTSpawn')[1], (spawn.minZ + spawn.maxZ) / 2];
    const forward = arena.addDecider(constantDecider(movementClass(0, Stature.run, false)));
    arena.startRound(
      { row: -1, bomb, ct: [{ position: start, yaw: Math.PI }], t: [{ position: center('Long'), yaw: 0 }] },
      {
        ct: { decider: forward },
        t: { decider: still },
      },
    );
    const { Waypoint: W, Transform: T } = arena.world.c;
    const e = arena.world.agents[0]!;
    let sidestep = -1;
    for (let tick = 0; tick < 128 && sidestep < 0; tick++) {
      arena.tick();
      if (W.y[e]! - T.y[e]! > 0.5) sidestep = arena.round.tick;
    }
    expect(sidestep).toBeGreaterThan(0);
    expect(sidestep).toBeLessThanOrEqual(96); // judged every half second
    // A meter off to the side of where it was heading.
    expect(Math.hypot(W.x[e]! - T.x[e]!, W.z[e]! - T.z[e]!)).toBeCloseTo(1, 1);
    for (let k = 0; k < 40; k++) arena.tick();
    expect(W.y[e]! - T.y[e]!).toBeLessThan(0.5);
  });
});
