/**
 * Nav meshes from the files games and tools write:
 *
 * - Awpy 1.x (CS:GO): `<map>_areas.csv` — axis-aligned XY rectangles with the z of their north-
 *   west and south-east corners and a place name — and `<map>_edges.txt` (directed `from,to`).
 * - Awpy 2.x JSON (CS2): `{ areas: { id: { area_id, corners: [{x, y, z}…], connections: [id…] } } }`
 *   — convex polygons with a height at every corner.
 * - tickmind's plain JSON, for a game's own export (meters, y up; documented in docs/navigation.md):
 *   `{ "format": "tickmind-navmesh", "version": 1, "areas": [{ "id": 1, "place": "A",
 *   "polygon": [[x, y, z], …] }], "edges": [[1, 2], …] }`.
 *
 * Awpy files are in Source units with z up; they become meters with y up: x = x, y = z, z = -y,
 * 0.0254 m per unit (rounded to the millimetre). Errors name the file, line or field.
 */
import { TickmindError } from '../core/errors.js';
import { type NavArea, NavMesh } from './nav-mesh.js';

/** Meters per Source unit (1 unit = 1 inch). */
export const METERS_PER_UNIT = 0.0254;

/** One Awpy 1.x nav area, in Source units (z up). */
export interface AwpyArea {
  /** Source nav area id. */
  id: number;
  /** Callout ("place"), e.g. "BombsiteA"; empty when unnamed. */
  place: string;
  /** Minimum x (the north-west corner's). */
  minX: number;
  /** Minimum y. */
  minY: number;
  /** z at the north-west corner. */
  zNW: number;
  /** Maximum x. */
  maxX: number;
  /** Maximum y. */
  maxY: number;
  /** z at the south-east corner. */
  zSE: number;
}

/** An Awpy 1.x nav mesh as read, in Source units. */
export interface AwpyNavMesh {
  /** Map name from the file, e.g. "de_dust2". */
  map: string;
  /** The areas, in file order. */
  areas: AwpyArea[];
  /** Directed edges [fromId, toId]. */
  edges: [number, number][];
}

const HEADER = 'mapName,areaId,areaName,northWestX,northWestY,northWestZ,southEastX,southEastY,southEastZ';

function failAt(file: string, line: number, message: string): never {
  throw new TickmindError('INVALID_ARGUMENT', `${file}:${line}: ${message}`, { file, field: `line ${line}` });
}

/** Parses Awpy 1.x `<map>_areas.csv` and `<map>_edges.txt` (Source units, as in the files). */
export function parseAwpyNavMesh(areasCsv: string, edgesText: string, files = { areas: 'areas.csv', edges: 'edges.txt' }): AwpyNavMesh {
  const lines = areasCsv.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== HEADER) failAt(files.areas, 1, `expected the header '${HEADER}'`);
  const areas: AwpyArea[] = [];
  const ids = new Set<number>();
  let map = '';
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(',');
    if (f.length !== 9) failAt(files.areas, i + 1, `expected 9 fields, got ${f.length}`);
    const n = f.map(Number);
    const area: AwpyArea = { id: n[1]!, place: f[2]!, minX: n[3]!, minY: n[4]!, zNW: n[5]!, maxX: n[6]!, maxY: n[7]!, zSE: n[8]! };
    if (![area.id, area.minX, area.minY, area.zNW, area.maxX, area.maxY, area.zSE].every(Number.isFinite))
      failAt(files.areas, i + 1, 'a numeric field is not a number');
    if (!(area.minX <= area.maxX && area.minY <= area.maxY))
      failAt(files.areas, i + 1, `area ${area.id}: the north-west corner must have the minimum x and y`);
    if (ids.has(area.id)) failAt(files.areas, i + 1, `area id ${area.id} appears twice`);
    ids.add(area.id);
    map ||= f[0]!;
    areas.push(area);
  }
  const edges: [number, number][] = [];
  edgesText.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return;
    const m = /^(\d+),(\d+)$/.exec(line.trim());
    if (m === null) failAt(files.edges, i + 1, `expected 'fromAreaId,toAreaId', got '${line}'`);
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (!ids.has(from) || !ids.has(to)) failAt(files.edges, i + 1, `edge ${from}->${to} names an area that is not in ${files.areas}`);
    edges.push([from, to]);
  });
  return { map, areas, edges };
}

/** Source units to meters, rounded to the millimetre. */
export function sourceToMeters(v: number): number {
  return Math.round(v * METERS_PER_UNIT * 1000) / 1000;
}

/** An Awpy 1.x area in meters, y up: the rectangle and its two corner heights. */
export function awpyAreaToNavArea(a: AwpyArea): NavArea {
  const m = sourceToMeters;
  return { id: a.id, place: a.place, minX: m(a.minX), maxX: m(a.maxX), minZ: m(-a.maxY), maxZ: m(-a.minY), yA: m(a.zNW), yB: m(a.zSE) };
}

/** A nav mesh from Awpy 1.x files (already parsed, or their text). */
export function navMeshFromAwpy(source: AwpyNavMesh | { areasCsv: string; edgesText: string }): NavMesh {
  const parsed = 'areas' in source ? source : parseAwpyNavMesh(source.areasCsv, source.edgesText);
  return new NavMesh({ areas: parsed.areas.map(awpyAreaToNavArea), edges: parsed.edges });
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(file: string | undefined, field: string, message: string): never {
  throw new TickmindError('INVALID_ARGUMENT', `nav mesh: ${field}: ${message}`, { field, ...(file !== undefined ? { file } : {}) });
}

/** A polygon area from corners in meters (x, y up, z), its box and corner heights derived. */
function polygonArea(id: number, place: string, corners: readonly (readonly number[])[], file: string | undefined, at: string): NavArea {
  if (corners.length < 3) bad(file, at, `a polygon needs at least 3 corners, got ${corners.length}`);
  const polygon: number[] = [];
  const heights: number[] = [];
  for (const [k, c] of corners.entries()) {
    if (c.length !== 3 || !c.every(Number.isFinite)) bad(file, `${at}[${k}]`, 'a corner is [x, y, z] in meters');
    polygon.push(c[0]!, c[2]!);
    heights.push(c[1]!);
  }
  const xs = polygon.filter((_, i) => i % 2 === 0);
  const zs = polygon.filter((_, i) => i % 2 === 1);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minZ = Math.min(...zs);
  const maxZ = Math.max(...zs);
  const near = (tx: number, tz: number) => {
    let best = 0;
    for (let k = 1; k < heights.length; k++)
      if ((xs[k]! - tx) ** 2 + (zs[k]! - tz) ** 2 < (xs[best]! - tx) ** 2 + (zs[best]! - tz) ** 2) best = k;
    return heights[best]!;
  };
  return { id, place, minX, maxX, minZ, maxZ, yA: near(minX, maxZ), yB: near(maxX, minZ), polygon, heights };
}

/** A nav mesh from an Awpy 2.x JSON nav mesh (CS2: convex polygons with a height per corner). */
export function navMeshFromAwpyJson(json: unknown, file?: string): NavMesh {
  if (!isObject(json) || !isObject(json.areas))
    bad(file, 'areas', 'an Awpy 2.x nav mesh is { areas: { id: { area_id, corners, connections } } }');
  const areas: NavArea[] = [];
  const edges: [number, number][] = [];
  for (const [key, raw] of Object.entries(json.areas)) {
    const at = `areas.${key}`;
    if (!isObject(raw) || !Number.isInteger(raw.area_id) || !Array.isArray(raw.corners) || !Array.isArray(raw.connections))
      bad(file, at, 'needs area_id, corners [{x, y, z}…] and connections [id…]');
    const corners = (raw.corners as unknown[]).map((c, k) => {
      if (!isObject(c) || ![c.x, c.y, c.z].every((v) => typeof v === 'number' && Number.isFinite(v)))
        bad(file, `${at}.corners[${k}]`, 'a corner is {x, y, z}');
      return [sourceToMeters(c.x as number), sourceToMeters(c.z as number), sourceToMeters(-(c.y as number))];
    });
    const id = raw.area_id as number;
    areas.push(polygonArea(id, typeof raw.place === 'string' ? raw.place : '', corners, file, `${at}.corners`));
    for (const to of raw.connections as unknown[]) {
      if (!Number.isInteger(to)) bad(file, `${at}.connections`, 'connections are area ids');
      edges.push([id, to as number]);
    }
  }
  return withFile(() => new NavMesh({ areas, edges }), file);
}

/** The plain JSON format's marker. */
export const NAVMESH_FORMAT = 'tickmind-navmesh';

/** One area of the plain JSON. */
export interface NavMeshJsonArea {
  /** Area id (edges name it). */
  id: number;
  /** Place name (callout), optional. */
  place?: string;
  /** Convex polygon corners [x, y, z] in meters (y up), either winding. */
  polygon: [number, number, number][];
}

/** A nav mesh in tickmind's plain JSON (see the module comment). */
export interface NavMeshJson {
  /** Format marker. */
  format: typeof NAVMESH_FORMAT;
  /** Format version (1). */
  version: 1;
  /** The areas: convex polygons, corners [x, y, z] in meters (y up). */
  areas: NavMeshJsonArea[];
  /** Directed connections [fromId, toId]. */
  edges: [number, number][];
}

/** A nav mesh from tickmind's plain JSON; errors name the field at fault. */
export function navMeshFromJSON(json: unknown, file?: string): NavMesh {
  if (!isObject(json) || json.format !== NAVMESH_FORMAT)
    bad(file, 'format', `expected "${NAVMESH_FORMAT}" (a tickmind nav mesh; Awpy files have their own readers)`);
  if (json.version !== 1) bad(file, 'version', `version ${JSON.stringify(json.version)} is not supported (this SDK reads 1)`);
  if (!Array.isArray(json.areas)) bad(file, 'areas', 'must be an array');
  if (!Array.isArray(json.edges)) bad(file, 'edges', 'must be an array of [fromId, toId]');
  const areas = json.areas.map((a: unknown, i: number) => {
    const at = `areas[${i}]`;
    if (!isObject(a) || !Number.isInteger(a.id) || !Array.isArray(a.polygon))
      bad(file, at, 'an area is { id, place?, polygon: [[x, y, z]…] }');
    if (a.place !== undefined && typeof a.place !== 'string') bad(file, `${at}.place`, 'must be a string');
    return polygonArea(a.id as number, (a.place as string | undefined) ?? '', a.polygon as number[][], file, `${at}.polygon`);
  });
  const edges = json.edges.map((e: unknown, k: number) => {
    if (!Array.isArray(e) || e.length !== 2 || !e.every(Number.isInteger)) bad(file, `edges[${k}]`, 'an edge is [fromId, toId]');
    return [e[0], e[1]] as [number, number];
  });
  return withFile(() => new NavMesh({ areas, edges }), file);
}

/** A mesh in tickmind's plain JSON (rectangles as four corners: their two known heights and the mean at the others). */
export function navMeshToJSON(mesh: NavMesh): NavMeshJson {
  return {
    format: NAVMESH_FORMAT,
    version: 1,
    areas: mesh.areas.map((a) => {
      const r = (v: number) => Math.round(v * 1000) / 1000;
      const corners: [number, number, number][] =
        a.polygon === undefined
          ? [
              [a.minX, (a.yA + a.yB) / 2, a.minZ],
              [a.maxX, a.yB, a.minZ],
              [a.maxX, (a.yA + a.yB) / 2, a.maxZ],
              [a.minX, a.yA, a.maxZ],
            ]
          : a.heights!.map((h, k) => [a.polygon![2 * k]!, h, a.polygon![2 * k + 1]!]);
      return { id: a.id, ...(a.place !== '' ? { place: a.place } : {}), polygon: corners.map((c) => c.map(r) as [number, number, number]) };
    }),
    edges: mesh.edges.map(([a, b]) => [a, b]),
  };
}

function withFile<T>(build: () => T, file: string | undefined): T {
  try {
    return build();
  } catch (err) {
    throw err instanceof TickmindError && file !== undefined ? err.withFile(file) : err;
  }
}
