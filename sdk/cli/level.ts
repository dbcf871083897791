/**
 * A user's level for the CLI: a documented JSON of boxes (and optionally its nav mesh and spawn
 * points), read and checked with errors naming the field.
 *
 * ```json
 * { "format": "tickmind-level", "version": 1, "name": "warehouse",
 *   "boxes": [{ "min": [0, -1, 0], "max": [40, 0, 30], "tag": 4 }, { "min": [10, 0, 5], "max": [12, 3, 25], "tag": 2 }],
 *   "navMesh": { "format": "tickmind-navmesh", … },
 *   "spawns": [[3, 0, 3], [36, 0, 26]] }
 * ```
 *
 * Meters, y up. Tags: 1 is reserved for agents; the shipped models read 2 as wall and 4 as floor.
 * Without `navMesh`, one is built from the boxes (a grid on every box top with room for an agent).
 */
import { readFileSync } from 'node:fs';
import { TickmindError } from '../core/index.js';
import { type NavMesh, navMeshFromBoxes, navMeshFromJSON } from '../navigation/index.js';
import { type LevelBoxes, levelFromBoxes } from '../physics/index.js';

/** A level as read. */
export interface UserLevel {
  /** Its name. */
  name: string;
  /** The boxes. */
  boxes: LevelBoxes;
  /** Its nav mesh (given, or built from the boxes). */
  navMesh: NavMesh;
  /** Spawn points (feet), if given. */
  spawns: [number, number, number][];
  /** The tags its boxes use. */
  tags: number[];
}

function bad(file: string, field: string, message: string): never {
  throw new TickmindError('INVALID_ARGUMENT', `level: ${field}: ${message}`, { file, field });
}

const isPoint = (v: unknown): v is [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Reads a level JSON file (see the module comment). */
export function readLevel(file: string): UserLevel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the level: ${(err as Error).message}`, { file });
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== 'tickmind-level')
    bad(file, 'format', 'expected "tickmind-level" (docs/cli.md describes the file)');
  const o = raw as Record<string, unknown>;
  if (o.version !== 1) bad(file, 'version', `version ${JSON.stringify(o.version)} is not supported (this SDK reads 1)`);
  if (!Array.isArray(o.boxes) || o.boxes.length === 0) bad(file, 'boxes', 'a non-empty array of { min: [x, y, z], max: [x, y, z], tag }');
  const list = o.boxes.map((b: unknown, i: number) => {
    const box = b as { min?: unknown; max?: unknown; tag?: unknown };
    if (!isPoint(box?.min) || !isPoint(box.max) || !Number.isInteger(box.tag) || (box.tag as number) < 0)
      bad(file, `boxes[${i}]`, 'a box is { min: [x, y, z], max: [x, y, z], tag } (meters, y up; tag a non-negative integer)');
    return { min: box.min, max: box.max, tag: box.tag as number };
  });
  const boxes = withFile(() => levelFromBoxes(list), file);
  const spawns = o.spawns === undefined ? [] : o.spawns;
  if (!Array.isArray(spawns) || !spawns.every(isPoint)) bad(file, 'spawns', 'an array of [x, y, z] feet positions');
  const navMesh = withFile(() => (o.navMesh === undefined ? navMeshFromBoxes(boxes) : navMeshFromJSON(o.navMesh, file)), file);
  return {
    name: typeof o.name === 'string' ? o.name : file,
    boxes,
    navMesh,
    spawns: spawns as [number, number, number][],
    tags: [...new Set(list.map((b) => b.tag))].sort((a, b) => a - b),
  };
}

function withFile<T>(f: () => T, file: string): T {
  try {
    return f();
  } catch (err) {
    throw err instanceof TickmindError ? err.withFile(file) : err;
  }
}
