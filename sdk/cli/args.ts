/** A small argv parser: positionals, `--flag`, `--key value`, `--key=value`, repeatable keys. */
export interface ParsedArgs {
  positionals: string[];
  /** Every value given per option, in order. Flags without a value map to ['true']. */
  options: Map<string, string[]>;
}

/** Raised for bad command lines; the CLI exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses argv; `flags` lists options that take no value. */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (flags.has(key)) value = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`option --${key} needs a value`);
      value = next;
      i++;
    }
    options.set(key, [...(options.get(key) ?? []), value]);
  }
  return { positionals, options };
}

/** Throws a UsageError for options outside `known`. */
export function checkKnown(args: ParsedArgs, known: readonly string[]): void {
  for (const key of args.options.keys()) {
    if (!known.includes(key)) throw new UsageError(`unknown option --${key} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  }
}

/** The last value of an option, or undefined. */
export function option(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  return v === undefined ? undefined : v[v.length - 1];
}

/** Parses repeated `--dim NAME=VALUE` options. */
export function parseDims(values: readonly string[] | undefined): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (m === null) throw new UsageError(`--dim expects NAME=VALUE with a non-negative integer, got '${v}'`);
    dims[m[1]!] = Number(m[2]);
  }
  return dims;
}

/** Parses a positive integer option. */
export function intOption(args: ParsedArgs, key: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const v = option(args, key);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`--${key} expects a positive integer, got '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${key} must be from ${min} to ${max}, got ${v}`);
  return n;
}

/** The backend option, validated. */
export function backendOption(args: ParsedArgs, fallback: 'native' | 'ort' | 'auto'): 'native' | 'ort' | 'auto' {
  const v = option(args, 'backend') ?? fallback;
  if (v !== 'native' && v !== 'ort' && v !== 'auto') throw new UsageError(`--backend must be native, ort or auto, got '${v}'`);
  return v;
}
