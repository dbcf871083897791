/**
 * The profile's warm-up: long enough for a match's once-per-round paths to be compiled before the
 * profiled ticks (their first compilations are neither per-tick cost nor per-tick heap growth).
 */
import { describe, expect, it } from 'vitest';
import { warmupTicks } from '../../sdk/cli/profile.js';

describe('tickmind profile warm-up', () => {
  it('is 40 % of the profiled ticks, from 200 to 2000', () => {
    expect(warmupTicks(120)).toBe(200);
    expect(warmupTicks(1000)).toBe(400);
    expect(warmupTicks(5000)).toBe(2000);
    expect(warmupTicks(1_000_000)).toBe(2000);
  });
});
