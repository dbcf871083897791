/**
 * Ray layouts as pure configuration, turned into unit directions in the agent frame:
 * (forward, up, lateral), forward along the agent's yaw, lateral 90° further in yaw.
 */
import { TickmindError } from '../core/errors.js';
import type { RayLayout } from '../core/layout-json.js';

export type { FanLayout, GridLayout, LayersLayout, RayLayout } from '../core/layout-json.js';

const DEG = Math.PI / 180;

function spread(count: number, halfAngle: number, foveation: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = count === 1 ? 0 : -1 + (2 * i) / (count - 1);
    out[i] = Math.sign(u) * Math.abs(u) ** foveation * halfAngle;
  }
  return out;
}

function checkCount(n: number, field: string): void {
  if (!Number.isInteger(n) || n < 0)
    throw new TickmindError('INVALID_ARGUMENT', `${field} must be a non-negative integer, got ${n}`, { field });
}

/** Azimuth/elevation pairs (radians) of a layout, in ray order: layer (or grid row) by layer from the lowest elevation, each by increasing azimuth. */
export function layoutAngles(layout: RayLayout): {
  /** Azimuth per ray, radians (0 = forward, positive toward lateral). */
  azimuth: Float64Array;
  /** Elevation per ray, radians (positive up). */
  elevation: Float64Array;
} {
  if (layout.kind === 'fan' || layout.kind === 'layers') {
    checkCount(layout.raysPerDirection, 'raysPerDirection');
    const az = spread(2 * layout.raysPerDirection + 1, layout.maxDegrees * DEG, 1);
    const elevations = layout.kind === 'fan' ? [0] : layout.elevationsDegrees;
    if (elevations.length === 0)
      throw new TickmindError('INVALID_ARGUMENT', 'a layers layout needs at least one elevation', { field: 'elevationsDegrees' });
    const n = az.length * elevations.length;
    const azimuth = new Float64Array(n);
    const elevation = new Float64Array(n);
    elevations.forEach((e, layer) => {
      for (let i = 0; i < az.length; i++) {
        azimuth[layer * az.length + i] = az[i]!;
        elevation[layer * az.length + i] = e * DEG;
      }
    });
    return { azimuth, elevation };
  }
  checkCount(layout.cols, 'cols');
  checkCount(layout.rows, 'rows');
  const foveation = layout.foveation ?? 1;
  if (!(foveation >= 1)) throw new TickmindError('INVALID_ARGUMENT', `foveation must be >= 1, got ${foveation}`, { field: 'foveation' });
  const az = spread(layout.cols, (layout.horizontalFovDegrees / 2) * DEG, foveation);
  const el = spread(layout.rows, (layout.verticalFovDegrees / 2) * DEG, foveation);
  const azimuth = new Float64Array(layout.cols * layout.rows);
  const elevation = new Float64Array(layout.cols * layout.rows);
  for (let r = 0; r < layout.rows; r++) {
    for (let c = 0; c < layout.cols; c++) {
      azimuth[r * layout.cols + c] = az[c]!;
      elevation[r * layout.cols + c] = el[r]!;
    }
  }
  return { azimuth, elevation };
}

/** Unit directions (forward, up, lateral) per ray, 3 floats each. */
export function layoutDirections(layout: RayLayout): Float32Array {
  const { azimuth, elevation } = layoutAngles(layout);
  const out = new Float32Array(azimuth.length * 3);
  for (let i = 0; i < azimuth.length; i++) {
    const ce = Math.cos(elevation[i]!);
    out[3 * i] = ce * Math.cos(azimuth[i]!);
    out[3 * i + 1] = Math.sin(elevation[i]!);
    out[3 * i + 2] = ce * Math.sin(azimuth[i]!);
  }
  return out;
}
