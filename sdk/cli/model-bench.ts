/**
 * `tickmind model bench FILE [--batch 1,8,32,128] [--batch-dim NAME] [--dim NAME=VALUE]...
 * [--kernels auto|relaxed|simd|scalar[,…]] [--quantize int8] [--json]`: times the native backend
 * and onnxruntime-web (1 thread) in the same run, interleaved call by call after a warm-up, and
 * reports medians, p99, their ratio, which kernel set ran and how far the outputs are apart (the
 * loop itself is in bench-core.ts, which the browser benchmark shares).
 */
import {
  defaultKernelSet,
  describeKernelSet,
  KERNEL_SETS,
  type KernelSet,
  kernelSetSupported,
  relaxedSimdSupported,
  runtimeV8Version,
  sparseRowsByDefault,
} from '../inference/index.js';
import { checkKnown, intOption, option, type ParsedArgs, parseDims, UsageError } from './args.js';
import { benchModel, formatRows } from './bench-core.js';
import { readModel } from './model-check.js';
import { enableRelaxedSimd, RELAXED_SIMD_FLAG } from './wasm-flags.js';

export type { BenchOptions, BenchRow, KernelTiming, NativeTiming } from './bench-core.js';
export { benchModel, defaultBatchDim, formatRows, nativeSessions } from './bench-core.js';

/**
 * Parses `--kernels`: names separated by commas, `auto` being the set a session gets now. Asking
 * for `relaxed` on Node 20 turns on V8's relaxed SIMD flag in this process (see wasm-flags.ts).
 */
export function parseKernels(value: string | undefined): KernelSet[] {
  const names = (value ?? 'auto').split(',').map((s) => s.trim());
  if (names.includes('relaxed')) enableRelaxedSimd();
  const sets: KernelSet[] = [];
  for (const name of names) {
    const set = name === 'auto' ? defaultKernelSet() : name;
    if (!(KERNEL_SETS as readonly string[]).includes(set))
      throw new UsageError(`--kernels expects auto, relaxed, simd or scalar, got '${name}'`);
    if (!kernelSetSupported(set as KernelSet))
      throw new UsageError(`--kernels ${set}: this engine does not run the ${describeKernelSet(set as KernelSet)} kernels`);
    if (!sets.includes(set as KernelSet)) sets.push(set as KernelSet);
  }
  return sets;
}

export async function modelBenchCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, ['batch', 'batch-dim', 'dim', 'json', 'iterations', 'kernels', 'quantize']);
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw new UsageError(
      'usage: tickmind model bench FILE [--batch 1,8,32,128] [--batch-dim NAME] [--dim NAME=VALUE]... [--kernels auto|relaxed|simd|scalar[,…]] [--quantize int8] [--json]',
    );
  }
  const batches = (option(args, 'batch') ?? '1,8,32,128').split(',').map((b) => {
    if (!/^\d+$/.test(b.trim()) || Number(b) <= 0)
      throw new UsageError(`--batch expects positive integers separated by commas, got '${b}'`);
    return Number(b);
  });
  const json = option(args, 'json') !== undefined;
  const batchDim = option(args, 'batch-dim');
  const iterations = args.options.has('iterations') ? intOption(args, 'iterations', 1) : undefined;
  const kernels = parseKernels(option(args, 'kernels'));
  const quantize = option(args, 'quantize');
  if (quantize !== undefined && quantize !== 'int8') throw new UsageError(`--quantize expects int8, got '${quantize}'`);
  const sets = kernels.map((k) => `${k} — ${describeKernelSet(k)}`).join('; ');
  process.stderr.write(`kernels: ${sets}\n`);
  if (!relaxedSimdSupported())
    process.stderr.write(`  (relaxed SIMD is not available in this engine; on Node 20, --kernels relaxed turns on ${RELAXED_SIMD_FLAG})\n`);
  // The sparse kernel needs SIMD kernels and float32 weights (int8 takes the layers of K ≥ 64).
  const sparseRows = sparseRowsByDefault(runtimeV8Version()) && quantize === undefined && kernels.some((k) => k !== 'scalar');
  process.stderr.write(
    sparseRows
      ? "sparse rows: on (linear layers over a ReLU's output sum each row over its nonzeros; same bits)\n"
      : 'sparse rows: off (V8 older than 13, scalar kernels or int8 weights; same bits either way)\n',
  );
  const rows = await benchModel(readModel(file), file, {
    batches,
    dims: parseDims(args.options.get('dim')),
    kernels,
    ...(quantize !== undefined ? { quantize } : {}),
    ...(batchDim !== undefined ? { batchDim } : {}),
    ...(iterations !== undefined ? { iterations } : {}),
    onRow: (row) => {
      const natives = [{ kernels: row.kernels, medianUs: row.native.medianUs }, ...(row.otherKernels ?? [])]
        .map((t) => `native (${t.kernels}) ${t.medianUs}µs`)
        .join(', ');
      process.stderr.write(`  batch ${row.batch}: ${natives}, onnxruntime-web ${row.ortWeb.medianUs}µs\n`);
    },
  });
  const weights = quantize === 'int8' ? "weights: int8 on native (quantize: 'int8'), float32 on onnxruntime-web\n" : '';
  process.stdout.write(
    json
      ? `${JSON.stringify({ file, kernels, ...(quantize !== undefined ? { quantize } : {}), sparseRows, results: rows })}\n`
      : `${file}\nkernels: ${sets}\n${weights}sparse rows: ${sparseRows ? 'on' : 'off'}\n${formatRows(rows)}\n`,
  );
  return 0;
}
