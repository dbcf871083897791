/** registerDemoParser: a page hands the parser module in; bad modules are refused; the frame conversion. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTickmindError } from '../../sdk/core/index.js';
import { demoPosition, demoYaw, parseDemo, registerDemoParser } from '../../sdk/demos/index.js';

const CSGO = join(import.meta.dirname, '..', 'fixtures', 'demos', 'csgo_de_dust2_test_2_17_21.dem');

describe('registerDemoParser', () => {
  it('refuses a module that is not the parser, and an unknown parser name', () => {
    const refused = (f: () => void, pattern: RegExp) => {
      try {
        f();
        expect.unreachable();
      } catch (err) {
        expect(isTickmindError(err) && err.code).toBe('INVALID_ARGUMENT');
        expect((err as Error).message).toMatch(pattern);
      }
    };
    refused(() => registerDemoParser('demofile', { parse: () => 0 }), /not the demofile module \(no DemoFile export\)/);
    refused(() => registerDemoParser('@laihoe/demoparser2', {}), /no parseTicks export/);
    refused(() => registerDemoParser('demoinfo' as 'demofile', {}), /unknown demo parser demoinfo/);
  });

  it('parses with the registered module (loaded lazily, once asked)', async () => {
    let loads = 0;
    registerDemoParser('demofile', async () => {
      loads++;
      return await import('demofile');
    });
    expect(loads).toBe(0);
    // The first MB: a header, the first seconds, and the damage reported, quickly.
    const rec = await parseDemo(new Uint8Array(readFileSync(CSGO)).subarray(0, 1024 * 1024), 'head.dem');
    expect(loads).toBe(1);
    expect(rec.map).toBe('de_dust2');
    expect(rec.frames.count).toBeGreaterThan(0);
    expect(rec.error?.message).toMatch(/ends early or is corrupt/);
    // The arena frame: x = x, y = z, z = −y (meters), yaw ψ° → −ψ rad.
    const out = new Float32Array(3);
    demoPosition(rec.frames, 0, out);
    const p = rec.frames.position;
    expect([...out]).toEqual([Math.fround(p[0]! * 0.0254), Math.fround(p[2]! * 0.0254), Math.fround(-p[1]! * 0.0254)]);
    expect(demoYaw(rec.frames, 0)).toBeCloseTo((-rec.frames.yaw[0]! * Math.PI) / 180, 12);
  });
});
