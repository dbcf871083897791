/**
 * `npm run maps`: converts the nav meshes in sandbox/arena/maps/source into the arena's map
 * format, sandbox/arena/maps/<map>.json, and draws each from above (<map>.svg). The built files are committed; a test rebuilds them and
 * checks they are current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAwpyNavMesh } from '../../../sdk/navigation/index.js';
import { type ArenaMap, buildArenaMap } from './arena-map.js';
import { mapSvg } from './plot.js';

/** Maps shipped with the arena. */
export const MAP_NAMES = ['de_dust2', 'de_inferno'] as const;

/** The repository's sandbox/arena/maps folder (from src or dist). */
export function mapsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${join('dist', 'sandbox')}`) ? join(here, '..', '..', '..', '..') : join(here, '..', '..', '..');
  return join(up, 'sandbox', 'arena', 'maps');
}

/** Builds one map from its nav-mesh source files. */
export function buildMapFromSource(name: string, dir = mapsDir()): ArenaMap {
  const areas = join(dir, 'source', `${name}_areas.csv`);
  const edges = join(dir, 'source', `${name}_edges.txt`);
  const nav = parseAwpyNavMesh(readFileSync(areas, 'utf8'), readFileSync(edges, 'utf8'), { areas, edges });
  return buildArenaMap(
    nav,
    'Awpy 1.x nav mesh (awpy-1.3.1), MIT License, Copyright (c) 2020-2025 Peter Xenopoulos; see maps/source/LICENSE-ATTRIBUTION.md',
  );
}

/** The JSON text of a built map (stable: one area, edge or wall per line). */
export function mapJson(map: ArenaMap): string {
  const rows = (xs: unknown[]) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
  return `{
  "format": ${JSON.stringify(map.format)},
  "version": ${map.version},
  "name": ${JSON.stringify(map.name)},
  "source": ${JSON.stringify(map.source)},
  "bounds": ${JSON.stringify(map.bounds)},
  "hull": ${map.hull},
  "places": ${JSON.stringify(map.places)},
  "areas": [
${rows(map.areas)}
  ],
  "edges": ${JSON.stringify(map.edges)},
  "walls": [
${rows(map.walls)}
  ]
}
`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const name of MAP_NAMES) {
    const map = buildMapFromSource(name);
    const file = join(mapsDir(), `${name}.json`);
    writeFileSync(file, mapJson(map));
    writeFileSync(join(mapsDir(), `${name}.svg`), mapSvg(map));
    process.stdout.write(
      `${file}: ${map.areas.length} areas, ${map.edges.length} edges, ${map.walls.length} walls, ${Object.keys(map.places).length} places\n`,
    );
  }
}
