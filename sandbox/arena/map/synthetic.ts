/**
 * A tiny synthetic arena for fast tests and examples: a CT spawn, two routes (a short mid
 * corridor and a long way round over a ramp onto a raised walkway) and one bombsite, built by
 * the same nav-mesh converter as the real maps. About 40 × 30 m.
 */

import type { AwpyArea, AwpyNavMesh } from '../../../sdk/navigation/index.js';
import { type ArenaMap, buildArenaMap } from './arena-map.js';

// id, place, minX, minY, maxX, maxY (Source units), zNW, zSE.
const AREAS: [number, string, number, number, number, number, number, number][] = [
  [1, 'CTSpawn', 0, 0, 400, 400, 0, 0],
  [2, 'Middle', 400, 150, 1200, 250, 0, 0],
  [3, 'BombsiteA', 1200, -200, 1800, 600, 0, 0],
  [4, 'Long', 0, 400, 400, 1000, 0, 0],
  [5, 'LongRamp', 400, 900, 700, 1000, 0, 48],
  [6, 'LongA', 700, 900, 1600, 1000, 48, 48],
  [7, 'ARamp', 1200, 600, 1600, 900, 0, 48],
];
const LINKS: [number, number][] = [
  [1, 2],
  [2, 3],
  [1, 4],
  [4, 5],
  [5, 6],
  [6, 7],
  [7, 3],
];

/** The synthetic map's nav mesh (Source units, like the real ones). */
export function syntheticNavMesh(): AwpyNavMesh {
  const areas: AwpyArea[] = AREAS.map(([id, place, minX, minY, maxX, maxY, zNW, zSE]) => ({ id, place, minX, minY, maxX, maxY, zNW, zSE }));
  const edges: [number, number][] = LINKS.flatMap(([a, b]): [number, number][] => [
    [a, b],
    [b, a],
  ]);
  return { map: 'synthetic', areas, edges };
}

/** The synthetic arena, built like the shipped maps. */
export function syntheticMap(): ArenaMap {
  return buildArenaMap(syntheticNavMesh(), 'synthetic test arena (tickmind)');
}
