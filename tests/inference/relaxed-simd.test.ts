/**
 * The relaxed-SIMD kernel set: it loads where the engine runs relaxed SIMD, fuses the
 * multiply-adds, agrees with the SIMD128 build on every PyTorch fixture within float tolerance,
 * and is bit-for-bit deterministic run to run (across V8's tiers too).
 *
 * Node 20 has relaxed SIMD behind V8's --experimental-wasm-relaxed-simd: enableRelaxedSimd()
 * sets it inside this test file's own process (vitest's forks pool runs each file in its own
 * child process), and a child `node --experimental-wasm-relaxed-simd` checks the command-line
 * route. Where neither works the tests are skipped with a message.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { enableRelaxedSimd, RELAXED_SIMD_FLAG } from '../../sdk/cli/wasm-flags.js';
import { bestKernelSet, defaultKernelSet, NativeSession, setKernelSet } from '../../sdk/inference/index.js';
import { RELAXED_WASM_BASE64 } from '../../sdk/inference/wasm/binaries.generated.js';
import { WasmRuntime } from '../../sdk/inference/wasm/runtime.js';
import { compare, type Fixture, fixtureBytes, fixtures, loadNpy } from '../helpers/fixtures.js';

const nativeBefore = (() => {
  // Whether this process ran relaxed SIMD before anything turned the flag on.
  const probe = new Uint8Array(Buffer.from(RELAXED_WASM_BASE64, 'base64'));
  return WebAssembly.validate(probe);
})();
const available = enableRelaxedSimd();
if (!available) {
  console.warn(
    `relaxed-simd tests skipped: this engine (Node ${process.version}) does not run WebAssembly relaxed SIMD, even with ${RELAXED_SIMD_FLAG}`,
  );
}

function create(f: Fixture, kernels: 'relaxed' | 'simd'): NativeSession {
  const previous = setKernelSet(kernels);
  try {
    return NativeSession.create(fixtureBytes(f));
  } finally {
    setKernelSet(previous);
  }
}

function outputsOf(session: NativeSession, feeds: ReturnType<typeof randomFeeds>): Float32Array[] {
  const got = session.runSync(feeds);
  return session.outputs.map((o) => Float32Array.from(got[o.name]!.data as Float32Array));
}

describe('Node 20 command line', () => {
  const major = Number(process.versions.node.split('.')[0]);
  it.skipIf(major !== 20)(`${RELAXED_SIMD_FLAG} makes the embedded relaxed kernels validate (and nothing else does)`, () => {
    const script = `const b = Buffer.from(require('fs').readFileSync(process.argv[1], 'utf8').match(/RELAXED_WASM_BASE64 = '([^']+)'/)[1], 'base64');
process.stdout.write(String(WebAssembly.validate(b)));`;
    const file = join(import.meta.dirname, '..', '..', 'sdk', 'inference', 'wasm', 'binaries.generated.ts');
    const run = (flags: string[]) => execFileSync(process.execPath, [...flags, '-e', script, file], { encoding: 'utf8' });
    expect(run([RELAXED_SIMD_FLAG])).toBe('true');
    expect(run([])).toBe('false');
    expect(nativeBefore).toBe(false);
  });
});

describe.skipIf(!available)('relaxed-SIMD kernels', () => {
  afterEach(() => {
    setKernelSet('auto');
    delete process.env.TICKMIND_KERNELS;
  });

  it('are picked where the probe validates; setKernelSet and TICKMIND_KERNELS force a set', () => {
    expect(bestKernelSet()).toBe('relaxed');
    expect(defaultKernelSet()).toBe('relaxed');
    expect(new WasmRuntime().kernelSet).toBe('relaxed');
    expect(new WasmRuntime({ forceScalar: true }).kernelSet).toBe('scalar');
    process.env.TICKMIND_KERNELS = 'simd';
    expect(defaultKernelSet()).toBe('simd');
    expect(new WasmRuntime().kernelSet).toBe('simd');
    setKernelSet('scalar');
    expect(defaultKernelSet()).toBe('scalar');
    process.env.TICKMIND_KERNELS = 'fast';
    setKernelSet('auto');
    expect(() => defaultKernelSet()).toThrow(/unknown kernel set 'fast'/);
    expect(() => setKernelSet('avx' as 'simd')).toThrow(/unknown kernel set/);
  });

  it('fuse the multiply-add where the CPU has FMA (one rounding, not two)', () => {
    // (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 exactly; multiply-then-add rounds the square to 1 + 2^-11 first and gives 0.
    const x = 1 + 2 ** -12;
    const bias = -(1 + 2 ** -11);
    const result = (kernels: 'relaxed' | 'simd'): number => {
      const rt = new WasmRuntime({ kernels });
      const a = rt.alloc(4);
      const b = rt.alloc(4);
      const bp = rt.alloc(rt.kernels.packedSize(1, 1) * 4);
      const bs = rt.alloc(32);
      const c = rt.alloc(4);
      new Float32Array(rt.buffer, a, 1)[0] = x;
      new Float32Array(rt.buffer, b, 1)[0] = x;
      new Float32Array(rt.buffer, bs, 1)[0] = bias;
      rt.kernels.packB(b, bp, 1, 1, 0);
      rt.kernels.gemmPacked(a, 1, bp, bs, c, 1, 1, 1, 1, 0, 0);
      return new Float32Array(rt.buffer, c, 1)[0]!;
    };
    expect(result('simd')).toBe(0);
    const cpu = process.platform === 'linux' ? readFileSync('/proc/cpuinfo', 'utf8') : '';
    const fma = process.arch === 'arm64' || (process.arch === 'x64' && / fma /.test(cpu));
    if (fma) expect(result('relaxed')).toBe(2 ** -24);
    else expect([0, 2 ** -24]).toContain(result('relaxed'));
  });

  describe.each(fixtures())('$name', (fixture: Fixture) => {
    it('agrees with the SIMD128 build at batch 1, 3, 8, 32 within float tolerance', () => {
      const relaxed = create(fixture, 'relaxed');
      const simd = create(fixture, 'simd');
      for (const batch of [1, 3, 8, 32]) {
        const feeds = randomFeeds(relaxed.inputs, { batch }, 200 + batch);
        const r = outputsOf(relaxed, feeds);
        const s = outputsOf(simd, feeds);
        relaxed.outputs.forEach((o, i) => {
          const { failures, maxAbsDiff } = compare(r[i]!, s[i]!, 1e-5, 1e-5);
          expect(failures, `${o.name} at batch ${batch}: max |diff| ${maxAbsDiff}`).toBe(0);
        });
      }
    });

    it('matches the PyTorch reference outputs', () => {
      const relaxed = create(fixture, 'relaxed');
      const got = relaxed.runSync(Object.fromEntries(fixture.inputs.map((i) => [i.name, loadNpy(i.file)])));
      for (const o of fixture.outputs) {
        const { failures, maxAbsDiff } = compare(got[o.name]!.data as Float32Array, loadNpy(o.file).data as Float32Array);
        expect(failures, `max |diff| ${maxAbsDiff}`).toBe(0);
      }
    });

    it('is bit-identical run to run: first call, after tier-up, and in a second session', () => {
      const a = create(fixture, 'relaxed');
      const feeds = randomFeeds(a.inputs, { batch: 8 }, 31);
      const first = outputsOf(a, feeds);
      for (let i = 0; i < 200; i++) a.runSync(feeds);
      const later = outputsOf(a, feeds);
      const other = outputsOf(create(fixture, 'relaxed'), feeds);
      first.forEach((f, i) => {
        expect(later[i]).toEqual(f);
        expect(other[i]).toEqual(f);
      });
    });
  });
});
