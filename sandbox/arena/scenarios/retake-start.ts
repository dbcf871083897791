/**
 * Where a retake round starts: the planted bomb and each side's players (position snapped onto
 * the built floor, facing). From a real plant state (de_dust2) or, on maps without recorded
 * states, generated from the map's places: the bomb on a bombsite, attackers around it,
 * defenders at their spawn.
 */
import { Rng, TickmindError } from '../../../sdk/core/index.js';
import { type FloorIndex, METERS_PER_UNIT } from '../../../sdk/navigation/index.js';
import { type ArenaMap, areaHeightAt, type MapArea } from '../map/arena-map.js';
import type { PlantPlayer, PlantState } from './plant-states.js';

/** One player's start, arena frame. */
export interface SpawnPoint {
  /** Feet position, m. */
  position: [number, number, number];
  /** Facing, radians (arena convention: (cos, 0, sin) in x/z). */
  yaw: number;
}

/** A retake round's start. */
export interface RetakeStart {
  /** Plant-state row, or -1 when generated. */
  row: number;
  /** Bomb position, m. */
  bomb: [number, number, number];
  /** Defenders (counter-terrorists). */
  ct: SpawnPoint[];
  /** Attackers (terrorists). */
  t: SpawnPoint[];
}

/** Which split a plant state belongs to: every tenth row (row % 10 === 9) is held out for evaluation. */
export function plantStateSplit(row: number): 'train' | 'eval' {
  return row % 10 === 9 ? 'eval' : 'train';
}

/** Options of {@link chooseStart}. */
export interface StartOptions {
  /** Players per side: states with at least this many alive on both sides, first n of each (default: the state's own counts). */
  teamSize?: number;
  /** Which plant states to draw from (default 'all'). */
  split?: 'all' | 'train' | 'eval';
}

const u = (v: number) => v * METERS_PER_UNIT;

/** Snaps a point onto the floor: the area under it (generous slack), else the nearest area; feet 5 cm above the floor. */
export function snapToFloor(floor: FloorIndex, x: number, y: number, z: number): [number, number, number] {
  let area = floor.areaAt(x, y, z, u(16), u(80));
  if (area === undefined) area = nearestArea(floor.mesh.areas, x, y, z);
  const sx = Math.min(area.maxX, Math.max(area.minX, x));
  const sz = Math.min(area.maxZ, Math.max(area.minZ, z));
  return [sx, areaHeightAt(area, sx, sz) + 0.05, sz];
}

function nearestArea(areas: readonly MapArea[], x: number, y: number, z: number): MapArea {
  let best = areas[0]!;
  let bestD = Infinity;
  for (const a of areas) {
    const dx = Math.max(a.minX - x, 0, x - a.maxX);
    const dz = Math.max(a.minZ - z, 0, z - a.maxZ);
    const dy = (a.yA + a.yB) / 2 - y;
    const d = dx * dx + dz * dz + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

/** Converts a real plant state (Source units) to a start on this map's floor, keeping the first `teamSize` alive per side. */
export function startFromPlantState(state: PlantState, floor: FloorIndex, teamSize?: number): RetakeStart {
  const spawn = (p: PlantPlayer): SpawnPoint => ({
    position: snapToFloor(floor, u(p.pos[0]), u(p.pos[2]), -u(p.pos[1])),
    // Source yaw ψ faces (cos ψ, sin ψ) in source x/y; source +y is arena −z, so the arena yaw is −ψ.
    yaw: (-p.yaw * Math.PI) / 180,
  });
  const side = (players: PlantPlayer[]) =>
    players
      .filter((p) => p.alive)
      .slice(0, teamSize ?? 5)
      .map(spawn);
  return {
    row: state.row,
    bomb: snapToFloor(floor, u(state.c4[0]), u(state.c4[2]), -u(state.c4[1])),
    ct: side(state.ct),
    t: side(state.t),
  };
}

/** Picks a real plant state by seed (with the options' filters) and converts it. */
export function chooseStart(states: readonly PlantState[], floor: FloorIndex, seed: number, options: StartOptions = {}): RetakeStart {
  const n = options.teamSize;
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 5))
    throw new TickmindError('INVALID_ARGUMENT', `team size must be 1..5, got ${n}`, { field: 'teamSize' });
  const split = options.split ?? 'all';
  const alive = (ps: PlantPlayer[]) => ps.filter((p) => p.alive).length;
  const pool = states.filter(
    (s) => (split === 'all' || plantStateSplit(s.row) === split) && alive(s.ct) >= (n ?? 1) && alive(s.t) >= (n ?? 1),
  );
  if (pool.length === 0) throw new TickmindError('INVALID_ARGUMENT', `no plant state has ${n} alive players per side in split '${split}'`);
  const state = pool[new Rng(seed).int(pool.length)]!;
  return startFromPlantState(state, floor, n);
}

/**
 * A generated start for maps without recorded plant states: the bomb at a random point of a
 * random bombsite area, attackers on areas within 12 m of it, defenders on CT-spawn areas.
 */
export function generatedStart(map: ArenaMap, floor: FloorIndex, seed: number, teamSize = 5): RetakeStart {
  const rng = new Rng(seed);
  const sites = Object.keys(map.places).filter((p) => p.startsWith('Bombsite'));
  const ctSpawn = map.places.CTSpawn;
  if (sites.length === 0 || ctSpawn === undefined)
    throw new TickmindError('INVALID_ARGUMENT', `map '${map.name}' has no Bombsite* or CTSpawn place to generate a retake from`, {
      field: 'places',
    });
  const byId = new Map(map.areas.map((a) => [a.id, a]));
  const pointIn = (a: MapArea): [number, number, number] => {
    const x = rng.uniform(a.minX, a.maxX);
    const z = rng.uniform(a.minZ, a.maxZ);
    return snapToFloor(floor, x, areaHeightAt(a, x, z), z);
  };
  const siteAreas = map.places[sites[rng.int(sites.length)]!]!.map((id) => byId.get(id)!);
  const bomb = pointIn(siteAreas[rng.int(siteAreas.length)]!);
  const near = map.areas.filter((a) => Math.hypot((a.minX + a.maxX) / 2 - bomb[0], (a.minZ + a.maxZ) / 2 - bomb[2]) < 12);
  const tAreas = near.length > 0 ? near : siteAreas;
  const spawnAreas = ctSpawn.map((id) => byId.get(id)!);
  const t = Array.from({ length: teamSize }, () => ({
    position: pointIn(tAreas[rng.int(tAreas.length)]!),
    yaw: rng.uniform(-Math.PI, Math.PI),
  }));
  const ct = Array.from({ length: teamSize }, () => ({
    position: pointIn(spawnAreas[rng.int(spawnAreas.length)]!),
    yaw: rng.uniform(-Math.PI, Math.PI),
  }));
  return { row: -1, bomb, ct, t };
}
