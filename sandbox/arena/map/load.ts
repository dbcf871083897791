/** Loads a shipped map by name in Node ("dust2", "de_dust2", "inferno", … or "synthetic"), checking its format. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TickmindError } from '../../../sdk/core/index.js';
import type { ArenaMap } from './arena-map.js';
import { MAP_NAMES, mapsDir } from './build-maps.js';
import { syntheticMap } from './synthetic.js';

/** Names `loadMap` accepts. */
export const LOADABLE_MAPS = ['dust2', 'inferno', 'synthetic'] as const;

/** The full map name for a short or full one, or undefined when unknown. */
export function resolveMapName(name: string): string | undefined {
  if (name === 'synthetic') return name;
  const full = name.startsWith('de_') ? name : `de_${name}`;
  return (MAP_NAMES as readonly string[]).includes(full) ? full : undefined;
}

/** Reads sandbox/arena/maps/<map>.json (or builds the synthetic arena). */
export function loadMap(name: string): ArenaMap {
  const full = resolveMapName(name);
  if (full === undefined)
    throw new TickmindError('INVALID_ARGUMENT', `unknown map '${name}' (available: ${LOADABLE_MAPS.join(', ')})`, { field: 'map' });
  if (full === 'synthetic') return syntheticMap();
  const file = join(mapsDir(), `${full}.json`);
  const map = JSON.parse(readFileSync(file, 'utf8')) as ArenaMap;
  if (map.format !== 'tickmind-arena-map' || map.version !== 1)
    throw new TickmindError('INVALID_ARGUMENT', `${file}: not a tickmind arena map (format/version)`, { file, field: 'format' });
  return map;
}
