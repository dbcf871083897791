/** A tiny exact ray caster over axis-aligned boxes and entity spheres, for sensor tests. */
import type { RayBatch, RayCaster } from '../../sdk/sensors/index.js';

export interface TestBox {
  min: [number, number, number];
  max: [number, number, number];
  tag: number;
}

export interface TestSphere {
  center: [number, number, number];
  radius: number;
  tag: number;
  entity: number;
}

/** Distance along a unit ray to an AABB grown by r (slab test), or Infinity. */
function hitBox(o: number[], d: number[], b: TestBox, r: number): number {
  let t0 = 0;
  let t1 = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const lo = b.min[k]! - r;
    const hi = b.max[k]! + r;
    if (Math.abs(d[k]!) < 1e-12) {
      if (o[k]! < lo || o[k]! > hi) return Number.POSITIVE_INFINITY;
      continue;
    }
    let a = (lo - o[k]!) / d[k]!;
    let c = (hi - o[k]!) / d[k]!;
    if (a > c) [a, c] = [c, a];
    t0 = Math.max(t0, a);
    t1 = Math.min(t1, c);
    if (t0 > t1) return Number.POSITIVE_INFINITY;
  }
  return t0;
}

function hitSphere(o: number[], d: number[], s: TestSphere, r: number): number {
  const rr = s.radius + r;
  const ox = o[0]! - s.center[0];
  const oy = o[1]! - s.center[1];
  const oz = o[2]! - s.center[2];
  const b = ox * d[0]! + oy * d[1]! + oz * d[2]!;
  const c = ox * ox + oy * oy + oz * oz - rr * rr;
  const disc = b * b - c;
  if (disc < 0) return Number.POSITIVE_INFINITY;
  const t = -b - Math.sqrt(disc);
  return t >= 0 ? t : c <= 0 ? 0 : Number.POSITIVE_INFINITY;
}

export class BoxCaster implements RayCaster {
  casts = 0;
  constructor(
    readonly boxes: TestBox[],
    readonly spheres: TestSphere[] = [],
  ) {}

  castBatch(batch: RayBatch): void {
    this.casts++;
    for (let i = 0; i < batch.count; i++) {
      const o = [batch.origins[3 * i]!, batch.origins[3 * i + 1]!, batch.origins[3 * i + 2]!];
      const d = [batch.dirs[3 * i]!, batch.dirs[3 * i + 1]!, batch.dirs[3 * i + 2]!];
      let best = batch.maxDist[i]!;
      let tag = -1;
      let entity = -1;
      for (const b of this.boxes) {
        const t = hitBox(o, d, b, batch.radius);
        if (t <= best) {
          best = t;
          tag = b.tag;
          entity = -1;
        }
      }
      for (const s of this.spheres) {
        if (s.entity === batch.exclude[i]) continue;
        const t = hitSphere(o, d, s, batch.radius);
        if (t <= best) {
          best = t;
          tag = s.tag;
          entity = s.entity;
        }
      }
      batch.hitDist[i] = best;
      batch.hitTag[i] = tag;
      batch.hitEntity[i] = entity;
    }
  }
}
