/**
 * Professional de_dust2 plant states (MLMove's retake evaluation starts): every player's position,
 * view angles and alive flag, and the bomb, at the plant moment. Read from the CSV shipped in
 * sandbox/arena/data (see its ATTRIBUTION.md); Source units and degrees, as in the file.
 */
import { TickmindError } from '../../../sdk/core/index.js';

/** One player slot at the plant moment. */
export interface PlantPlayer {
  /** Whether the player is alive (dead slots carry no position). */
  alive: boolean;
  /** Feet position, Source units (x, y, z up). */
  pos: [number, number, number];
  /** Degrees; 0 along +x, 90 along +y. */
  yaw: number;
  /** Degrees; positive looks down. */
  pitch: number;
}

/** One plant state. */
export interface PlantState {
  /** Row index: the state id. */
  row: number;
  /** Planted bomb position, Source units. */
  c4: [number, number, number];
  /** Counter-terrorists (the retaking side), slots 0..4. */
  ct: PlantPlayer[];
  /** Terrorists (holding the planted bomb), slots 0..4. */
  t: PlantPlayer[];
}

/** Parses the plant-states CSV; errors name the file and line. */
export function parsePlantStates(csv: string, file = 'plant_states.csv'): PlantState[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  if (header.length !== 66 || header[0] !== 'row' || header[3] !== 'c4_x' || header[6] !== 'CT0_alive') {
    throw new TickmindError('INVALID_ARGUMENT', `${file}:1: expected the 66-column plant-state header (row, round_id, tick_id, c4_x, …)`, {
      file,
    });
  }
  return lines.slice(1).map((line, i) => {
    const v = line.split(',').map(Number);
    if (v.length !== 66 || v.some((x) => !Number.isFinite(x))) {
      throw new TickmindError('INVALID_ARGUMENT', `${file}:${i + 2}: expected 66 numeric fields`, { file, field: `line ${i + 2}` });
    }
    const player = (k: number): PlantPlayer => {
      const o = 6 + 6 * k;
      return { alive: v[o] === 1, pos: [v[o + 1]!, v[o + 2]!, v[o + 3]!], yaw: v[o + 4]!, pitch: v[o + 5]! };
    };
    return {
      row: v[0]!,
      c4: [v[3]!, v[4]!, v[5]!],
      ct: [0, 1, 2, 3, 4].map(player),
      t: [5, 6, 7, 8, 9].map(player),
    };
  });
}
