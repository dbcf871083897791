/**
 * `tickmind model quantize FILE --out OUT.onnx [--min-elements N] [--json]`: writes a copy whose
 * MatMul/Gemm weight matrices and Conv filters are int8 with per-column (per-output-channel)
 * scales behind DequantizeLinear (standard
 * ONNX; metadata, including a policy's spec, kept), then checks it: the same random inputs
 * (symbolic dims 1) through both files on the native backend, the largest output difference
 * relative to the largest float32 output.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { TickmindError } from '../core/index.js';
import { decodeModel, encodeModel, NativeSession, quantizeWeights } from '../inference/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { randomFeeds } from './feeds.js';
import { readModel } from './model-check.js';

export async function modelQuantizeCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, ['out', 'min-elements', 'json']);
  const file = args.positionals[0];
  const out = option(args, 'out');
  if (file === undefined || args.positionals.length > 1 || out === undefined)
    throw new UsageError('usage: tickmind model quantize FILE --out OUT.onnx [--min-elements N] [--json]');
  const bytes = readModel(file);
  const model = decodeModel(bytes, { file });
  const report = quantizeWeights(model, { minElements: intOption(args, 'min-elements', 1024) });
  if (report.layers === 0)
    throw new TickmindError(
      'INVALID_ARGUMENT',
      `${file}: no MatMul/Gemm weight matrix or Conv filter to quantize (float32 initializer, at least --min-elements values)`,
      {
        file,
      },
    );
  const quantized = encodeModel(model, 'tickmind-int8');
  try {
    writeFileSync(`${out}.tmp-${process.pid}`, quantized);
    renameSync(`${out}.tmp-${process.pid}`, out);
  } catch (err) {
    throw new TickmindError('IO', `cannot write: ${(err as Error).message}`, { file: out });
  }
  const relativeError = compare(bytes, quantized, file);
  const summary = { out, ...report, fileBytesBefore: bytes.length, fileBytesAfter: quantized.length, maxRelativeError: relativeError };
  process.stdout.write(
    args.options.has('json')
      ? `${JSON.stringify(summary)}\n`
      : `quantized ${report.layers} weight matrices: ${kb(report.bytesBefore)} → ${kb(report.bytesAfter)} (file ${kb(bytes.length)} → ${kb(quantized.length)})\n` +
          `check on random inputs: max |Δ| / max |output| = ${relativeError.toExponential(2)}\nwrote ${out}\n`,
  );
  return 0;
}

/** The largest output difference between the two files, relative to the float32 file's largest output. */
function compare(original: Uint8Array, quantized: Uint8Array, file: string): number {
  const a = NativeSession.create(original, { file });
  const b = NativeSession.create(quantized, { file });
  const symbols: Record<string, number> = {};
  for (const i of a.inputs) for (const d of i.dims) if (typeof d === 'string') symbols[d] = 1;
  const feeds = randomFeeds(a.inputs, symbols, 1);
  // Copies: outputs are views into kernel memory that the next call may reuse.
  const ra: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(a.runSync(feeds))) ra[name] = Array.from(t.data as ArrayLike<number>, Number);
  const rb = b.runSync(feeds);
  let diff = 0;
  let scale = 0;
  for (const o of a.outputs) {
    const x = ra[o.name]!;
    const y = rb[o.name]!.data;
    if (o.dtype !== 'float32') continue;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i]! - Number(y[i])));
      scale = Math.max(scale, Math.abs(x[i]!));
    }
  }
  return scale > 0 ? diff / scale : diff;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}
