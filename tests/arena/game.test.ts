/** The retake rules, the nav graph, the stuck detector and the runner on the tiny synthetic arena. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Arena, arenaSensor, createArena } from '../../sandbox/arena/game/arena.js';
import { ArenaEvent } from '../../sandbox/arena/game/events.js';
import { Side } from '../../sandbox/arena/game/round.js';
import { StuckDetector } from '../../sandbox/arena/game/stuck.js';
import { mapNavigation } from '../../sandbox/arena/map/arena-map.js';
import { syntheticMap } from '../../sandbox/arena/map/synthetic.js';
import { runRetakes } from '../../sandbox/arena/runner/run.js';
import { generatedStart, type RetakeStart, snapToFloor } from '../../sandbox/arena/scenarios/retake-start.js';
import { constantDecider, policyDecider } from '../../sdk/ecs/index.js';
import { NavGraph } from '../../sdk/navigation/index.js';
import { loadPolicy, starterModelBytes } from '../../sdk/policy/index.js';
import { TokenLayout } from '../../sdk/sensors/index.js';

const map = syntheticMap();
const placeArea = (place: string) => map.areas.find((a) => a.place === place)!;
const center = (place: string): [number, number, number] => {
  const a = placeArea(place);
  return [(a.minX + a.maxX) / 2, (a.yA + a.yB) / 2 + 0.05, (a.minZ + a.maxZ) / 2];
};

describe('nav graph', () => {
  const nav = new NavGraph(mapNavigation(map).mesh);
  const idx = (place: string) => nav.indexOf.get(placeArea(place).id)!;
  const out = new Int32Array(64);

  it('finds the short route through mid, and the long way when mid is made costly', () => {
    const n = nav.findPath(idx('CTSpawn'), idx('BombsiteA'), out);
    expect([...out.subarray(0, n)].map((i) => nav.areas[i]!.place)).toEqual(['CTSpawn', 'Middle', 'BombsiteA']);
    const penalty = new Float32Array(nav.size);
    penalty[idx('Middle')] = 10;
    const m = nav.findPath(idx('CTSpawn'), idx('BombsiteA'), out, penalty);
    expect([...out.subarray(0, m)].map((i) => nav.areas[i]!.place)).toEqual(['CTSpawn', 'Long', 'LongRamp', 'LongA', 'ARamp', 'BombsiteA']);
  });

  it('returns 0 when the path does not fit the output', () => {
    expect(nav.findPath(idx('CTSpawn'), idx('BombsiteA'), new Int32Array(2))).toBe(0);
    expect(nav.findPath(idx('Long'), idx('Long'), out)).toBe(1);
  });
});

describe('stuck detector', () => {
  it('flags a bot told to move that does not, once per episode, and re-arms when it moves', () => {
    const d = new StuckDetector(4);
    let flagged = 0;
    for (let t = 1; t <= 64 * 6; t++) if (d.observe(1, 4.8 / 64, 0, t)) flagged++;
    expect(flagged).toBe(1);
    for (let t = 64 * 6 + 1; t <= 64 * 9; t++) d.observe(1, 4.8 / 64, 4.8 / 64, t);
    expect(d.isStuck(1)).toBe(false);
    for (let t = 1; t <= 64 * 6; t++) expect(d.observe(2, 0, 0, t)).toBe(false); // standing still is not stuck
  });
});

describe('retake rules', () => {
  let arena: Arena;
  let still: number;
  beforeAll(async () => {
    arena = await createArena({ map, seed: 3, sensor: null });
    still = arena.addDecider(constantDecider(0));
  });
  const play = (start: RetakeStart) => {
    arena.startRound(start, { ct: { decider: still }, t: { decider: still } });
    const events: { tick: number; type: number; actor: number; target: number; value: number }[] = [];
    while (!arena.round.over) {
      arena.tick();
      for (let i = 0; i < arena.events.count; i++)
        events.push({
          tick: arena.round.tick,
          type: arena.events.type[i]!,
          actor: arena.events.actor[i]!,
          target: arena.events.target[i]!,
          value: arena.events.value[i]!,
        });
    }
    return events;
  };
  const bomb = () => snapToFloor(arena.floor, ...center('BombsiteA'));

  it('the bomb explodes after the bomb timer when nobody defuses: attackers win', () => {
    const events = play({
      row: -1,
      bomb: bomb(),
      ct: [{ position: center('Long'), yaw: 0 }],
      t: [{ position: center('CTSpawn'), yaw: 0 }],
    });
    expect(arena.round.reason).toBe('exploded');
    expect(arena.round.winner).toBe(Side.t);
    expect(arena.round.tick).toBe(40 * 64);
    expect(events.filter((e) => e.type === ArenaEvent.exploded)).toHaveLength(1);
  });

  it('a defender standing on the bomb defuses it in the defuse time: defenders win', () => {
    const b = bomb();
    const events = play({
      row: -1,
      bomb: b,
      ct: [{ position: [b[0] + 0.5, b[1], b[2]], yaw: 0 }],
      t: [{ position: center('Long'), yaw: 0 }],
    });
    expect(arena.round.reason).toBe('defused');
    expect(arena.round.winner).toBe(Side.ct);
    const start = events.find((e) => e.type === ArenaEvent.defuseStart)!;
    const done = events.find((e) => e.type === ArenaEvent.defused)!;
    expect(done.tick - start.tick).toBe(5 * 64 - 1);
    expect(events.filter((e) => e.type === ArenaEvent.defuseProgress).at(-1)!.value).toBeCloseTo(1, 5);
  });

  it('players in sight fight: shots, hits and deaths agree; the defenders’ elimination ends the round, the attackers’ does not', () => {
    // Face to face across the bombsite, 12 m apart, both standing still.
    const a = placeArea('BombsiteA');
    const z = (a.minZ + a.maxZ) / 2;
    const ct = snapToFloor(arena.floor, a.minX + 2, 0, z);
    const t = snapToFloor(arena.floor, a.minX + 14, 0, z);
    let sawTDeathContinue = false;
    let sawCtElimination = false;
    for (let round = 0; round < 12 && !(sawTDeathContinue && sawCtElimination); round++) {
      const events = play({
        row: -1,
        bomb: snapToFloor(arena.floor, a.maxX - 1, 0, a.maxZ - 1),
        ct: [{ position: ct, yaw: 0 }],
        t: [{ position: t, yaw: Math.PI }],
      });
      const deaths = events.filter((e) => e.type === ArenaEvent.death);
      expect(deaths).toHaveLength(1);
      const victim = deaths[0]!.target;
      const damage = events.filter((e) => e.type === ArenaEvent.hit && e.target === victim).reduce((s, e) => s + e.value, 0);
      expect(damage).toBeGreaterThanOrEqual(100);
      const shots = events.filter((e) => e.type === ArenaEvent.shot);
      expect(shots.filter((e) => e.value === 1).length).toBe(events.filter((e) => e.type === ArenaEvent.hit).length);
      // The first shot comes after a human reaction time, not on the first tick.
      expect(shots[0]!.tick).toBeGreaterThan(0.14 * 64);
      if (arena.world.c.Agent.team[victim] === Side.ct) {
        expect(arena.round.reason).toBe('eliminated');
        expect(arena.round.tick).toBe(deaths[0]!.tick);
        sawCtElimination = true;
      } else {
        expect(arena.round.reason).not.toBe('eliminated'); // the bomb still has to be defused
        expect(arena.round.tick).toBeGreaterThan(deaths[0]!.tick);
        sawTDeathContinue = true;
      }
    }
    expect(sawCtElimination && sawTDeathContinue).toBe(true);
  });

  it('a hand-aimed player fires only on its trigger, and hits only with the crosshair on target', () => {
    const a = placeArea('BombsiteA');
    const z = (a.minZ + a.maxZ) / 2;
    const start = {
      row: -1,
      bomb: snapToFloor(arena.floor, a.maxX - 1, 0, a.maxZ - 1),
      ct: [{ position: snapToFloor(arena.floor, a.minX + 2, 0, z), yaw: 0 }],
      t: [{ position: snapToFloor(arena.floor, a.minX + 8, 0, z), yaw: Math.PI }],
    };
    const shotsBy = (e: number, ticks: number, aim: () => void) => {
      let shots = 0;
      let hits = 0;
      for (let k = 0; k < ticks && !arena.round.over; k++) {
        aim();
        arena.tick();
        for (let i = 0; i < arena.events.count; i++) {
          if (arena.events.actor[i] !== e) continue;
          if (arena.events.type[i] === ArenaEvent.shot) shots++;
          if (arena.events.type[i] === ArenaEvent.hit) hits++;
        }
      }
      return { shots, hits };
    };
    arena.startRound(start, { ct: { decider: still }, t: { decider: still } });
    const me = arena.world.agents[0]!;
    const them = arena.world.agents[1]!;
    arena.combat.manual[me] = 1;
    arena.combat.manual[them] = 1; // the other side holds fire too: only `me` may shoot
    // Aimed away, trigger released: no shot, and combat does not turn the player.
    const away = shotsBy(me, 64, () => {
      arena.world.c.Transform.yaw[me] = Math.PI / 2;
    });
    expect(away).toEqual({ shots: 0, hits: 0 });
    expect(arena.world.c.Transform.yaw[me]).toBeCloseTo(Math.PI / 2, 6);
    // Trigger held but aimed 90° off: shots, all misses.
    arena.combat.trigger[me] = 1;
    const off = shotsBy(me, 64, () => {
      arena.world.c.Transform.yaw[me] = Math.PI / 2;
    });
    expect(off.shots).toBeGreaterThan(5);
    expect(off.hits).toBe(0);
    // On target: hits land and the target dies.
    const on = shotsBy(me, 640, () => {
      const T = arena.world.c.Transform;
      T.yaw[me] = Math.atan2(T.z[them]! - T.z[me]!, T.x[them]! - T.x[me]!);
    });
    expect(on.hits).toBeGreaterThan(0);
    expect(arena.world.c.Agent.alive[them] ?? 0).toBe(0);
  });

  it('rejects a start with an empty side', () => {
    expect(() =>
      arena.startRound({ row: -1, bomb: bomb(), ct: [], t: [{ position: center('Long'), yaw: 0 }] }, { ct: 'teacher', t: 'teacher' }),
    ).toThrow(/both sides/);
  });
});

describe('teacher', () => {
  it('beats the random policy on either side, without getting stuck', async () => {
    const asCt = await runRetakes({ map, rounds: 8, seed: 5, ct: 'teacher', t: 'random', arena: { sensor: null } });
    const asT = await runRetakes({ map, rounds: 8, seed: 6, ct: 'random', t: 'teacher', arena: { sensor: null } });
    expect(asCt.summary.ctWinRate).toBeGreaterThanOrEqual(0.75);
    expect(asT.summary.tWinRate).toBeGreaterThanOrEqual(0.75);
    expect(asCt.summary.stuckEventsPerRound).toBeLessThan(1);
    expect(asT.summary.stuckEventsPerRound).toBeLessThan(1);
  });

  it('plays both sides to the end of every round, deterministically for a seed', async () => {
    const run = () => runRetakes({ map, rounds: 4, seed: 9 });
    const [a, b] = [await run(), await run()];
    expect(a.results).toEqual(b.results);
    expect(a.results.every((r) => r.ticks > 0 && r.ticks <= 40 * 64)).toBe(true);
    const other = await runRetakes({ map, rounds: 4, seed: 10 });
    expect(other.results).not.toEqual(a.results);
  });

  it('generated starts put the bomb on a bombsite, attackers near it and defenders at their spawn', async () => {
    const arena = await createArena({ map, sensor: null });
    const s = generatedStart(map, arena.floor, 4, 3);
    expect(s.ct).toHaveLength(3);
    expect(arena.floor.areaAt(s.bomb[0], s.bomb[1], s.bomb[2])!.place).toBe('BombsiteA');
    for (const p of s.ct) expect(arena.floor.areaAt(...p.position)!.place).toBe('CTSpawn');
    for (const p of s.t) expect(Math.hypot(p.position[0] - s.bomb[0], p.position[2] - s.bomb[2])).toBeLessThan(14);
  });
});

describe('policies in the arena', () => {
  const bytes = starterModelBytes({ observation: TokenLayout.create({ mode: 'egocentric', rays: arenaSensor() }).toJSON(), seed: 2 });

  it('a policy moves one side through the same sense → decide → act path as the teacher', async () => {
    const policy = await loadPolicy(bytes, { maxBatch: 32 });
    let index = -1;
    let moved = 0;
    const { results } = await runRetakes({
      map,
      rounds: 1,
      seed: 4,
      setup: (arena) => {
        index = arena.addDecider(policyDecider(arena.world, policy, { center: arena.frame.center, halfExtent: arena.frame.halfExtent }));
      },
      get ct() {
        return { decider: index };
      },
      onTick: (arena) => {
        for (let i = 0; i < arena.world.agentCount; i++)
          if (arena.world.c.Agent.team[arena.world.agents[i]!] === Side.ct && arena.speed[arena.world.agents[i]!]! > 1) moved++;
      },
    });
    expect(results).toHaveLength(1);
    expect(moved).toBeGreaterThan(100);
  });

  it('npm run arena takes policy:FILE for a side and names a bad file precisely', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-arena-'));
    const file = join(dir, 'starter.onnx');
    writeFileSync(file, bytes);
    const cli = join(import.meta.dirname, '..', '..', 'dist', 'sandbox', 'arena', 'runner', 'cli.js');
    const run = promisify(execFile);
    const ok = await run(process.execPath, [cli, '--rounds', '1', '--map', 'synthetic', '--t', `policy:${file}`, '--json']);
    const summary = JSON.parse(ok.stdout);
    expect(summary).toMatchObject({ rounds: 1, ct: 'teacher', t: `policy ${file}` });
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    await expect(run(process.execPath, [cli, '--rounds', '1', '--map', 'synthetic', '--ct', `policy:${bad}`])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(bad),
    });
  });
});
