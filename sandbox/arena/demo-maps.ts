/**
 * The arena's maps for `tickmind import-demo`: a demo on de_dust2 or de_inferno imports through
 * that map's level boxes (rays, line of sight) and nav mesh (hindsight waypoints), in the shipped
 * egocentric model's token layout (the arena's own, so imported rows train and evaluate with the
 * arena's bots). The bin hands this module's URL to the CLI, whose import workers load it; the SDK
 * never imports the sandbox.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TickmindError, type TokenLayoutJson } from '../../sdk/core/index.js';
import type { DemoMap } from '../../sdk/demos/index.js';
import { decodeModel } from '../../sdk/inference/index.js';
import { levelFromBoxes } from '../../sdk/physics/index.js';
import { parsePolicySpec } from '../../sdk/policy/index.js';
import { mapBoxes, mapNavigation } from './map/arena-map.js';
import { mapsDir } from './map/build-maps.js';
import { loadMap } from './map/load.js';

/** Maps a demo can be on, as demos name them. */
export const DEMO_MAPS = ['de_dust2', 'de_inferno'] as const;

/** The importer's map for a demo's map name; a map the arena lacks is an error naming the ones it has. */
export function demoMap(name: string): DemoMap {
  if (!(DEMO_MAPS as readonly string[]).includes(name))
    throw new TickmindError(
      'INVALID_ARGUMENT',
      `the demo is on ${name || 'an unnamed map'}; tickmind imports demos on ${DEMO_MAPS.join(', ')}`,
      {
        field: 'map',
      },
    );
  const map = loadMap(name);
  return { name, level: levelFromBoxes(mapBoxes(map)), navMesh: mapNavigation(map).mesh };
}

/** The shipped egocentric model's token layout (the arena's egocentric layout). */
export function demoLayout(): TokenLayoutJson {
  // models/ sits next to sandbox/ in a checkout and in the package (mapsDir is <root>/sandbox/arena/maps).
  const file = join(dirname(dirname(dirname(mapsDir()))), 'models', 'egocentric.onnx');
  return parsePolicySpec(decodeModel(new Uint8Array(readFileSync(file))).metadata, file).observation;
}
