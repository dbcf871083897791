/**
 * A nav mesh: walkable areas and the directed connections between them. Frame: meters, y up.
 * An area is an axis-aligned rectangle whose floor is the plane through the heights of two
 * opposite corners (the CS:GO / Awpy 1.x kind), or a convex polygon with a height at every corner
 * (Awpy 2.x, the plain tickmind JSON, a game's own export), whose floor is the least-squares
 * plane through its corners. Built once (allocates); every query allocates nothing.
 */
import { TickmindError } from '../core/errors.js';

/**
 * One walkable area as data. The box (`minX … maxZ`) is always set; `yA`/`yB` are the floor
 * heights at (minX, maxZ) and (maxX, minZ) — for a rectangle, its floor. A polygon area also has
 * `polygon` (x, z per corner, convex) and `heights` (the floor height at each corner).
 */
export interface NavArea {
  /** Area id (edges name areas by id). */
  id: number;
  /** Place name (callout), or "" when unnamed. */
  place: string;
  /** Box: smallest x, m. */
  minX: number;
  /** Box: largest x, m. */
  maxX: number;
  /** Box: smallest z, m. */
  minZ: number;
  /** Box: largest z, m. */
  maxZ: number;
  /** Floor height at (minX, maxZ), m. */
  yA: number;
  /** Floor height at (maxX, minZ), m. */
  yB: number;
  /** Convex polygon corners, x then z per corner (absent: the rectangle of the box). */
  polygon?: number[];
  /** Floor height at each polygon corner, m. */
  heights?: number[];
}

/** The areas and connections a nav mesh is built from. */
export interface NavMeshData {
  /** The areas. */
  areas: NavArea[];
  /** Directed connections [fromId, toId]: an agent can move from the first area into the second. */
  edges: [number, number][];
}

/** Most corners a polygon area may have. */
export const MAX_CORNERS = 16;
/** How far inside its area a waypoint is placed, m (less in areas too narrow for it). */
export const WAYPOINT_INSET_M = 0.5;

/** Areas, connections and the geometry queries navigation needs (see the module comment). */
export class NavMesh {
  /** The areas, by dense index. */
  readonly areas: readonly NavArea[];
  /** Directed connections by id. */
  readonly edges: readonly [number, number][];
  /** Dense index of each area id. */
  readonly indexOf: ReadonlyMap<number, number>;
  /** Area ids per place name. */
  readonly places: Readonly<Record<string, number[]>>;
  /** Area centres, 3 floats per index: x, floor height, z (m). */
  readonly centers: Float32Array;
  /** The bounds of every area: minX, minY, minZ, maxX, maxY, maxZ. */
  readonly bounds: [number, number, number, number, number, number];
  // Polygon areas: corner count (0 for rectangles), corners (x, z) and the inset corners, and the plane.
  private readonly corners: Int32Array;
  private readonly poly: Float64Array;
  private readonly inset: Float64Array;
  private readonly plane: Float64Array;
  private readonly width: Float32Array;

  constructor(data: NavMeshData) {
    const n = data.areas.length;
    if (n === 0) throw new TickmindError('INVALID_ARGUMENT', 'a nav mesh needs at least one area', { field: 'areas' });
    this.areas = data.areas;
    this.edges = data.edges;
    const indexOf = new Map<number, number>();
    data.areas.forEach((a, i) => {
      checkArea(a, i);
      if (indexOf.has(a.id)) throw new TickmindError('INVALID_ARGUMENT', `area id ${a.id} appears twice`, { field: `areas[${i}].id` });
      indexOf.set(a.id, i);
    });
    data.edges.forEach(([from, to], k) => {
      if (!indexOf.has(from) || !indexOf.has(to))
        throw new TickmindError('INVALID_ARGUMENT', `edge ${from} -> ${to} names an area that does not exist`, { field: `edges[${k}]` });
    });
    this.indexOf = indexOf;
    const places: Record<string, number[]> = {};
    for (const a of data.areas) {
      if (a.place === '') continue;
      const list = places[a.place] ?? [];
      list.push(a.id);
      places[a.place] = list;
    }
    this.places = places;
    this.corners = new Int32Array(n);
    this.poly = new Float64Array(n * MAX_CORNERS * 2);
    this.inset = new Float64Array(n * MAX_CORNERS * 2);
    this.plane = new Float64Array(n * 3);
    this.width = new Float32Array(n);
    this.centers = new Float32Array(3 * n);
    const b: [number, number, number, number, number, number] = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
    data.areas.forEach((a, i) => {
      if (a.polygon !== undefined) this.addPolygon(i, a);
      else this.width[i] = Math.min(a.maxX - a.minX, a.maxZ - a.minZ);
      const cx = this.corners[i] === 0 ? (a.minX + a.maxX) / 2 : centroid(this.poly, i, this.corners[i]!, 0);
      const cz = this.corners[i] === 0 ? (a.minZ + a.maxZ) / 2 : centroid(this.poly, i, this.corners[i]!, 1);
      this.centers[3 * i] = cx;
      this.centers[3 * i + 1] = this.corners[i] === 0 ? (a.yA + a.yB) / 2 : this.heightAt(i, cx, cz);
      this.centers[3 * i + 2] = cz;
      const ys = a.heights ?? [a.yA, a.yB];
      b[0] = Math.min(b[0], a.minX);
      b[1] = Math.min(b[1], ...ys);
      b[2] = Math.min(b[2], a.minZ);
      b[3] = Math.max(b[3], a.maxX);
      b[4] = Math.max(b[4], ...ys);
      b[5] = Math.max(b[5], a.maxZ);
    });
    this.bounds = b;
  }

  /** Number of areas. */
  get size(): number {
    return this.areas.length;
  }

  /** Whether area i is a convex polygon (else a rectangle). */
  isPolygon(i: number): boolean {
    return this.corners[i]! > 0;
  }

  /** The narrowest width of area i, m (a rectangle's shorter side; twice a polygon's smallest centroid-to-side distance). */
  widthOf(i: number): number {
    return this.width[i]!;
  }

  /** The floor height of area i at (x, z), m (its plane, also outside the area). */
  heightAt(i: number, x: number, z: number): number {
    if (this.corners[i] === 0) {
      // The plane through the two known corners along the diagonal (exactly as the CS:GO meshes give it).
      const a = this.areas[i]!;
      const u = a.maxX > a.minX ? (x - a.minX) / (a.maxX - a.minX) : 0.5;
      const v = a.maxZ > a.minZ ? (a.maxZ - z) / (a.maxZ - a.minZ) : 0.5;
      const t = Math.min(1, Math.max(0, (u + v) / 2));
      return a.yA + (a.yB - a.yA) * t;
    }
    const p = 3 * i;
    return this.plane[p]! + this.plane[p + 1]! * x + this.plane[p + 2]! * z;
  }

  /** Whether (x, z) lies in area i grown by `slack` m. */
  contains(i: number, x: number, z: number, slack: number): boolean {
    const a = this.areas[i]!;
    if (x < a.minX - slack || x > a.maxX + slack || z < a.minZ - slack || z > a.maxZ + slack) return false;
    const n = this.corners[i]!;
    if (n === 0) return true;
    const base = i * MAX_CORNERS * 2;
    for (let k = 0; k < n; k++) {
      const x0 = this.poly[base + 2 * k]!;
      const z0 = this.poly[base + 2 * k + 1]!;
      const k1 = k + 1 === n ? 0 : k + 1;
      const ex = this.poly[base + 2 * k1]! - x0;
      const ez = this.poly[base + 2 * k1 + 1]! - z0;
      // Corners run with a positive signed area: inside is to the left of every side.
      if (ex * (z - z0) - ez * (x - x0) < -slack * Math.sqrt(ex * ex + ez * ez)) return false;
    }
    return true;
  }

  /**
   * The point of area i nearest (x, z) that lies at least WAYPOINT_INSET_M inside it (less in a
   * narrow area), written to out[0], out[1]: where to head to enter it.
   */
  pointInside(i: number, x: number, z: number, out: Float32Array | Float64Array): void {
    const n = this.corners[i]!;
    if (n === 0) {
      const a = this.areas[i]!;
      const ix = Math.min(WAYPOINT_INSET_M, (a.maxX - a.minX) / 2);
      const iz = Math.min(WAYPOINT_INSET_M, (a.maxZ - a.minZ) / 2);
      out[0] = Math.min(a.maxX - ix, Math.max(a.minX + ix, x));
      out[1] = Math.min(a.maxZ - iz, Math.max(a.minZ + iz, z));
      return;
    }
    closestInPolygon(this.inset, i * MAX_CORNERS * 2, n, x, z, out);
  }

  /** The point of area i nearest (x, z), written to out[0], out[1]. */
  nearestPoint(i: number, x: number, z: number, out: Float32Array | Float64Array): void {
    const n = this.corners[i]!;
    if (n === 0) {
      const a = this.areas[i]!;
      out[0] = Math.min(a.maxX, Math.max(a.minX, x));
      out[1] = Math.min(a.maxZ, Math.max(a.minZ, z));
      return;
    }
    closestInPolygon(this.poly, i * MAX_CORNERS * 2, n, x, z, out);
  }

  private addPolygon(i: number, a: NavArea): void {
    const p = a.polygon!;
    const h = a.heights!;
    const n = p.length / 2;
    const base = i * MAX_CORNERS * 2;
    // Store counter-clockwise (positive signed area).
    let area2 = 0;
    for (let k = 0; k < n; k++) {
      const k1 = (k + 1) % n;
      area2 += p[2 * k]! * p[2 * k1 + 1]! - p[2 * k1]! * p[2 * k + 1]!;
    }
    const flip = area2 < 0;
    for (let k = 0; k < n; k++) {
      const src = flip ? n - 1 - k : k;
      this.poly[base + 2 * k] = p[2 * src]!;
      this.poly[base + 2 * k + 1] = p[2 * src + 1]!;
    }
    this.corners[i] = n;
    fitPlane(p, h, this.plane, 3 * i);
    const cx = centroid(this.poly, i, n, 0);
    const cz = centroid(this.poly, i, n, 1);
    let nearest = Infinity;
    for (let k = 0; k < n; k++) nearest = Math.min(nearest, sideDistance(this.poly, base, n, k, cx, cz));
    this.width[i] = 2 * nearest;
    // The inset polygon: corners pulled toward the centroid until the sides are `inset` inside.
    const inset = Math.min(WAYPOINT_INSET_M, 0.9 * nearest);
    const s = nearest > 0 ? Math.max(0, 1 - inset / nearest) : 0;
    for (let k = 0; k < n; k++) {
      this.inset[base + 2 * k] = cx + (this.poly[base + 2 * k]! - cx) * s;
      this.inset[base + 2 * k + 1] = cz + (this.poly[base + 2 * k + 1]! - cz) * s;
    }
  }
}

function checkArea(a: NavArea, i: number): void {
  const where = { field: `areas[${i}]` };
  const nums = [a.id, a.minX, a.maxX, a.minZ, a.maxZ, a.yA, a.yB];
  if (!nums.every(Number.isFinite)) throw new TickmindError('INVALID_ARGUMENT', `area ${a.id}: a coordinate is not a finite number`, where);
  if (!(a.minX <= a.maxX && a.minZ <= a.maxZ))
    throw new TickmindError('INVALID_ARGUMENT', `area ${a.id}: min must not exceed max on x and z`, where);
  if (a.polygon === undefined) return;
  const n = a.polygon.length / 2;
  if (!Number.isInteger(n) || n < 3 || n > MAX_CORNERS || a.heights?.length !== n || ![...a.polygon, ...a.heights].every(Number.isFinite))
    throw new TickmindError(
      'INVALID_ARGUMENT',
      `area ${a.id}: a polygon needs 3 to ${MAX_CORNERS} corners (x, z each) and one finite height per corner`,
      where,
    );
}

/** The centroid's x (axis 0) or z (axis 1) of polygon i (vertex mean: exact for the convex areas meshes hold). */
function centroid(poly: Float64Array, i: number, n: number, axis: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += poly[i * MAX_CORNERS * 2 + 2 * k + axis]!;
  return s / n;
}

/** Distance from (x, z) to the line of side k. */
function sideDistance(poly: Float64Array, base: number, n: number, k: number, x: number, z: number): number {
  const x0 = poly[base + 2 * k]!;
  const z0 = poly[base + 2 * k + 1]!;
  const k1 = k + 1 === n ? 0 : k + 1;
  const ex = poly[base + 2 * k1]! - x0;
  const ez = poly[base + 2 * k1 + 1]! - z0;
  const len = Math.sqrt(ex * ex + ez * ez);
  return len > 0 ? Math.abs(ex * (z - z0) - ez * (x - x0)) / len : Math.sqrt((x - x0) ** 2 + (z - z0) ** 2);
}

/** The point of a convex polygon (counter-clockwise at poly[base…]) nearest (x, z). */
function closestInPolygon(poly: Float64Array, base: number, n: number, x: number, z: number, out: Float32Array | Float64Array): void {
  let inside = true;
  let best = Infinity;
  let bx = x;
  let bz = z;
  for (let k = 0; k < n; k++) {
    const x0 = poly[base + 2 * k]!;
    const z0 = poly[base + 2 * k + 1]!;
    const k1 = k + 1 === n ? 0 : k + 1;
    const ex = poly[base + 2 * k1]! - x0;
    const ez = poly[base + 2 * k1 + 1]! - z0;
    if (ex * (z - z0) - ez * (x - x0) < 0) inside = false;
    const len2 = ex * ex + ez * ez;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - x0) * ex + (z - z0) * ez) / len2)) : 0;
    const px = x0 + t * ex;
    const pz = z0 + t * ez;
    const d = (px - x) * (px - x) + (pz - z) * (pz - z);
    if (d < best) {
      best = d;
      bx = px;
      bz = pz;
    }
  }
  out[0] = inside ? x : bx;
  out[1] = inside ? z : bz;
}

/** The least-squares plane y = c0 + cx·x + cz·z through corners (x, z) with heights h, into out[o..o+3). */
function fitPlane(p: readonly number[], h: readonly number[], out: Float64Array, o: number): void {
  const n = h.length;
  let mx = 0;
  let mz = 0;
  let my = 0;
  for (let k = 0; k < n; k++) {
    mx += p[2 * k]!;
    mz += p[2 * k + 1]!;
    my += h[k]!;
  }
  mx /= n;
  mz /= n;
  my /= n;
  let sxx = 0;
  let sxz = 0;
  let szz = 0;
  let sxy = 0;
  let szy = 0;
  for (let k = 0; k < n; k++) {
    const dx = p[2 * k]! - mx;
    const dz = p[2 * k + 1]! - mz;
    const dy = h[k]! - my;
    sxx += dx * dx;
    sxz += dx * dz;
    szz += dz * dz;
    sxy += dx * dy;
    szy += dz * dy;
  }
  const det = sxx * szz - sxz * sxz;
  const cx = Math.abs(det) > 1e-12 ? (sxy * szz - szy * sxz) / det : 0;
  const cz = Math.abs(det) > 1e-12 ? (szy * sxx - sxy * sxz) / det : 0;
  out[o] = my - cx * mx - cz * mz;
  out[o + 1] = cx;
  out[o + 2] = cz;
}
