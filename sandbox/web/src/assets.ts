/**
 * What the page ships with: the de_dust2 arena map, the 3,461 professional plant states and the
 * shipped models — all bundled by Vite from the repository (models/ as same-origin files).
 */

import egocentricUrl from '../../../models/egocentric.onnx?url';
import jointUrl from '../../../models/joint-5v5.onnx?url';
import mlpUrl from '../../../models/mlp.onnx?url';
import plantStatesCsv from '../../arena/data/plant_states.csv?raw';
import type { ArenaMap } from '../../arena/map/arena-map.js';
import dust2 from '../../arena/maps/de_dust2.json' with { type: 'json' };
import { type PlantState, parsePlantStates } from '../../arena/scenarios/plant-states.js';
import { TickmindError } from './sdk.js';

/** The shipped models the bots can use, by name. */
export const SHIPPED_MODELS = {
  joint: { url: jointUrl, file: 'models/joint-5v5.onnx', label: 'joint transformer (5v5)' },
  egocentric: { url: egocentricUrl, file: 'models/egocentric.onnx', label: 'egocentric transformer' },
  mlp: { url: mlpUrl, file: 'models/mlp.onnx', label: 'MLP baseline' },
} as const;

/** A shipped model's name. */
export type ShippedModel = keyof typeof SHIPPED_MODELS;

/** The de_dust2 arena map, checked. */
export function dust2Map(): ArenaMap {
  const map = dust2 as unknown as ArenaMap;
  if (map.format !== 'tickmind-arena-map' || map.version !== 1)
    throw new TickmindError('INVALID_ARGUMENT', 'de_dust2.json: not a tickmind arena map', { field: 'format' });
  return map;
}

let states: PlantState[] | undefined;

/** The real plant states (parsed once). */
export function plantStates(): PlantState[] {
  states ??= parsePlantStates(plantStatesCsv, 'plant_states.csv');
  return states;
}

/** Fetches a shipped model's bytes from the page's own origin. */
export async function fetchModel(name: ShippedModel): Promise<Uint8Array> {
  const m = SHIPPED_MODELS[name];
  const res = await fetch(m.url);
  if (!res.ok) throw new TickmindError('INVALID_ARGUMENT', `${m.file}: HTTP ${res.status} while loading`, { file: m.file });
  return new Uint8Array(await res.arrayBuffer());
}
