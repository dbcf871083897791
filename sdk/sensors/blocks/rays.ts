/**
 * The rays block: a ray sensor's readings (per ray: one-hot detectable tags, a miss flag, the
 * normalised hit distance), copied from the rows the sense phase encoded. Egocentric rows carry
 * the deciding agent's own rays on its self token; joint rows every player's rays on its token.
 * The block records the whole sensor (layout, length, eye height, radius, tags and what they
 * mean), so a policy file is enough to build the sensor it reads (`sensorFromLayout`).
 */
import { TickmindError } from '../../core/errors.js';
import { type FeatureBlockJson, type RayLayout, type RaySensorJson, type RaysBlockJson, rayNames } from '../../core/layout-json.js';
import { RaySensor, type RaySensorConfig } from '../ray-sensor.js';
import type { BlockWriter, EncodeContext, TokenSources } from './block.js';

/** A layout with its optional fields spelled out, so two equal sensors have equal JSON. */
function layoutJson(layout: RayLayout): RayLayout {
  if (layout.kind === 'fan') return { kind: 'fan', raysPerDirection: layout.raysPerDirection, maxDegrees: layout.maxDegrees };
  if (layout.kind === 'layers')
    return {
      kind: 'layers',
      raysPerDirection: layout.raysPerDirection,
      maxDegrees: layout.maxDegrees,
      elevationsDegrees: [...layout.elevationsDegrees],
    };
  return {
    kind: 'grid',
    cols: layout.cols,
    rows: layout.rows,
    horizontalFovDegrees: layout.horizontalFovDegrees,
    verticalFovDegrees: layout.verticalFovDegrees,
    foveation: layout.foveation ?? 1,
  };
}

/** The rays block's JSON for a sensor (offset set by the layout). */
export function raysBlock(sensor: RaySensor, mode: 'joint' | 'egocentric'): RaysBlockJson {
  const c = sensor.config;
  const tagNames = c.tagNames === undefined ? undefined : [...c.tagNames];
  const valueNames = [...c.detectableTags.map((t, i) => tagNames?.[i] ?? `tag${t}`), 'miss', 'distance'];
  const json: RaySensorJson = { layout: layoutJson(c.layout), length: sensor.length, eyeHeight: sensor.eyeHeight, radius: sensor.radius };
  return {
    kind: 'rays',
    scope: mode === 'joint' ? 'players' : 'self',
    offset: 0,
    width: sensor.size,
    names: rayNames(sensor.rays, valueNames),
    count: sensor.rays,
    valuesPerRay: sensor.valuesPerRay,
    detectableTags: [...c.detectableTags],
    ...(tagNames !== undefined ? { tagNames } : {}),
    sensor: json,
  };
}

/** The sensor a rays block was recorded with. Throws for a version-1 layout, which did not record it. */
export function raySensorOf(block: RaysBlockJson, file?: string): RaySensor {
  const s = block.sensor;
  if (s === undefined)
    throw new TickmindError(
      'MODEL_INVALID',
      'this layout (version 1) does not say which ray sensor it reads: build the RaySensor yourself, or re-export the model with a current tickmind',
      { field: 'observation.rays.sensor', ...(file !== undefined ? { file } : {}) },
    );
  const config: RaySensorConfig = {
    layout: s.layout,
    length: s.length,
    eyeHeight: s.eyeHeight,
    radius: s.radius,
    detectableTags: block.detectableTags,
    ...(block.tagNames !== undefined ? { tagNames: block.tagNames } : {}),
  };
  const sensor = new RaySensor(config);
  if (sensor.rays !== block.count)
    throw new TickmindError('MODEL_INVALID', `the sensor's layout has ${sensor.rays} rays, the block says ${block.count}`, {
      field: 'observation.rays.count',
      ...(file !== undefined ? { file } : {}),
    });
  return sensor;
}

/** The writer of a rays block. */
export function raysWriter(json: FeatureBlockJson, layout: { mode: 'joint' | 'egocentric' }): BlockWriter {
  if (layout.mode === 'egocentric' && json.scope !== 'self')
    throw new TickmindError('MODEL_INVALID', "egocentric rows carry the rays on the self token (scope 'self')", {
      field: 'observation.rays.scope',
    });
  return new RaysWriter(json as RaysBlockJson);
}

class RaysWriter implements BlockWriter {
  readonly scope: 'self' | 'players' | 'all';
  readonly offset: number;
  readonly width: number;

  constructor(readonly json: RaysBlockJson) {
    this.scope = json.scope;
    this.offset = json.offset;
    this.width = json.width;
  }

  missing(sources: Readonly<TokenSources>): string | undefined {
    if (sources.rays === undefined) return 'the rays block needs ray readings (a sensor)';
    if (sources.rayStride < this.width) return `ray rows hold ${sources.rayStride} floats, the block reads ${this.width}`;
    return undefined;
  }

  player(ctx: EncodeContext, _self: number, p: number, out: Float32Array, o: number): void {
    const rays = ctx.sources.rays!;
    const src = ctx.players.entity[p]! * ctx.sources.rayStride;
    for (let j = 0; j < this.width; j++) out[o + j] = rays[src + j]!;
  }
}
