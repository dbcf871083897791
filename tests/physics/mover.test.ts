/** The batched WebAssembly mover against Rapier's character controller on simple scenes, and on its own. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentMover, BvhLevel, BvhMover, BvhRayCaster, levelFromBoxes } from '../../sdk/physics/index.js';
import { CharacterMover, initRapier, PhysicsWorld } from '../../sdk/physics/rapier/index.js';

type Box = { min: [number, number, number]; max: [number, number, number]; tag: number };
type Intent = (agent: number, tick: number) => [number, number, boolean, boolean];

let R: Awaited<ReturnType<typeof initRapier>>;
beforeAll(async () => {
  R = await initRapier();
});

const FLOOR: Box = { min: [-20, -1, -20], max: [20, 0, 20], tag: 2 };

function makeMover(kind: 'rapier' | 'bvh' | 'scalar', boxes: Box[]): AgentMover {
  const level = levelFromBoxes([FLOOR, ...boxes]);
  if (kind === 'rapier') return new CharacterMover(new PhysicsWorld(R, level), { capacity: 8 });
  return new BvhMover(level, { capacity: 8, forceScalar: kind === 'scalar' });
}

/** Horizontal distance of two feet positions. */
const apart = (a: [number, number, number] | undefined, b: [number, number, number] | undefined) =>
  Math.sqrt((a![0] - b![0]) ** 2 + (a![2] - b![2]) ** 2);

/** Runs a scene; returns every agent's feet position after each tick (x, y, z per agent). */
function run(
  kind: 'rapier' | 'bvh' | 'scalar',
  boxes: Box[],
  agents: [number, number, number][],
  ticks: number,
  intent: Intent,
  fromArray = false,
) {
  const mover = makeMover(kind, boxes);
  agents.forEach((a, i) => {
    mover.addAgent(i, ...a);
  });
  const out = new Float32Array(3);
  const v = new Float32Array(4);
  const path: [number, number, number][][] = [];
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < agents.length; i++) {
      const [vx, vz, jump, crouch] = intent(i, t);
      if (!fromArray) mover.setIntent(i, vx, vz, jump, crouch);
      else {
        // What the act system does: the velocity where the mover reads it (offset 2 of a larger array).
        v[2] = vx;
        v[3] = vz;
        mover.setIntentFrom!(i, v, 2, jump, crouch);
      }
    }
    mover.moveAll();
    mover.step();
    path.push(
      agents.map((_, i): [number, number, number] => {
        mover.position(i, out, 0);
        return [out[0]!, out[1]!, out[2]!];
      }),
    );
  }
  return { mover, path, last: path[path.length - 1]! };
}

const both = ['rapier', 'bvh'] as const;

describe('BvhMover and Rapier on simple scenes', () => {
  it.each(both)('%s: walks into a wall and slides along it', (kind) => {
    const { last, mover } = run(kind, [{ min: [3, 0, -10], max: [4, 3, 10], tag: 3 }], [[0, 0, 0]], 64, () => [4, 2, false, false]);
    const [x, y, z] = last[0]!;
    expect(x).toBeGreaterThan(3 - 0.4 - 0.02);
    expect(x).toBeLessThan(3 - 0.4 + 0.001); // the 0.4 m body stops at the wall
    expect(z).toBeGreaterThan(1.8); // and keeps its along-wall speed (2 m/s for 1 s)
    expect(y).toBeCloseTo(0, 1);
    expect(mover.isGrounded(0)).toBe(true);
  });

  it.each(both)('%s: climbs a 0.4 m step but not a 0.6 m one', (kind) => {
    const low = run(kind, [{ min: [2, 0, -5], max: [6, 0.4, 5], tag: 3 }], [[0, 0, 0]], 64, () => [3, 0, false, false]);
    expect(low.last[0]![0]).toBeGreaterThan(2.2);
    expect(low.last[0]![1]).toBeCloseTo(0.4, 1);
    const high = run(kind, [{ min: [2, 0, -5], max: [6, 0.6, 5], tag: 3 }], [[0, 0, 0]], 64, () => [3, 0, false, false]);
    expect(high.last[0]![0]).toBeLessThan(1.61);
    expect(high.last[0]![1]).toBeCloseTo(0, 1);
  });

  it.each(both)('%s: falls and lands', (kind) => {
    const { path, mover } = run(kind, [], [[0, 3, 0]], 64, () => [0, 0, false, false]);
    // Free fall: 3 m takes ~0.78 s (50 ticks); airborne until then.
    expect(path[30]![0]![1]).toBeGreaterThan(1);
    expect(path[63]![0]![1]).toBeCloseTo(0, 1);
    expect(mover.isGrounded(0)).toBe(true);
  });

  it.each(both)('%s: jumps onto a 0.7 m box', (kind) => {
    const { last, path } = run(kind, [{ min: [1.5, 0, -5], max: [6, 0.7, 5], tag: 3 }], [[0, 0, 0]], 64, (_, t) => [
      3,
      0,
      t > 10 && t < 14,
      false,
    ]);
    expect(Math.max(...path.map((p) => p[0]![1]))).toBeGreaterThan(0.8);
    expect(last[0]![0]).toBeGreaterThan(2.5);
    expect(last[0]![1]).toBeCloseTo(0.7, 1);
  });

  it.each(both)('%s: two agents walking into each other never overlap', (kind) => {
    const { path } = run(
      kind,
      [],
      [
        [-2, 0, 0],
        [2, 0, 0.1],
      ],
      64,
      (i) => [i === 0 ? 3 : -3, 0, false, false],
    );
    for (const [a, b] of path) expect(apart(a, b)).toBeGreaterThan(0.8 - 0.02);
  });
});

describe('BvhMover', () => {
  it('crouches under a 1.5 m ceiling and stands up only where there is room', () => {
    const ceiling: Box = { min: [2, 1.5, -5], max: [6, 2, 5], tag: 3 };
    const standing = run('bvh', [ceiling], [[0, 0, 0]], 64, () => [2, 0, false, false]);
    // The standing capsule's top hemisphere meets the ceiling's edge (0.1 m into it: 0.387 m out).
    expect(standing.last[0]![0]).toBeLessThan(2 - 0.38);
    expect(standing.last[0]![0]).toBeGreaterThan(2 - 0.39);
    // Crouched until tick 80 (x = 2.5, under the ceiling), then asked to stand: it cannot yet.
    const { mover, path } = run('bvh', [ceiling], [[0, 0, 0]], 250, (_, t) => [2, 0, false, t < 80]);
    expect(path[90]![0]![0]).toBeGreaterThan(2.5);
    expect(path[180]![0]![0]).toBeLessThan(6.4);
    expect(path[180]![0]![0]).toBeGreaterThan(5.5);
    expect((mover as BvhMover).heightOf(0)).toBeCloseTo(1.8, 5);
    expect(path[249]![0]![0]).toBeGreaterThan(7); // stood up once out from under it
    expect(mover.isCrouching(0)).toBe(false);
    const under = run('bvh', [ceiling], [[0, 0, 0]], 100, (_, t) => [t < 80 ? 2 : 0, 0, false, t < 80]);
    expect(under.mover.isCrouching(0)).toBe(true);
  });

  it('pushes apart agents that start overlapping, and out of geometry they start in', () => {
    const { last } = run(
      'bvh',
      [{ min: [4, 0, -1], max: [6, 0.3, 1], tag: 3 }],
      [
        [0, 0, 0],
        [0.3, 0, 0],
        [0.3, 0, 0],
        [5, 0, 0], // inside a 0.3 m box: onto it
      ],
      4,
      () => [0, 0, false, false],
    );
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) expect(apart(last[a], last[b])).toBeGreaterThan(0.8 - 1e-3);
    expect(last[3]![1]).toBeCloseTo(0.3, 5);
  });

  it('snaps down steps while walking, falls off higher ledges', () => {
    const stairs: Box[] = [0, 1, 2, 3].map((k) => ({ min: [k, 0, -3], max: [k + 1, 1.2 - 0.25 * k, 3], tag: 3 }));
    const down = run('bvh', stairs, [[0.5, 1.2, 0]], 80, () => [2, 0, false, false]);
    // Each 0.25 m step down is followed: grounded all the way, no airborne tick on the stairs.
    expect(down.path.slice(0, 40).every((p) => p[0]![1] > 0.2 - 1e-3)).toBe(true);
    const ledge = run('bvh', [{ min: [-3, 0, -3], max: [1, 1, 3], tag: 3 }], [[0.5, 1, 0]], 80, () => [2, 0, false, false]);
    expect(ledge.path.some((p) => p[0]![1] > 0.05 && p[0]![1] < 0.7)).toBe(true); // in the air between
    expect(ledge.last[0]![1]).toBeCloseTo(0, 3);
  });

  it('is deterministic and the scalar build moves bit-identically to SIMD', () => {
    const boxes: Box[] = [
      { min: [3, 0, -10], max: [4, 3, 10], tag: 3 },
      { min: [-4, 0, -2], max: [-2, 0.4, 2], tag: 3 },
      { min: [0, 1.5, 2], max: [3, 2, 5], tag: 3 },
    ];
    const agents: [number, number, number][] = [0, 1, 2, 3, 4, 5].map((i) => [-3 + i, 0, -1 + (i % 3)]);
    const intent: Intent = (i, t) => [
      3 * Math.cos(i + t * 0.05),
      3 * Math.sin(i * 2 + t * 0.03),
      (t + i) % 50 === 0,
      (t + 3 * i) % 90 < 30,
    ];
    const a = run('bvh', boxes, agents, 1000, intent).path.flat(2);
    const b = run('bvh', boxes, agents, 1000, intent).path.flat(2);
    const c = run('scalar', boxes, agents, 1000, intent).path.flat(2);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('shares a level with the ray caster: both keep working as the other grows the memory', () => {
    const level = new BvhLevel(levelFromBoxes([FLOOR]));
    const mover = new BvhMover(level, { capacity: 4 });
    mover.addAgent(0, 0, 0, 0);
    const caster = new BvhRayCaster(level, { maxAgents: 4, maxRays: 1 << 16 }); // grows the memory
    mover.setIntent(0, 1, 0, false, false);
    for (let t = 0; t < 64; t++) mover.moveAll();
    const out = new Float32Array(3);
    mover.position(0, out, 0);
    expect(out[0]).toBeCloseTo(1, 3);
    expect(caster.level).toBe(mover.level);
  });

  it.each(both)('%s: setIntentFrom (the velocity read from an array) moves exactly as setIntent', (kind) => {
    const boxes: Box[] = [{ min: [3, 0, -10], max: [4, 3, 10], tag: 3 }];
    const intent: Intent = (i, t) => [4 - i, t % 20 < 10 ? 2 : -1.5, t === 30, i === 1 && t > 40];
    const starts: [number, number, number][] = [
      [0, 0, 0],
      [0, 0, 2],
    ];
    const a = run(kind, boxes, starts, 64, intent);
    const b = run(kind, boxes, starts, 64, intent, true);
    expect(b.path).toEqual(a.path);
    const v = Float32Array.of(Number.NaN, 0);
    if (kind === 'bvh') expect(() => b.mover.setIntentFrom!(0, v, 0, false, false)).toThrow(/not finite/);
  });

  it('refuses unknown agents and ids beyond its capacity with coded errors', () => {
    const mover = new BvhMover(levelFromBoxes([FLOOR]), { capacity: 2 });
    expect(() => mover.addAgent(2, 0, 0, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    mover.addAgent(1, 0, 0, 0);
    expect(() => mover.addAgent(1, 0, 0, 0)).toThrow(/already exists/);
    expect(() => mover.setIntent(0, 1, 0, false, false)).toThrow(/no agent 0/);
    expect(() => mover.setIntent(1, Number.NaN, 0, false, false)).toThrow(/not finite/);
    expect(() => mover.teleport(1, 0, Number.POSITIVE_INFINITY, 0)).toThrow(/not finite/);
    mover.removeAgent(1);
    expect(() => mover.position(1, new Float32Array(3), 0)).toThrow(/no agent 1/);
  });
});
