/**
 * A nav mesh for a simple level of boxes: a grid of cells over every box top an agent can stand
 * on (headroom for its height, no box within its radius), connected to the neighbouring cells it
 * can step up to or drop down to. Good enough to route agents around crates and walls in a level
 * that has no authored nav mesh; a game with one exports it instead (`navMeshFromJSON`).
 */
import { TickmindError } from '../core/errors.js';
import { type NavArea, NavMesh } from './nav-mesh.js';

/** Level boxes as the physics module holds them (min xyz, max xyz per box; a tag per box). */
export interface BoxesLike {
  /** 6 floats per box: minX, minY, minZ, maxX, maxY, maxZ. */
  bounds: ArrayLike<number>;
  /** Tag id per box. */
  tags: ArrayLike<number>;
}

/** Options of {@link navMeshFromBoxes}. */
export interface BoxNavOptions {
  /** Cell size, m (default 1). */
  cell?: number;
  /** Agent height: headroom needed over a cell, m (default 1.8). */
  agentHeight?: number;
  /** Agent radius: clearance from other boxes, m (default 0.4). */
  agentRadius?: number;
  /** Highest step up between neighbouring cells, m (default 0.45). */
  stepHeight?: number;
  /** Deepest drop down between neighbouring cells, m (default 2). */
  maxDrop?: number;
  /** Tags of boxes one may stand on (default: every tag). */
  walkableTags?: readonly number[];
}

/** Builds the grid nav mesh of a level of boxes (see the module comment). */
export function navMeshFromBoxes(level: BoxesLike, options: BoxNavOptions = {}): NavMesh {
  const cell = options.cell ?? 1;
  const height = options.agentHeight ?? 1.8;
  const radius = options.agentRadius ?? 0.4;
  const step = options.stepHeight ?? 0.45;
  const drop = options.maxDrop ?? 2;
  if (!(cell > 0 && height > 0 && radius >= 0 && step >= 0 && drop >= 0))
    throw new TickmindError('INVALID_ARGUMENT', 'cell and agentHeight must be positive; radius, step and drop non-negative', {
      field: 'options',
    });
  const b = level.bounds;
  const n = level.tags.length;
  const walkable = options.walkableTags === undefined ? undefined : new Set(options.walkableTags);
  const cells = new Map<string, { ix: number; iz: number; y: number }>();
  for (let i = 0; i < n; i++) {
    if (walkable !== undefined && !walkable.has(level.tags[i]!)) continue;
    const y = b[6 * i + 4]!;
    for (let ix = Math.floor(b[6 * i]! / cell); (ix + 0.5) * cell <= b[6 * i + 3]!; ix++) {
      for (let iz = Math.floor(b[6 * i + 2]! / cell); (iz + 0.5) * cell <= b[6 * i + 5]!; iz++) {
        const cx = (ix + 0.5) * cell;
        const cz = (iz + 0.5) * cell;
        if (cx < b[6 * i]! || cz < b[6 * i + 2]!) continue; // the cell's centre must stand on this box
        if (blocked(b, n, cx, cz, y, radius, height)) continue; // the agent stands at the cell centre
        const key = `${ix},${iz},${Math.round(y * 100)}`;
        if (!cells.has(key)) cells.set(key, { ix, iz, y });
      }
    }
  }
  if (cells.size === 0) throw new TickmindError('INVALID_ARGUMENT', 'no box top has room for an agent: no nav mesh', { field: 'boxes' });
  const list = [...cells.values()].sort((p, q) => p.ix - q.ix || p.iz - q.iz || p.y - q.y);
  const areas: NavArea[] = list.map((c, id) => ({
    id,
    place: '',
    minX: c.ix * cell,
    maxX: (c.ix + 1) * cell,
    minZ: c.iz * cell,
    maxZ: (c.iz + 1) * cell,
    yA: c.y,
    yB: c.y,
  }));
  const byColumn = new Map<string, number[]>();
  list.forEach((c, id) => {
    const k = `${c.ix},${c.iz}`;
    const ids = byColumn.get(k) ?? [];
    ids.push(id);
    byColumn.set(k, ids);
  });
  const edges: [number, number][] = [];
  list.forEach((c, id) => {
    for (const [dx, dz] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      for (const other of byColumn.get(`${c.ix + dx},${c.iz + dz}`) ?? []) {
        const rise = list[other]!.y - c.y;
        if (rise <= step && -rise <= drop) edges.push([id, other]);
      }
    }
  });
  return new NavMesh({ areas, edges });
}

/** Whether a box other than the floor blocks the column of half-width `half` over (x, z) from y to y + height. */
function blocked(b: ArrayLike<number>, n: number, x: number, z: number, y: number, half: number, height: number): boolean {
  for (let j = 0; j < n; j++) {
    if (b[6 * j + 4]! <= y + 0.05 || b[6 * j + 1]! >= y + height) continue;
    if (b[6 * j]! >= x + half || b[6 * j + 3]! <= x - half || b[6 * j + 2]! >= z + half || b[6 * j + 5]! <= z - half) continue;
    return true;
  }
  return false;
}
