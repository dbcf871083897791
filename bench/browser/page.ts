/**
 * The browser half of `npm run bench:browser` (bench/browser.js drives it in Debian's chromium
 * through playwright-core): the same timing loop as `tickmind model bench` (sdk/cli/bench-core.ts)
 * — native sessions per kernel set and onnxruntime-web (1 thread), interleaved — on the fixture
 * models, in a cross-origin isolated page (performance.now() ticks in 5 µs instead of 100 µs).
 * With `--tick` the driver calls tickmindTickBench instead (tick-page.ts: bench:tick's cases).
 */
import { type BenchRow, benchModel } from '../../sdk/cli/bench-core.js';
import { bestKernelSet, type KernelSet, kernelSetSupported, registerOnnxRuntime, relaxedSimdSupported } from '../../sdk/inference/index.js';
import { log, ready, timerResolutionUs } from './page-log.js';
import { runTickPage, type TickPageConfig, type TickPageReport } from './tick-page.js';

registerOnnxRuntime(() => import('onnxruntime-web/wasm'));

/** What the driver asks for. */
export interface PageConfig {
  models: { name: string; url: string }[];
  batches: number[];
  /** Kernel sets to time (those the engine lacks are left out and reported). */
  kernels: KernelSet[];
  warmup: number;
  budgetMs: number;
  maxIterations: number;
  minSampleUs: number;
  /** Int8 weights on the native sessions (onnxruntime-web keeps float32). */
  quantize?: 'int8';
}

/** What the page answers. */
export interface PageReport {
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Smallest step of performance.now() seen, µs. */
  timerResolutionUs: number;
  relaxedSimd: boolean;
  autoKernels: KernelSet;
  kernels: KernelSet[];
  skippedKernels: KernelSet[];
  models: { name: string; results: BenchRow[] }[];
}

async function run(config: PageConfig): Promise<PageReport> {
  const kernels = config.kernels.filter((k) => kernelSetSupported(k));
  const report: PageReport = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    timerResolutionUs: timerResolutionUs(),
    relaxedSimd: relaxedSimdSupported(),
    autoKernels: bestKernelSet(),
    kernels,
    skippedKernels: config.kernels.filter((k) => !kernels.includes(k)),
    models: [],
  };
  log(
    `kernels: ${kernels.join(', ')}; timer resolution ${report.timerResolutionUs} µs; cross-origin isolated: ${report.crossOriginIsolated}`,
  );
  for (const model of config.models) {
    const bytes = new Uint8Array(await (await fetch(model.url)).arrayBuffer());
    log(`${model.name}`);
    const results = await benchModel(bytes, model.name, {
      batches: config.batches,
      dims: {},
      kernels,
      warmup: config.warmup,
      budgetMs: config.budgetMs,
      maxIterations: config.maxIterations,
      minSampleUs: config.minSampleUs,
      ...(config.quantize !== undefined ? { quantize: config.quantize } : {}),
      onRow: (r) => {
        const natives = [{ kernels: r.kernels, medianUs: r.native.medianUs }, ...(r.otherKernels ?? [])];
        log(
          `  batch ${r.batch}: ${natives.map((n) => `native (${n.kernels}) ${n.medianUs} µs`).join(', ')}, onnxruntime-web ${r.ortWeb.medianUs} µs`,
        );
      },
    });
    report.models.push({ name: model.name, results });
  }
  return report;
}

const drivers = globalThis as {
  tickmindBench?: (config: PageConfig) => Promise<PageReport>;
  tickmindTickBench?: (config: TickPageConfig) => Promise<TickPageReport>;
};
drivers.tickmindBench = run;
drivers.tickmindTickBench = runTickPage;
ready();
