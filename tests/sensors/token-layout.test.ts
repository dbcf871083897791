import { describe, expect, it } from 'vitest';
import { layoutDifference, parseTokenLayout, type TokenLayoutJson } from '../../sdk/core/index.js';
import {
  createPlayerStates,
  EGOCENTRIC_FEATURES,
  JOINT_FEATURES,
  ObservationStack,
  type PlayerStates,
  RaySensor,
  SightTable,
  TokenLayout,
  type TokenSources,
  WAYPOINT_FEATURES,
} from '../../sdk/sensors/index.js';
import { BoxCaster } from '../helpers/box-caster.js';

/** Players: team, position (x, z), alive. */
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

const sources = (extra: Partial<TokenSources> = {}): TokenSources => ({ rayStride: 0, objectiveCount: 0, stamp: 0, ...extra });
const sensorConfig = {
  layout: { kind: 'grid' as const, cols: 8, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
  length: 30,
  detectableTags: [1, 2, 4],
  tagNames: ['agent', 'wall', 'floor'],
};

describe('TokenLayout: egocentric rows', () => {
  // Agent 0 (team 0) at the origin; allies 1 (far), 2 (near), 3 (dead); enemies 4 (near), 5 (far).
  const players = match([
    [0, 0, 0, 1],
    [0, 8, 0, 1],
    [0, 2, 0, 1],
    [0, 1, 0, 0],
    [1, 0, 3, 1],
    [1, 0, 9, 1],
  ]);
  const F = EGOCENTRIC_FEATURES.length;

  it('orders allies and enemies by distance, skips the dead, masks empty slots', () => {
    const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 3, maxEnemies: 1, positionScale: 10 });
    const out = new Float32Array(layout.rowFloats);
    const mask = new Uint8Array(layout.tokens);
    layout.encodeAgents(players, sources(), Int32Array.of(0), 1, out, mask);
    expect(Array.from(layout.slotPlayer.slice(0, layout.tokens))).toEqual([0, 2, 1, -1, 4]);
    expect(Array.from(mask)).toEqual([0, 0, 0, 1, 0]);
    expect(Array.from(out.slice(3 * F, 4 * F))).toEqual(new Array(F).fill(0));
  });

  it('keeps the nearest allies and enemies of a crowd, ties by player index, as a full sort would', () => {
    // 200 players on a coarse grid (many equal distances), some dead; every agent's row against a brute-force sort.
    const rng = (i: number) => ((i * 2654435761) % 4294967296) / 4294967296;
    const crowd = match(
      Array.from({ length: 200 }, (_, i): [number, number, number, number] => [
        i % 2,
        Math.floor(rng(i) * 8),
        Math.floor(rng(i + 999) * 8),
        i % 17 === 5 ? 0 : 1,
      ]),
    );
    const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 4, maxEnemies: 5 });
    const agents = Int32Array.from({ length: 200 }, (_, i) => i);
    layout.encodeAgents(crowd, sources(), agents, 200, new Float32Array(200 * layout.rowFloats), new Uint8Array(200 * layout.tokens));
    const d = (a: number, b: number) =>
      (crowd.position[3 * a]! - crowd.position[3 * b]!) ** 2 + (crowd.position[3 * a + 2]! - crowd.position[3 * b + 2]!) ** 2;
    for (const a of [0, 1, 5, 77, 199]) {
      const others = (enemies: boolean) =>
        [...agents]
          .filter((p) => p !== a && crowd.alive[p] === 1 && (crowd.team[p] !== crowd.team[a]) === enemies)
          .sort((p, q) => d(a, p) - d(a, q) || p - q);
      const want = [a, ...others(false).slice(0, 4), ...others(true).slice(0, 5)];
      expect(Array.from(layout.slotPlayer.slice(a * layout.tokens, a * layout.tokens + 10)), `agent ${a}`).toEqual(want);
    }
  });

  it('writes features in the agent frame', () => {
    const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 1, maxEnemies: 1, positionScale: 10 });
    const out = new Float32Array(layout.rowFloats);
    const mask = new Uint8Array(layout.tokens);
    const turned = match([
      [0, 0, 0, 1],
      [1, 0, 3, 1],
    ]);
    turned.yaw[0] = Math.PI / 2; // facing +Z: the enemy at z = 3 is straight ahead
    turned.velocity.set([0, 0, 5], 3);
    layout.encodeAgents(turned, sources(), Int32Array.of(0), 1, out, mask);
    const enemy = out.slice(2 * F, 3 * F);
    expect(enemy[0]).toBeCloseTo(0.3, 6);
    expect(enemy[2]).toBeCloseTo(0, 6);
    expect(enemy[3]).toBeCloseTo(1, 6); // moving forward at 5 m/s
    expect(enemy[5]).toBeCloseTo(0.51, 6);
    expect(enemy[7]).toBe(0);
    expect(out[7]).toBe(1); // self: same team
  });

  it('casts line of sight in one batch and marks blocked players; a second encode in the same tick casts nothing', () => {
    const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 1, maxEnemies: 2, lineOfSight: {} });
    const out = new Float32Array(layout.rowFloats);
    const mask = new Uint8Array(layout.tokens);
    const wall = new BoxCaster([{ min: [-1, 0, 5], max: [1, 3, 6], tag: 1 }]); // between the agent and enemy 5
    const sight = new SightTable();
    const src = sources({ caster: wall, sight });
    layout.encodeAgents(players, src, Int32Array.of(0), 1, out, mask);
    expect(wall.casts).toBe(1);
    const los = layout.block('lineOfSight')!.offset;
    const G = layout.featuresPerToken;
    expect(out[los]).toBe(1); // self
    expect(out[G + los]).toBe(1); // ally 2
    expect(out[2 * G + los]).toBe(1); // enemy 4 at z = 3
    expect(out[3 * G + los]).toBe(0); // enemy 5 at z = 9, behind the wall
    layout.encodeAgents(players, src, Int32Array.of(0), 1, out, mask);
    expect(wall.casts).toBe(1);
    src.stamp = 1; // the next tick: cast again
    layout.encodeAgents(players, src, Int32Array.of(0), 1, out, mask);
    expect(wall.casts).toBe(2);
  });

  it('refuses to encode line of sight without a caster, rather than writing a constant', () => {
    const layout = TokenLayout.create({ mode: 'egocentric', lineOfSight: {} });
    expect(layout.missing(sources())).toMatch(/ray caster/);
    expect(() =>
      layout.encodeAgents(players, sources(), Int32Array.of(0), 1, new Float32Array(layout.rowFloats), new Uint8Array(layout.tokens)),
    ).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('encodes several agents, each in its own frame', () => {
    const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 1, maxEnemies: 1 });
    const out = new Float32Array(2 * layout.rowFloats);
    const mask = new Uint8Array(2 * layout.tokens);
    layout.encodeAgents(players, sources(), Int32Array.of(0, 4), 2, out, mask);
    expect(layout.slotPlayer[3]).toBe(4); // agent 4's self token
    expect(layout.slotPlayer[4]).toBe(5); // its nearest ally
    expect(layout.slotPlayer[5]).toBe(0); // its nearest enemy
  });

  it('puts rays and waypoints on the self token only, and the objective after the players', () => {
    const sensor = new RaySensor(sensorConfig);
    const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 1, maxEnemies: 1, objectives: 1, waypoints: true, rays: sensor });
    const rays = new Float32Array(16 * sensor.size).fill(0.5);
    const cap = 16;
    const waypoints = {
      x: new Float32Array(cap).fill(3),
      y: new Float32Array(cap),
      z: new Float32Array(cap),
      goalDistance: new Float32Array(cap).fill(4),
      active: new Uint8Array(cap).fill(1),
    };
    const out = new Float32Array(layout.rowFloats);
    const mask = new Uint8Array(layout.tokens);
    const objectives = Float32Array.of(0, 0, 7);
    layout.encodeAgents(
      players,
      sources({ rays, rayStride: sensor.size, waypoints, objectives, objectiveCount: 1 }),
      Int32Array.of(0),
      1,
      out,
      mask,
    );
    const G = layout.featuresPerToken;
    const wp = layout.block('waypoint')!.offset;
    const r = layout.block('rays')!.offset;
    expect(out[wp]).toBeCloseTo(1, 6); // the waypoint straight ahead (+x)
    expect(out[r]).toBe(0.5);
    expect(out[G + wp]).toBe(0);
    expect(out[G + r]).toBe(0);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0]);
    expect(out[3 * G + 2]).toBeCloseTo(7 / 20, 6); // the objective, 7 m to the side
    expect(out[3 * G + 6]).toBe(1); // alive 1, health 0: no player token has both
  });
});

describe('TokenLayout: joint rows', () => {
  it('puts every player in its slot in map coordinates and masks absent or dead ones', () => {
    const players = match([
      [0, 10, 0, 1],
      [1, 0, -10, 0],
    ]);
    const layout = TokenLayout.create({ mode: 'joint', playerTokens: 3, center: [0, 0, 0], halfExtent: 20 });
    const out = new Float32Array(layout.rowFloats);
    const mask = new Uint8Array(3);
    layout.encodeMatch(players, sources(), out, mask);
    expect(layout.featuresPerToken).toBe(JOINT_FEATURES.length);
    expect(Array.from(mask)).toEqual([0, 1, 1]);
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[5]).toBeCloseTo(1, 6); // cos yaw
  });

  it('enemyInSight: whether each player sees a live enemy', () => {
    const players = match([
      [0, 0, 0, 1],
      [0, 0, 20, 1],
      [1, 0, 3, 1],
    ]);
    const wall = new BoxCaster([{ min: [-5, 0, 9], max: [5, 3, 10], tag: 2 }]); // hides player 1 from the enemy
    const layout = TokenLayout.create({ mode: 'joint', playerTokens: 3, lineOfSight: { maxDistance: 50 } });
    const out = new Float32Array(layout.rowFloats);
    layout.encodeMatch(players, sources({ caster: wall, sight: new SightTable() }), out, new Uint8Array(3));
    const los = layout.block('lineOfSight')!.offset;
    const F = layout.featuresPerToken;
    expect([out[los], out[F + los], out[2 * F + los]]).toEqual([1, 0, 1]);
    expect(wall.casts).toBe(1);
  });
});

describe('TokenLayout as JSON', () => {
  const layout = TokenLayout.create({
    mode: 'egocentric',
    objectives: 1,
    lineOfSight: { maxDistance: 70 },
    waypoints: true,
    rays: new RaySensor(sensorConfig),
  });

  it('round-trips, and a file alone rebuilds the sensor it reads', () => {
    const json = JSON.parse(JSON.stringify(layout.toJSON())) as TokenLayoutJson;
    expect(TokenLayout.fromJSON(json).toJSON()).toEqual(layout.toJSON());
    expect(json.blocks.map((b) => [b.kind, b.offset, b.width, b.scope])).toEqual([
      ['entity', 0, 8, 'all'],
      ['lineOfSight', 8, 1, 'players'],
      ['waypoint', 9, 4, 'self'],
      ['rays', 13, 40, 'self'],
    ]);
    expect(json.entityFeatures).toEqual([...EGOCENTRIC_FEATURES, 'lineOfSight', ...WAYPOINT_FEATURES]);
    expect(json.rays).toEqual({ count: 8, valuesPerRay: 5, detectableTags: [1, 2, 4] });
    const sensor = TokenLayout.fromJSON(json).sensor()!;
    expect(sensor.config).toMatchObject({ length: 30, detectableTags: [1, 2, 4], tagNames: ['agent', 'wall', 'floor'] });
    expect(sensor.rays).toBe(8);
    expect(json.blocks[3]!.names.slice(0, 5)).toEqual(['ray0.agent', 'ray0.wall', 'ray0.floor', 'ray0.miss', 'ray0.distance']);
  });

  it('upgrades a version-1 observation (the shipped models before layouts) to the same offsets', () => {
    const v1 = {
      tokens: 11,
      featuresPerToken: 93,
      entityFeatures: [...EGOCENTRIC_FEATURES, 'lineOfSight', ...WAYPOINT_FEATURES],
      rays: { count: 16, valuesPerRay: 5, detectableTags: [1, 2, 4] },
      stack: 1,
      objectives: 1,
    };
    const up = parseTokenLayout(v1, {}, 'egocentric');
    expect(up).toMatchObject({ version: 2, mode: 'egocentric', playerTokens: 10, objectives: 1, maxAllies: 4, maxEnemies: 5 });
    expect(up.blocks.map((b) => [b.kind, b.offset, b.width])).toEqual([
      ['entity', 0, 8],
      ['lineOfSight', 8, 1],
      ['waypoint', 9, 4],
      ['rays', 13, 80],
    ]);
    expect(up.entityFeatures).toEqual(v1.entityFeatures);
    expect(() => TokenLayout.fromJSON(up).sensor('old.onnx')).toThrow(/version 1.*does not say which ray sensor.*old\.onnx/);
    // Joint version 1: ten entity features, waypoints on every token, no line of sight.
    const joint = parseTokenLayout({ ...v1, entityFeatures: [...JOINT_FEATURES, ...WAYPOINT_FEATURES], featuresPerToken: 94 }, {}, 'joint');
    expect(joint.blocks.map((b) => [b.kind, b.scope])).toEqual([
      ['entity', 'all'],
      ['waypoint', 'players'],
      ['rays', 'players'],
    ]);
  });

  it.each([
    ['observation.blocks[1].offset', (j: TokenLayoutJson) => (j.blocks[1]!.offset = 9)],
    ['observation.featuresPerToken', (j: TokenLayoutJson) => (j.featuresPerToken = 50)],
    ['observation.blocks[2].names', (j: TokenLayoutJson) => (j.blocks[2]!.names = ['a'])],
    ['observation.blocks[3].kind', (j: TokenLayoutJson) => (j.blocks[3]!.kind = 'waypoint')],
    ['observation.blocks[0].kind', (j: TokenLayoutJson) => ((j.blocks[0] as { kind: string }).kind = 'smell')],
    ['observation.blocks[1].scope', (j: TokenLayoutJson) => ((j.blocks[1] as { scope: string }).scope = 'everyone')],
    ['observation.maxAllies', (j: TokenLayoutJson) => (j.maxAllies = 2)],
    ['observation.entityFeatures', (j: TokenLayoutJson) => (j.entityFeatures = ['relX'])],
    ['observation.version', (j: TokenLayoutJson) => (j.version = 7)],
  ])('a malformed layout names the field: %s', (field, mutate) => {
    const json = layout.toJSON();
    mutate(json);
    expect(() => parseTokenLayout(json, { file: 'bad.onnx' })).toThrow(new RegExp(`${field.replace(/[.[\]]/g, '\\$&')}.*bad\\.onnx`));
  });

  it('a block writer refuses features it does not write', () => {
    const json = layout.toJSON();
    json.blocks[0]!.names = json.blocks[0]!.names.map((n) => (n === 'health' ? 'armor' : n));
    json.entityFeatures = [];
    const raw = { ...json, entityFeatures: undefined };
    expect(() => TokenLayout.fromJSON(raw, { file: 'x.onnx' })).toThrow(/entity features .*armor.*x\.onnx/);
  });

  it('compares two layouts and names the first differing path', () => {
    const other = TokenLayout.create({
      mode: 'egocentric',
      objectives: 1,
      lineOfSight: { maxDistance: 70 },
      waypoints: true,
      rays: new RaySensor({ ...sensorConfig, detectableTags: [1, 2, 3] }),
    });
    expect(layoutDifference(layout.toJSON(), layout.toJSON())).toBeUndefined();
    expect(layoutDifference(layout.toJSON(), other.toJSON())).toBe('observation.rays.detectableTags: policy [1,2,4], world [1,2,3]');
    const far = TokenLayout.create({
      ...{ mode: 'egocentric' as const, objectives: 1, waypoints: true },
      lineOfSight: { maxDistance: 90 },
      rays: new RaySensor(sensorConfig),
    });
    expect(layoutDifference(layout.toJSON(), far.toJSON())).toBe('observation.lineOfSight.maxDistance: policy 70, world 90');
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
