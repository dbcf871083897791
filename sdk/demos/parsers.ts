/**
 * The optional demo parsers, `demofile` (CS:GO) and `@laihoe/demoparser2` (CS2): Node finds an
 * installed one by its name; a bundled page cannot (a bundler does not resolve a computed bare
 * specifier) and hands the module in with {@link registerDemoParser}, mirroring
 * `registerOnnxRuntime` in `tickmind/inference`.
 */
import { TickmindError } from '../core/errors.js';

/** The parsers tickmind reads demos with. */
export type DemoParserName = 'demofile' | '@laihoe/demoparser2';

const registered = new Map<DemoParserName, () => Promise<unknown>>();

/** What each parser must export (checked on registration and on load). */
const EXPORTS: Record<DemoParserName, string> = { demofile: 'DemoFile', '@laihoe/demoparser2': 'parseTicks' };

/**
 * Hands tickmind a demo parser module, or a function that imports it when first needed. Node
 * finds an installed parser by itself; a bundled page registers the one it bundles, lazily, as a
 * function that imports it (docs/demos.md shows the line). `demofile` is pure JavaScript and
 * runs in a browser once Node's `Buffer` and `events` are provided (the sandbox's Vite config
 * shows how); `@laihoe/demoparser2` is a native Node module, so CS2 demos parse in Node only.
 */
export function registerDemoParser(name: DemoParserName, module: unknown): void {
  if (!(name in EXPORTS))
    throw new TickmindError('INVALID_ARGUMENT', `unknown demo parser ${String(name)}: demofile or @laihoe/demoparser2`, { field: 'name' });
  if (typeof module === 'function') registered.set(name, module as () => Promise<unknown>);
  else {
    const checked = check(name, module);
    registered.set(name, () => Promise.resolve(checked));
  }
}

function check(name: DemoParserName, module: unknown): unknown {
  const m = module as Record<string, unknown> | undefined;
  // An ES module namespace of a CommonJS package may carry the exports on `default`.
  const found = typeof m?.[EXPORTS[name]] === 'function' ? m : (m?.default as Record<string, unknown> | undefined);
  if (typeof found?.[EXPORTS[name]] !== 'function')
    throw new TickmindError('INVALID_ARGUMENT', `not the ${name} module (no ${EXPORTS[name]} export)`, { field: 'module' });
  return found;
}

/** Whether this runs in Node (where the parsers can be found by name). */
function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Loads a demo parser: the registered one, else imported by its package name (a computed import
 * that bundlers leave alone). Throws BACKEND_UNAVAILABLE naming the package to install when it is
 * absent — call it first to check that a file's parser is there before reading many.
 */
export async function loadDemoParser(name: DemoParserName): Promise<unknown> {
  const given = registered.get(name);
  if (given === undefined && !inNode())
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      name === '@laihoe/demoparser2'
        ? 'CS2 demos parse in Node only (@laihoe/demoparser2 is a native module): import this one with `npx tickmind import-demo FILE.dem --out DIR`'
        : `no ${name} module is registered: a bundled page hands it in first with registerDemoParser('${name}', module or a function importing it)`,
      { field: 'parser' },
    );
  try {
    return check(name, await (given !== undefined ? given() : import(/* @vite-ignore */ name)));
  } catch (err) {
    if (err instanceof TickmindError) throw err;
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      `reading this demo needs the optional package ${name} (npm install ${name}): ${(err as Error).message}`,
      { field: 'parser' },
    );
  }
}
