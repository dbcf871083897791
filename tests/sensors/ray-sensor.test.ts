import { describe, expect, it } from 'vitest';
import { type AgentPoses, createRayBatch, layoutAngles, layoutDirections, RaySensor, rayEnd } from '../../sdk/sensors/index.js';
import { BoxCaster } from '../helpers/box-caster.js';

const WALL = 1;
const ENEMY = 2;
const CRATE = 3;

function poses(n: number, at: [number, number, number] = [0, 0, 0], yaw = 0, pitch = 0): AgentPoses {
  const p: AgentPoses = {
    count: n,
    position: new Float32Array(3 * n),
    yaw: new Float32Array(n).fill(yaw),
    pitch: new Float32Array(n).fill(pitch),
    entity: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    p.position.set(at, 3 * i);
    p.entity[i] = 100 + i;
  }
  return p;
}

describe('layouts', () => {
  it('a fan has 2n+1 rays evenly over ±maxDegrees, centered on forward', () => {
    const { azimuth, elevation } = layoutAngles({ kind: 'fan', raysPerDirection: 2, maxDegrees: 60 });
    expect(Array.from(azimuth, (a) => Math.round((a * 180) / Math.PI))).toEqual([-60, -30, 0, 30, 60]);
    expect(Array.from(elevation)).toEqual([0, 0, 0, 0, 0]);
    const dirs = layoutDirections({ kind: 'fan', raysPerDirection: 2, maxDegrees: 60 });
    expect(Array.from(dirs.slice(6, 9))).toEqual([1, 0, 0]);
  });

  it('layers repeat the fan at each elevation', () => {
    const { azimuth, elevation } = layoutAngles({ kind: 'layers', raysPerDirection: 1, maxDegrees: 45, elevationsDegrees: [-10, 0, 10] });
    expect(azimuth.length).toBe(9);
    expect(Array.from(elevation, (e) => Math.round((e * 180) / Math.PI))).toEqual([-10, -10, -10, 0, 0, 0, 10, 10, 10]);
  });

  it('a foveated grid is denser near the center than a uniform one', () => {
    const uniform = layoutAngles({ kind: 'grid', cols: 15, rows: 15, horizontalFovDegrees: 90, verticalFovDegrees: 60 });
    const foveated = layoutAngles({ kind: 'grid', cols: 15, rows: 15, horizontalFovDegrees: 90, verticalFovDegrees: 60, foveation: 2 });
    const step = (a: Float64Array, i: number) => a[i + 1]! - a[i]!;
    // Row 7 (the middle row), columns 7 -> 8: the step next to the center.
    expect(step(foveated.azimuth, 7 * 15 + 7)).toBeLessThan(step(uniform.azimuth, 7 * 15 + 7) / 3);
    // The edges still reach the field of view.
    expect(foveated.azimuth[14]).toBeCloseTo((45 * Math.PI) / 180, 12);
    expect(foveated.elevation[14 * 15]).toBeCloseTo((30 * Math.PI) / 180, 12);
    for (let i = 0; i < 225; i++) expect(foveated.azimuth[i]).toBeCloseTo(-foveated.azimuth[i - (i % 15) + 14 - (i % 15)]!, 12);
  });

  it('rejects bad configs', () => {
    expect(() =>
      layoutAngles({ kind: 'grid', cols: 3, rows: 3, horizontalFovDegrees: 90, verticalFovDegrees: 60, foveation: 0.5 }),
    ).toThrow(/foveation/);
    expect(() => new RaySensor({ layout: { kind: 'fan', raysPerDirection: 1, maxDegrees: 10 }, length: 0, detectableTags: [] })).toThrow(
      /length/,
    );
  });
});

describe('RaySensor', () => {
  const fan = { kind: 'fan', raysPerDirection: 1, maxDegrees: 90 } as const;
  const wallAhead = new BoxCaster([{ min: [5, -10, -10], max: [6, 10, 10], tag: WALL }]);

  it('encodes a known hit exactly: one-hot tag, miss flag 0, normalized distance', () => {
    const sensor = new RaySensor({ layout: fan, length: 20, eyeHeight: 1, detectableTags: [WALL, ENEMY] });
    const out = new Float32Array(sensor.size);
    sensor.perceive(poses(1), wallAhead, createRayBatch(sensor.rays), out);
    expect(sensor.valuesPerRay).toBe(4);
    // Rays: -90° (lateral -), 0° (forward, hits the wall at x=5), +90°.
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(out.slice(4, 8))).toEqual([1, 0, 0, 5 / 20]);
    expect(Array.from(out.slice(8, 12))).toEqual([0, 0, 1, 1]);
  });

  it('a hit on a tag that is not detectable is a hit with no tag', () => {
    const crate = new BoxCaster([{ min: [2, -1, -1], max: [3, 3, 1], tag: CRATE }]);
    const sensor = new RaySensor({ layout: { kind: 'fan', raysPerDirection: 0, maxDegrees: 0 }, length: 10, detectableTags: [WALL] });
    const out = new Float32Array(sensor.size);
    sensor.perceive(poses(1), crate, createRayBatch(1), out);
    expect(Array.from(out)).toEqual([0, 0, expect.closeTo(0.2, 6)]);
  });

  it('yaw rotates the fan', () => {
    const sensor = new RaySensor({ layout: fan, length: 20, detectableTags: [WALL] });
    const out = new Float32Array(sensor.size);
    // Facing +Z (yaw 90°), the wall at x = 5 is on the -90° side... the ray at azimuth -90° points to +X.
    sensor.perceive(poses(1, [0, 0, 0], Math.PI / 2), wallAhead, createRayBatch(3), out);
    expect(out[0]).toBe(1);
    expect(out[2]).toBeCloseTo(5 / 20, 6);
    expect(out[4]).toBe(1); // forward ray (+Z) misses
  });

  it('pitch tilts the rays up and down', () => {
    const floor = new BoxCaster([{ min: [-50, -1, -50], max: [50, 0, 50], tag: WALL }]);
    const sensor = new RaySensor({
      layout: { kind: 'fan', raysPerDirection: 0, maxDegrees: 0 },
      length: 10,
      eyeHeight: 1,
      detectableTags: [WALL],
    });
    const out = new Float32Array(sensor.size);
    const batch = createRayBatch(1);
    sensor.perceive(poses(1, [0, 0, 0], 0, -Math.PI / 6), floor, batch, out);
    expect(out[2]).toBeCloseTo(2 / 10, 5); // eye at 1 m, 30° down: hits the floor after 2 m
    sensor.perceive(poses(1, [0, 0, 0], 0, Math.PI / 6), floor, batch, out);
    expect(out[1]).toBe(1); // looking up: miss
    const end = new Float32Array(3);
    rayEnd(batch, 0, end, 0);
    expect(end[1]).toBeCloseTo(1 + 10 * Math.sin(Math.PI / 6), 5);
  });

  it('excludes the agent itself but sees other agents', () => {
    const caster = new BoxCaster(
      [],
      [
        { center: [0, 1.6, 0], radius: 0.5, tag: ENEMY, entity: 100 },
        { center: [4, 1.6, 0], radius: 0.5, tag: ENEMY, entity: 7 },
      ],
    );
    const sensor = new RaySensor({ layout: { kind: 'fan', raysPerDirection: 0, maxDegrees: 0 }, length: 10, detectableTags: [ENEMY] });
    const out = new Float32Array(sensor.size);
    const batch = createRayBatch(1);
    sensor.perceive(poses(1), caster, batch, out);
    expect(Array.from(out)).toEqual([1, 0, expect.closeTo(3.5 / 10, 6)]);
    expect(batch.hitEntity[0]).toBe(7);
  });

  it('sphere casts hit what a thin ray passes', () => {
    const post = new BoxCaster([{ min: [4, -5, 0.3], max: [5, 5, 1], tag: WALL }]);
    const layout = { kind: 'fan', raysPerDirection: 0, maxDegrees: 0 } as const;
    const thin = new RaySensor({ layout, length: 10, detectableTags: [WALL] });
    const fat = new RaySensor({ layout, length: 10, radius: 0.5, detectableTags: [WALL] });
    const out = new Float32Array(3);
    thin.perceive(poses(1), post, createRayBatch(1), out);
    expect(out[1]).toBe(1);
    fat.perceive(poses(1), post, createRayBatch(1), out);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(3.5 / 10, 5);
  });

  it('casts every agent in one batch call and writes rows with a stride', () => {
    const caster = new BoxCaster([{ min: [5, -10, -10], max: [6, 10, 10], tag: WALL }]);
    const sensor = new RaySensor({ layout: fan, length: 20, detectableTags: [WALL] });
    const n = 4;
    const stride = sensor.size + 2;
    const out = new Float32Array(n * stride).fill(-7);
    sensor.perceive(poses(n), caster, createRayBatch(n * sensor.rays), out, stride, 1);
    expect(caster.casts).toBe(1);
    for (let a = 0; a < n; a++) {
      expect(out[a * stride]).toBe(-7);
      expect(out[a * stride + 1 + 3 + 2]).toBeCloseTo(0.25, 6);
    }
  });

  it('describes its row as an ObservationSpec', () => {
    const sensor = new RaySensor({ layout: fan, length: 20, detectableTags: [WALL, ENEMY] });
    const spec = sensor.observationSpec();
    expect(spec).toMatchObject({ version: 1, tokens: 1, featuresPerToken: 12 });
    expect(spec.fields.map((f) => [f.name, f.start, f.end])).toEqual([
      ['ray0', 0, 4],
      ['ray1', 4, 8],
      ['ray2', 8, 12],
    ]);
    expect(sensor.rayFieldNames(['wall', 'enemy'])).toEqual(['tag:wall', 'tag:enemy', 'miss', 'distance']);
  });

  it('refuses a batch that is too small', () => {
    const sensor = new RaySensor({ layout: fan, length: 20, detectableTags: [] });
    expect(() => sensor.fill(createRayBatch(2), poses(1))).toThrow(/3 needed/);
  });
});
