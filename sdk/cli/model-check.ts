/**
 * `tickmind model check FILE [--backend native|ort|auto] [--dim NAME=VALUE]... [--json]`:
 * loads the model, runs it on seeded random inputs on the chosen backend and on
 * onnxruntime-web, and compares elementwise (|a-b| <= 1e-4 + 1e-4|b|).
 */
import { readFileSync } from 'node:fs';
import { isTickmindError, TickmindError } from '../core/index.js';
import { chooseBackend, createSession, OrtSession, type Results, type Session } from '../inference/index.js';
import { backendOption, checkKnown, option, type ParsedArgs, parseDims, UsageError } from './args.js';
import { concreteDims, randomFeeds } from './feeds.js';

/** The JSON contract of `model check --json`. */
export interface CheckReport {
  file: string;
  ok: boolean;
  backend: 'native' | 'ort' | null;
  opset: number | null;
  inputs: { name: string; shape: number[]; dtype: string }[];
  outputs: { name: string; shape: number[]; dtype: string }[];
  unsupportedOps: string[];
  maxAbsDiff: number | null;
  error: { code: string; message: string } | null;
  /** Extension: why the backend was chosen (auto). */
  reason?: string;
  /** Extension: how many elements broke the tolerance. */
  mismatches?: number;
  /** Extension: output values that are NaN or infinite on the check inputs (any makes the check fail). */
  nonFinite?: number;
}

const ATOL = 1e-4;
const RTOL = 1e-4;
const SEED = 1234;

export async function checkModel(file: string, backend: 'native' | 'ort' | 'auto', dims: Record<string, number>): Promise<CheckReport> {
  const report: CheckReport = {
    file,
    ok: false,
    backend: null,
    opset: null,
    inputs: [],
    outputs: [],
    unsupportedOps: [],
    maxAbsDiff: null,
    error: null,
  };
  const sessions: Session[] = [];
  try {
    const bytes = readModel(file);
    const decision = chooseBackend(bytes, { file });
    report.unsupportedOps = decision.unsupportedOps;
    report.reason = decision.reason;
    const session = await createSession(bytes, { backend, file });
    sessions.push(session);
    report.backend = session.backend;
    report.opset = session.opset;
    const feeds = randomFeeds(session.inputs, dims, SEED);
    report.inputs = session.inputs.map((i) => ({ name: i.name, shape: concreteDims(i, dims), dtype: i.dtype }));
    const got = snapshot(await session.run(feeds));
    report.outputs = session.outputs.map((o) => ({ name: o.name, shape: [...got[o.name]!.dims], dtype: o.dtype }));
    report.nonFinite = countNonFinite(got);
    const reference = session.backend === 'ort' ? session : await OrtSession.create(bytes, { file }).catch(referenceMissing);
    if (reference === undefined) {
      // No onnxruntime-web (an optional peer): the model loads and runs; parity is not checked.
      report.ok = report.nonFinite === 0;
      report.reason = `${report.reason ?? ''}; onnxruntime-web (the reference) is not installed, parity not checked: npm install onnxruntime-web`;
      if (!report.ok)
        report.error = { code: 'NON_FINITE', message: `${report.nonFinite} output values are NaN or infinite on the check inputs` };
      return report;
    }
    if (reference !== session) sessions.push(reference);
    const want = await reference.run(feeds);
    let maxAbsDiff = 0;
    let mismatches = 0;
    for (const o of session.outputs) {
      const a = got[o.name]!.data;
      const b = want[o.name]!.data;
      if (a.length !== b.length) throw new UsageError(`output ${o.name}: ${a.length} elements vs ${b.length} from onnxruntime-web`);
      for (let i = 0; i < a.length; i++) {
        const x = Number(a[i]);
        const y = Number(b[i]);
        const d = Math.abs(x - y);
        if (Number.isNaN(x) !== Number.isNaN(y) || d > ATOL + RTOL * Math.abs(y)) mismatches++;
        if (d > maxAbsDiff) maxAbsDiff = d;
      }
    }
    report.maxAbsDiff = maxAbsDiff;
    report.mismatches = mismatches;
    report.ok = mismatches === 0 && report.nonFinite === 0;
    if (mismatches > 0)
      report.error = { code: 'MISMATCH', message: `${mismatches} elements differ from onnxruntime-web beyond ${ATOL} + ${RTOL}|ref|` };
    else if (!report.ok)
      report.error = { code: 'NON_FINITE', message: `${report.nonFinite} output values are NaN or infinite on the check inputs` };
  } catch (err) {
    report.ok = false;
    report.error = isTickmindError(err) ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: (err as Error).message };
  } finally {
    for (const s of sessions) await s.dispose();
  }
  return report;
}

/** The reference is optional: a missing onnxruntime-web reads as none, any other failure stands. */
function referenceMissing(err: unknown): undefined {
  if (isTickmindError(err) && err.code === 'BACKEND_UNAVAILABLE') return undefined;
  throw err;
}

/** Output values that are NaN or ±Infinity (float outputs). */
function countNonFinite(results: Readonly<Record<string, { data: ArrayLike<number | bigint> }>>): number {
  let n = 0;
  for (const r of Object.values(results)) {
    const d = r.data;
    if (!(d instanceof Float32Array || d instanceof Float64Array)) continue;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) n++;
  }
  return n;
}

/** Copies outputs (native results are views overwritten by the next run). */
function snapshot(results: Results): Record<string, { dims: readonly number[]; data: ArrayLike<number | bigint> }> {
  const out: Record<string, { dims: readonly number[]; data: ArrayLike<number | bigint> }> = {};
  for (const [name, t] of Object.entries(results)) out[name] = { dims: [...t.dims], data: t.data.slice() };
  return out;
}

export function readModel(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the model: ${(err as Error).message}`, { file });
  }
}

function formatReport(r: CheckReport): string {
  const lines = [`${r.ok ? 'OK' : 'FAIL'}  ${r.file}`];
  if (r.backend !== null) lines.push(`  backend   ${r.backend}${r.reason !== undefined ? ` (${r.reason})` : ''}`, `  opset     ${r.opset}`);
  for (const i of r.inputs) lines.push(`  input     ${i.name} ${i.dtype}[${i.shape.join(', ')}]`);
  for (const o of r.outputs) lines.push(`  output    ${o.name} ${o.dtype}[${o.shape.join(', ')}]`);
  if (r.unsupportedOps.length > 0) lines.push(`  needs ort ${r.unsupportedOps.join(', ')}`);
  if (r.maxAbsDiff !== null)
    lines.push(`  max |native - onnxruntime-web| = ${r.maxAbsDiff.toExponential(3)} (tolerance ${ATOL} + ${RTOL}|ref|)`);
  if (r.error !== null) lines.push(`  error     ${r.error.code}: ${r.error.message}`);
  return lines.join('\n');
}

/** CLI entry: returns the exit status. */
export async function modelCheckCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, ['backend', 'dim', 'json']);
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1)
    throw new UsageError('usage: tickmind model check FILE [--backend native|ort|auto] [--dim NAME=VALUE]... [--json]');
  const report = await checkModel(file, backendOption(args, 'auto'), parseDims(args.options.get('dim')));
  process.stdout.write(option(args, 'json') !== undefined ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return report.ok ? 0 : 1;
}
