/** Reads the shipped plant states in Node (sandbox/arena/data/plant_states.csv). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapsDir } from '../map/build-maps.js';
import { type PlantState, parsePlantStates } from './plant-states.js';

/** The shipped file's path. */
export function plantStatesFile(): string {
  return join(mapsDir(), '..', 'data', 'plant_states.csv');
}

let cached: PlantState[] | undefined;

/** The 3,461 professional de_dust2 plant states (parsed once per process). */
export function loadPlantStates(): PlantState[] {
  const file = plantStatesFile();
  cached ??= parsePlantStates(readFileSync(file, 'utf8'), file);
  return cached;
}
