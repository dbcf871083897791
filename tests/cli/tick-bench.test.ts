/**
 * The shared core of bench:tick (sdk/cli/tick-bench.ts, also run by the browser benchmark): a few
 * ticks of the 5v5 joint kinematic case, native and on onnxruntime-web, give finite numbers for
 * every phase. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { formatTickTables, isTickRow, runTickBench, TICK_CASES } from '../../sdk/cli/tick-bench.js';

describe('tick-bench core', () => {
  it('runs a few ticks of one 5v5 case and returns finite per-phase numbers', async () => {
    const seen: string[] = [];
    const result = await runTickBench({
      ticks: 20,
      only: '5v5 joint, act: kinematic',
      ort: true,
      rapier: { unavailable: 'not in this test' },
      onRow: (r) => seen.push(r.case),
    });
    expect(result.cases.map((r) => r.case)).toEqual([TICK_CASES[0]!.name, '5v5 joint, act: kinematic, policy on onnxruntime-web']);
    expect(seen).toEqual(result.cases.map((r) => r.case));
    expect(result.skipped).toEqual([]);
    expect(['relaxed', 'simd', 'scalar']).toContain(result.kernels);
    for (const row of result.cases) {
      if (!isTickRow(row)) throw new Error(`${row.case}: not a 5v5 row`);
      for (const p of [row.senseUs, row.decideUs, row.actUs, row.tickUs]) {
        expect(Number.isFinite(p.median) && p.median >= 0, row.case).toBe(true);
        expect(Number.isFinite(p.p99) && p.p99 >= p.median, row.case).toBe(true);
      }
      expect(row.heapGrowthPer10kTicks).toBeNull(); // no heap probe given
    }
    const ort = result.cases[1];
    expect(ort !== undefined && isTickRow(ort) && Number.isFinite(ort.vsNative?.tick)).toBe(true);
    expect(ort !== undefined && isTickRow(ort) && ort.heapNote).toMatch(/onnxruntime-web allocates/);
    const table = formatTickTables(result.cases);
    expect(table).toContain(`| ${TICK_CASES[0]!.name} | `);
    expect(table).toContain('n/a |');
  });

  it('skips the Rapier row with the reason it is given', async () => {
    const result = await runTickBench({ ticks: 5, only: 'Rapier', rapier: { unavailable: 'no Rapier here' } });
    expect(result.cases).toEqual([]);
    expect(result.skipped).toEqual([{ case: '5v5 joint, act: Rapier character controller', reason: 'no Rapier here' }]);
  });
});
