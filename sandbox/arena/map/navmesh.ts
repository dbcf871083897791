/**
 * Reads an Awpy 1.x nav mesh: `<map>_areas.csv` (axis-aligned XY rectangles with the z of their
 * north-west and south-east corners, and a place name) and `<map>_edges.txt` (directed
 * `from,to` connections). Source/Hammer units, z up, exactly as in the files.
 */
import { TickmindError } from '../../../sdk/core/index.js';

/** One nav area, in Source units. */
export interface NavArea {
  /** Source nav area id. */
  id: number;
  /** Callout ("place"), e.g. "BombsiteA"; empty when unnamed. */
  place: string;
  /** Minimum x and y (the north-west corner) and that corner's z. */
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

/** A nav mesh: areas and directed connections between their ids. */
export interface NavMesh {
  /** Map name from the file, e.g. "de_dust2". */
  map: string;
  /** The areas, in file order. */
  areas: NavArea[];
  /** Directed edges as [fromId, toId]. */
  edges: [number, number][];
}

const HEADER = 'mapName,areaId,areaName,northWestX,northWestY,northWestZ,southEastX,southEastY,southEastZ';

/** Parses the areas CSV and the edges text; errors name the file and line. */
export function parseNavMesh(areasCsv: string, edgesText: string, files = { areas: 'areas.csv', edges: 'edges.txt' }): NavMesh {
  const lines = areasCsv.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== HEADER) fail(files.areas, 1, `expected the header '${HEADER}'`);
  const areas: NavArea[] = [];
  const ids = new Set<number>();
  let map = '';
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(',');
    if (f.length !== 9) fail(files.areas, i + 1, `expected 9 fields, got ${f.length}`);
    const n = f.map(Number);
    const area: NavArea = { id: n[1]!, place: f[2]!, minX: n[3]!, minY: n[4]!, zNW: n[5]!, maxX: n[6]!, maxY: n[7]!, zSE: n[8]! };
    if (![area.id, area.minX, area.minY, area.zNW, area.maxX, area.maxY, area.zSE].every(Number.isFinite))
      fail(files.areas, i + 1, 'a numeric field is not a number');
    if (!(area.minX <= area.maxX && area.minY <= area.maxY))
      fail(files.areas, i + 1, `area ${area.id}: the north-west corner must have the minimum x and y`);
    if (ids.has(area.id)) fail(files.areas, i + 1, `area id ${area.id} appears twice`);
    ids.add(area.id);
    map ||= f[0]!;
    areas.push(area);
  }
  const edges: [number, number][] = [];
  edgesText.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return;
    const m = /^(\d+),(\d+)$/.exec(line.trim());
    if (m === null) fail(files.edges, i + 1, `expected 'fromAreaId,toAreaId', got '${line}'`);
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (!ids.has(from) || !ids.has(to)) fail(files.edges, i + 1, `edge ${from}->${to} names an area that is not in ${files.areas}`);
    edges.push([from, to]);
  });
  return { map, areas, edges };
}

function fail(file: string, line: number, message: string): never {
  throw new TickmindError('INVALID_ARGUMENT', `${file}:${line}: ${message}`, { file, field: `line ${line}` });
}
