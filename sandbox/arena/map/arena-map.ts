/**
 * The arena's map format and its builder from a nav mesh. Frame: meters, y up, right-handed:
 * x = source x, y = source z, z = -source y, scaled by 0.0254 m per unit. Each nav area becomes a
 * floor patch (a plane through its two known corner heights) and a floor box; each stretch of an
 * area's side with no walkable neighbour becomes a wall box, so rays and movement respect the
 * layout. Places (callouts) are kept for scenario logic and metrics.
 */
import { type AwpyArea, type AwpyNavMesh, awpyAreaToNavArea, FloorIndex, METERS_PER_UNIT, NavMesh } from '../../../sdk/navigation/index.js';
import { type BuildOptions, buildWalls } from './walls.js';

export { METERS_PER_UNIT } from '../../../sdk/navigation/index.js';
export type { BuildOptions } from './walls.js';
/** Box tags of arena geometry (agents are 1, as in the sensors' convention). */
export const MAP_TAGS = { agent: 1, wall: 2, floor: 4 } as const;

/** One walkable area in the arena frame. */
export interface MapArea {
  /** Source nav area id. */
  id: number;
  /** Callout, or "" when unnamed. */
  place: string;
  /** Extent on x, m. */
  minX: number;
  /** Extent on x, m. */
  maxX: number;
  /** Extent on z, m. */
  minZ: number;
  /** Extent on z, m. */
  maxZ: number;
  /** Floor height at (minX, maxZ) (the source north-west corner), m. */
  yA: number;
  /** Floor height at (maxX, minZ) (the source south-east corner), m. */
  yB: number;
}

/** A built map: what the arena, the physics and the renderer all read. */
export interface ArenaMap {
  /** Format marker and version. */
  format: 'tickmind-arena-map';
  /** Format version. */
  version: 1;
  /** Map name, e.g. "de_dust2". */
  name: string;
  /** Where the geometry comes from (kept with the data). */
  source: string;
  /** The walkable areas. */
  areas: MapArea[];
  /** Directed connections between area ids (as in the nav mesh). */
  edges: [number, number][];
  /** Area ids per place name. */
  places: Record<string, number[]>;
  /** Wall boxes: minX, minY, minZ, maxX, maxY, maxZ, m. */
  walls: number[][];
  /** Bounds of the floor: [minX, minY, minZ, maxX, maxY, maxZ], m. */
  bounds: number[];
  /** Player hull half-width, m: floor slabs reach this far past the areas, outer walls stand this far out. */
  hull: number;
}

/** Builds an arena map from a nav mesh. */
export function buildArenaMap(nav: AwpyNavMesh, source: string, options: BuildOptions = {}): ArenaMap {
  const { walls, hull } = buildWalls(nav, options);
  const areas = nav.areas.map(toMapArea);
  const places: Record<string, number[]> = {};
  for (const a of areas) {
    if (a.place === '') continue;
    const list = places[a.place] ?? [];
    list.push(a.id);
    places[a.place] = list;
  }
  return {
    format: 'tickmind-arena-map',
    version: 1,
    name: nav.map,
    source,
    areas,
    edges: nav.edges,
    places,
    walls,
    bounds: floorBounds(areas),
    hull: Math.round(hull * METERS_PER_UNIT * 1000) / 1000,
  };
}

/** The floor height of an area at (x, z), m: the plane through its two known corners along the diagonal. */
export function areaHeightAt(a: MapArea, x: number, z: number): number {
  const u = a.maxX > a.minX ? (x - a.minX) / (a.maxX - a.minX) : 0.5;
  const v = a.maxZ > a.minZ ? (a.maxZ - z) / (a.maxZ - a.minZ) : 0.5;
  const t = Math.min(1, Math.max(0, (u + v) / 2));
  return a.yA + (a.yB - a.yA) * t;
}

/** The map's nav mesh (tickmind/navigation) and the index that finds the area under a point. */
export function mapNavigation(map: ArenaMap): { mesh: NavMesh; floor: FloorIndex } {
  const mesh = new NavMesh({ areas: map.areas, edges: map.edges });
  return { mesh, floor: new FloorIndex(mesh) };
}

/** Level boxes of the map: one 0.2 m floor slab per area at its mean height, grown by the hull, and the walls. */
export function mapBoxes(map: ArenaMap): { min: number[]; max: number[]; tag: number }[] {
  const floor = map.areas.map((a) => {
    const y = (a.yA + a.yB) / 2;
    const g = map.hull;
    return { min: [a.minX - g, y - 0.2, a.minZ - g], max: [a.maxX + g, y, a.maxZ + g], tag: MAP_TAGS.floor };
  });
  const walls = map.walls.map((w) => ({ min: w.slice(0, 3), max: w.slice(3, 6), tag: MAP_TAGS.wall }));
  return [...floor, ...walls];
}

function toMapArea(a: AwpyArea): MapArea {
  const { id, place, minX, maxX, minZ, maxZ, yA, yB } = awpyAreaToNavArea(a);
  return { id, place, minX, maxX, minZ, maxZ, yA, yB };
}

function floorBounds(areas: MapArea[]): number[] {
  const b = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  for (const a of areas) {
    b[0] = Math.min(b[0]!, a.minX);
    b[1] = Math.min(b[1]!, a.yA, a.yB);
    b[2] = Math.min(b[2]!, a.minZ);
    b[3] = Math.max(b[3]!, a.maxX);
    b[4] = Math.max(b[4]!, a.yA, a.yB);
    b[5] = Math.max(b[5]!, a.maxZ);
  }
  return b;
}
