/**
 * The browser half of `npm run bench:browser -- --tick`: bench:tick's cases (sdk/cli/tick-bench.ts,
 * the very code bench/tick.js runs in Node) in the page, plus the 5v5 joint kinematic case with its
 * policy on onnxruntime-web. Heap growth reads performance.memory.usedJSHeapSize (exact with
 * chromium's --enable-precise-memory-info) and collects with gc() (--js-flags=--expose-gc);
 * without them it is not measured. Rapier's row runs if @dimforge/rapier3d-compat loads here.
 */
import { type HeapProbe, progressLine, type RapierMoverFactory, runTickBench, type TickBenchResult } from '../../sdk/cli/tick-bench.js';
import { bestKernelSet, type KernelSet, kernelSetSupported, relaxedSimdSupported } from '../../sdk/inference/index.js';
import { log, timerResolutionUs } from './page-log.js';

/** What the driver asks for. */
export interface TickPageConfig {
  ticks: number;
  only?: string;
  /** Default: the best set the engine runs. */
  kernels?: KernelSet;
}

/** What the page answers. */
export interface TickPageReport extends TickBenchResult {
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Smallest step of performance.now() seen, µs. */
  timerResolutionUs: number;
  relaxedSimd: boolean;
  /** How heap growth was measured, or why it was not. */
  heapMeasurement: string;
}

/**
 * performance.memory (chromium only; coarse and delayed unless --enable-precise-memory-info). Each
 * read of `performance.memory` makes a fresh snapshot (a kept one never changes), so `used` reads
 * it anew; the snapshot object it allocates is the same in the harness's rounds and nets out.
 */
function heapProbe(): HeapProbe | string {
  const perf = performance as { memory?: { usedJSHeapSize: number } };
  const gc = (globalThis as { gc?: () => void }).gc;
  if (perf.memory === undefined) return 'not measured: no performance.memory in this browser';
  if (gc === undefined) return 'not measured: no gc() (launch chromium with --js-flags=--expose-gc)';
  return { used: () => perf.memory!.usedJSHeapSize, gc };
}

/** Rapier's character mover, or why not. */
async function rapierMover(): Promise<RapierMoverFactory | { unavailable: string }> {
  try {
    const { CharacterMover, initRapier, PhysicsWorld } = await import('../../sdk/physics/rapier/index.js');
    const rapier = await initRapier();
    return (level, capacity) => {
      const physics = new PhysicsWorld(rapier, level);
      return { mover: new CharacterMover(physics, { capacity }), settle: () => physics.step() };
    };
  } catch (err) {
    return { unavailable: `@dimforge/rapier3d-compat did not load in the page: ${(err as Error).message}` };
  }
}

export async function runTickPage(config: TickPageConfig): Promise<TickPageReport> {
  const kernels = config.kernels ?? bestKernelSet();
  if (!kernelSetSupported(kernels)) throw new Error(`this browser does not run the ${kernels} kernels`);
  const heap = heapProbe();
  const rapier = await rapierMover();
  const resolution = timerResolutionUs();
  log(`kernels: ${kernels}; timer resolution ${resolution} µs; cross-origin isolated: ${globalThis.crossOriginIsolated === true}`);
  const result = await runTickBench({
    ticks: config.ticks,
    ...(config.only !== undefined ? { only: config.only } : {}),
    kernels,
    ...(typeof heap !== 'string' ? { heap } : {}),
    rapier,
    ort: true,
    onRow: (row) => log(progressLine(row)),
  });
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    timerResolutionUs: resolution,
    relaxedSimd: relaxedSimdSupported(),
    heapMeasurement:
      typeof heap === 'string'
        ? heap
        : 'performance.memory.usedJSHeapSize (--enable-precise-memory-info) after − before 10k untimed ticks, gc() (--js-flags=--expose-gc) before each round, no GC between; min of 5 rounds, net of an empty loop',
    ...result,
  };
}
