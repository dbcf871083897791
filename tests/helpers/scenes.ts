/** Seeded random scenes for caster tests and benchmarks: no agent or ray origin inside geometry. */
import { Rng } from '../../sdk/core/index.js';
import { type LevelBoxes, levelFromBoxes } from '../../sdk/physics/index.js';

/** A floor, four walls and `obstacles` random crates inside a square arena of half-size `half`. */
export function randomLevel(seed: number, obstacles: number, half = 30): LevelBoxes {
  const rng = new Rng(seed);
  const boxes: { min: number[]; max: number[]; tag: number }[] = [
    { min: [-half, -1, -half], max: [half, 0, half], tag: 2 },
    { min: [-half - 1, 0, -half], max: [-half, 4, half], tag: 3 },
    { min: [half, 0, -half], max: [half + 1, 4, half], tag: 3 },
    { min: [-half, 0, -half - 1], max: [half, 4, -half], tag: 3 },
    { min: [-half, 0, half], max: [half, 4, half + 1], tag: 3 },
  ];
  for (let i = 0; i < obstacles; i++) {
    const x = rng.uniform(-half + 2, half - 2);
    const z = rng.uniform(-half + 2, half - 2);
    const sx = rng.uniform(0.3, 2);
    const sz = rng.uniform(0.3, 2);
    const h = rng.uniform(0.5, 3);
    boxes.push({ min: [x - sx, 0, z - sz], max: [x + sx, h, z + sz], tag: 4 + (i % 3) });
  }
  return levelFromBoxes(boxes);
}

/** True when (x, y, z) lies within `margin` of any box. */
export function nearBox(level: LevelBoxes, x: number, y: number, z: number, margin: number): boolean {
  const b = level.bounds;
  for (let i = 0; i < level.tags.length; i++) {
    if (
      x > b[6 * i]! - margin &&
      x < b[6 * i + 3]! + margin &&
      y > b[6 * i + 1]! - margin &&
      y < b[6 * i + 4]! + margin &&
      z > b[6 * i + 2]! - margin &&
      z < b[6 * i + 5]! + margin
    ) {
      return true;
    }
  }
  return false;
}

/** `n` agent feet positions on the floor, clear of crates and of each other. */
export function randomAgents(seed: number, n: number, level: LevelBoxes, half = 30): { positions: Float32Array; entities: Int32Array } {
  const rng = new Rng(seed);
  const positions = new Float32Array(3 * n);
  const entities = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      const x = rng.uniform(-half + 1, half - 1);
      const z = rng.uniform(-half + 1, half - 1);
      let clear = !nearBox(level, x, 0.9, z, 0.5) && !nearBox(level, x, 0.3, z, 0.5) && !nearBox(level, x, 1.7, z, 0.5);
      for (let j = 0; j < i && clear; j++) clear = Math.hypot(positions[3 * j]! - x, positions[3 * j + 2]! - z) > 1.2;
      if (clear || attempt > 1000) {
        positions.set([x, 0, z], 3 * i);
        break;
      }
    }
    entities[i] = 1000 + i;
  }
  return { positions, entities };
}
