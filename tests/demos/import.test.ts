/** Demo import: real CS:GO and CS2 recordings parse, become token rows with movement labels, and damaged files keep what was read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoLayout, demoMap } from '../../sandbox/arena/demo-maps.js';
import { accelerate, movementClass, SOURCE_INERTIA, Stature } from '../../sdk/actuators/index.js';
import { isTickmindError, type TokenLayoutJson } from '../../sdk/core/index.js';
import { createLabelFit, type DemoRecording, importRecording, LabelFitter, parseDemo, weaponRunSpeed } from '../../sdk/demos/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'demos');
const CSGO = join(DIR, 'csgo_de_dust2_test_2_17_21.dem');
const CS2 = join(DIR, 'cs2_de_dust2_14155.dem');

const bytesOf = (file: string) => new Uint8Array(readFileSync(file));

describe('LabelFitter', () => {
  /** Plays `keys` (one [class offset in rad, wish speed] per tick) through the inertia; returns the velocities per tick. */
  function play(v0: [number, number], yaw: number, offset: number, wish: number, ticks: number): [number, number] {
    const v = new Float64Array(v0);
    for (let t = 0; t < ticks; t++)
      accelerate(v[0]!, v[1]!, Math.cos(yaw + offset), Math.sin(yaw + offset), wish, 1 / 64, SOURCE_INERTIA, v, 0);
    return [v[0]!, v[1]!];
  }

  it('recovers the key held from the velocity it produced through the game inertia', () => {
    const fitter = new LabelFitter();
    const fit = createLabelFit();
    const yaws = new Float64Array(8);
    const cases: { v0: [number, number]; yaw: number; dir: number; stature: number }[] = [
      { v0: [0, 0], yaw: 0.3, dir: 0, stature: Stature.run }, // start running forward
      { v0: [4.8, 0], yaw: 0, dir: 8, stature: Stature.run }, // counter-strafe: run backward from full speed
      { v0: [0, 0], yaw: -1.2, dir: 4, stature: Stature.walk }, // walk to the side
      { v0: [2, 1], yaw: 2.0, dir: 12, stature: Stature.run },
    ];
    for (const c of cases) {
      yaws.fill(c.yaw);
      const wish = c.stature === Stature.run ? 4.8 : 4.8 * 0.52;
      const [x, z] = play(c.v0, c.yaw, (c.dir * Math.PI) / 8, wish, 8);
      fitter.fit(c.v0[0], c.v0[1], x, z, yaws, false, false, false, 8, 1 / 64, fit);
      expect(fit.cls).toBe(movementClass(c.dir, c.stature, false));
      expect(fit.error).toBeLessThan(1e-6);
    }
    // Letting go of every key: friction alone, the standing class.
    yaws.fill(0);
    const [x, z] = play([3, 0], 0, 0, 0, 8);
    fitter.fit(3, 0, x, z, yaws, false, false, false, 8, 1 / 64, fit);
    expect(fit.cls).toBe(0);
  });

  it('knows the running speed of the weapons demos name, in either game spelling', () => {
    expect(weaponRunSpeed('weapon_ak47')).toBe(215);
    expect(weaponRunSpeed('AK-47')).toBe(215);
    expect(weaponRunSpeed('P2000')).toBe(240);
    expect(weaponRunSpeed('weapon_knife_t')).toBe(250);
    expect(weaponRunSpeed('weapon_unknown_thing')).toBeUndefined();
  });
});

describe('demo import (real recordings)', () => {
  let csgo: DemoRecording;
  let layout: TokenLayoutJson;
  beforeAll(async () => {
    csgo = await parseDemo(bytesOf(CSGO), CSGO);
    layout = demoLayout();
  });

  it('parses the CS:GO demo: map, players, bots and the human, rounds and the plant', () => {
    expect(csgo.game).toBe('csgo');
    expect(csgo.map).toBe('de_dust2');
    expect(csgo.tickRate).toBe(64);
    expect(csgo.error).toBeUndefined();
    expect(csgo.players).toHaveLength(10);
    expect(csgo.players.filter((p) => !p.bot).map((p) => p.name)).toEqual(['i_eat_short_people_for_breakfast']);
    expect(csgo.rounds.map((r) => [r.start, r.end])).toEqual([
      [143, 1970],
      [3380, 5623],
    ]);
    expect(csgo.plants).toHaveLength(1);
    // Positions in the de_dust2 world frame (units): inside the map's bounds.
    const human = csgo.players.findIndex((p) => !p.bot);
    const r = csgo.frames.ticks.indexOf(1000);
    const x = csgo.frames.position[3 * (r * 10 + human)]!;
    expect(x).toBeGreaterThan(-2500);
    expect(x).toBeLessThan(2000);
  });

  it('writes token rows in the layout with labels that reproduce the human’s recorded motion (16 Hz ≥ 95 %)', () => {
    const map = demoMap('de_dust2');
    const { spec, episodes, stats } = importRecording(csgo, map, { layout, file: CSGO, every: 4 });
    expect(stats.rounds).toBe(2);
    expect(stats.humanFrames).toBeGreaterThan(900);
    expect(stats.humanLabelAgreement).toBeGreaterThanOrEqual(0.95);
    // The labels explain far more than "no keys at all" and than the instant actuator's targets.
    expect(stats.humanLabelAgreement).toBeGreaterThan(stats.humanHoldAgreement + 0.15);
    expect(stats.humanLabelAgreement).toBeGreaterThan(stats.humanTargetAgreement + 0.3);
    const width = spec.features['observation.state']!.shape[0]!;
    expect(width).toBe(layout.tokens * layout.featuresPerToken * layout.stack);
    let humans = 0;
    for (const e of episodes) {
      expect(e.columns['observation.state']!.length).toBe(e.length * width);
      const human = e.columns['agent.human']![0];
      if (human === 1) humans += e.length;
      expect(e.task.includes('human')).toBe(human === 1);
      for (const a of e.columns.action!) expect(a >= 0 && a < 97).toBe(true);
    }
    expect(humans).toBe(stats.humanFrames);
  });

  it('keeps only humans, or one side, when asked', () => {
    const map = demoMap('de_dust2');
    const humans = importRecording(csgo, map, { layout, humansOnly: true });
    expect(humans.stats.frames).toBe(humans.stats.humanFrames);
    expect(humans.episodes.every((e) => e.columns['agent.human']![0] === 1)).toBe(true);
    const ct = importRecording(csgo, map, { layout, side: 'ct' });
    expect(ct.episodes.length).toBeGreaterThan(0);
    expect(ct.episodes.every((e) => e.columns['agent.team']!.every((t) => t === 0))).toBe(true);
  });

  it('imports the CS2 clip', async () => {
    const cs2 = await parseDemo(bytesOf(CS2), CS2);
    expect(cs2.game).toBe('cs2');
    expect(cs2.map).toBe('de_dust2');
    expect(cs2.players.filter((p) => !p.bot)).toHaveLength(1);
    const { stats } = importRecording(cs2, demoMap('de_dust2'), { layout, every: 4 });
    expect(stats.humanFrames).toBeGreaterThan(20);
  });

  it('a demo cut short keeps the rounds read before the cut and says where it stopped', async () => {
    const cut = bytesOf(CSGO).subarray(0, 2_600_000);
    const rec = await parseDemo(cut, 'cut.dem');
    expect(rec.error?.code).toBe('INVALID_ARGUMENT');
    expect(rec.error?.message).toMatch(/ends early or is corrupt after tick \d+/);
    expect(rec.rounds[0]).toEqual({ start: 143, end: 1970, winner: 't' });
    const { stats } = importRecording(rec, demoMap('de_dust2'), { layout });
    expect(stats.rounds).toBe(2); // the first whole, the second up to the cut
    expect(stats.frames).toBeGreaterThan(1000);
  });

  it('garbage in the middle of a demo is a coded error, not a crash, and rounds stay within what was read', async () => {
    const bytes = bytesOf(CSGO).slice();
    let seed = 7;
    for (let i = 3_000_000; i < 3_400_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    const rec = await parseDemo(bytes, 'garbage.dem');
    expect(rec.error?.code).toBe('INVALID_ARGUMENT');
    const last = rec.frames.ticks[rec.frames.count - 1]!;
    for (const r of rec.rounds) expect(r.end).toBeLessThanOrEqual(last);
    expect(() => importRecording(rec, demoMap('de_dust2'), { layout })).not.toThrow();
  });

  it('a file that is no demo, or one too short for a header, is INVALID_ARGUMENT naming the file', async () => {
    for (const [bytes, why] of [
      [new TextEncoder().encode('hello, not a demo'), /not a CS:GO/],
      [bytesOf(CSGO).subarray(0, 1000), /no demo header/],
    ] as const) {
      const err = await parseDemo(bytes, 'bad.dem').catch((e: unknown) => e);
      expect(isTickmindError(err)).toBe(true);
      expect((err as Error).message).toMatch(why);
      expect((err as { location: { file?: string } }).location.file).toBe('bad.dem');
    }
  });

  it('a demo on a map the arena lacks is an error naming the maps it imports', () => {
    expect(() => demoMap('de_nuke')).toThrow(/de_nuke; tickmind imports demos on de_dust2, de_inferno/);
    expect(() => importRecording({ ...csgo, map: 'de_nuke' }, demoMap('de_dust2'), { layout })).toThrow(
      /on de_nuke, the map given is de_dust2/,
    );
  });
});
