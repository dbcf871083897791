/**
 * `tickmind model run FILE --input NAME=PATH.npy [--input …] --out DIR [--backend native|ort|auto]`:
 * runs the model once on `.npy` inputs and writes each output to DIR/<output name>.npy
 * (characters outside [A-Za-z0-9._-] replaced by `_`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TickmindError } from '../core/index.js';
import { readNpy, writeNpy } from '../dataset/index.js';
import { createSession, type TensorInput } from '../inference/index.js';
import { backendOption, checkKnown, option, type ParsedArgs, UsageError } from './args.js';
import { readModel } from './model-check.js';

/** The file name an output is written to. */
export function outputFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.npy`;
}

export async function modelRunCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, ['input', 'out', 'backend']);
  const file = args.positionals[0];
  const out = option(args, 'out');
  const usage = 'usage: tickmind model run FILE --input NAME=PATH.npy [--input …] --out DIR [--backend native|ort|auto]';
  if (file === undefined || args.positionals.length > 1 || out === undefined) throw new UsageError(usage);
  const feeds: Record<string, TensorInput> = {};
  for (const spec of args.options.get('input') ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input expects NAME=PATH.npy, got '${spec}'`);
    const name = spec.slice(0, eq);
    const path = spec.slice(eq + 1);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (err) {
      throw new TickmindError('IO', `cannot read input '${name}': ${(err as Error).message}`, { file: path });
    }
    const arr = readNpy(bytes, path);
    feeds[name] = { data: arr.data, dims: arr.dims };
  }
  const session = await createSession(readModel(file), { backend: backendOption(args, 'auto'), file });
  try {
    const results = await session.run(feeds);
    mkdirSync(out, { recursive: true });
    for (const o of session.outputs) {
      const t = results[o.name]!;
      const target = join(out, outputFileName(o.name));
      writeFileSync(target, writeNpy({ dtype: t.dtype, dims: t.dims, data: t.data }));
      process.stdout.write(`${o.name} ${t.dtype}[${t.dims.join(', ')}] -> ${target}\n`);
    }
  } finally {
    await session.dispose();
  }
  return 0;
}
