/** Retakes on de_dust2 from the real plant states. */
import { describe, expect, it } from 'vitest';
import { mapNavigation } from '../../sandbox/arena/map/arena-map.js';
import { loadMap } from '../../sandbox/arena/map/load.js';
import { runRetakes } from '../../sandbox/arena/runner/run.js';
import { loadPlantStates } from '../../sandbox/arena/scenarios/load.js';
import { chooseStart, plantStateSplit, startFromPlantState } from '../../sandbox/arena/scenarios/retake-start.js';

const map = loadMap('dust2');
const floor = mapNavigation(map).floor;
const states = loadPlantStates();

describe('retake starts from the real plant states', () => {
  it('keeps the first n alive players per side, on the floor, facing as in the source', () => {
    const s = chooseStart(states, floor, 7, { teamSize: 5 });
    expect(s.ct).toHaveLength(5);
    expect(s.t).toHaveLength(5);
    for (const p of [...s.ct, ...s.t]) expect(floor.areaAt(p.position[0], p.position[1], p.position[2], 0.05, 0.1)).toBeDefined();
    // Source yaw 90° faces +y there, which is −z here: arena yaw −π/2.
    const state = structuredClone(states.find((x) => x.ct[0]!.alive)!);
    state.ct[0]!.yaw = 90;
    expect(startFromPlantState(state, floor).ct[0]!.yaw).toBeCloseTo(-Math.PI / 2, 6);
  });

  it('draws from the held-out split only when asked, and refuses impossible team sizes', () => {
    for (let seed = 0; seed < 20; seed++) expect(plantStateSplit(chooseStart(states, floor, seed, { split: 'eval' }).row)).toBe('eval');
    expect(states.filter((s) => plantStateSplit(s.row) === 'eval').length).toBeGreaterThan(300);
    expect(() => chooseStart(states, floor, 1, { teamSize: 6 })).toThrow(/team size must be 1..5/);
  });

  it('the teacher plays dust2 retakes to their end without getting stuck much', async () => {
    const { results } = await runRetakes({ map, rounds: 3, seed: 2, teamSize: 3, arena: { sensor: null } });
    for (const r of results) {
      expect(r.players).toEqual({ ct: 3, t: 3 });
      expect(r.ticks).toBeLessThanOrEqual(40 * 64);
      expect(r.stuckEvents).toBeLessThanOrEqual(3);
    }
  });
});
