/**
 * Checks of the dataset description read from a file (LeRobot's meta/info.json, the `.npz`'s
 * spec_json): nothing in it is trusted until it has the type and range the readers rely on.
 */
import type { FeatureDType, FeatureSpec } from './schema.js';
import { STANDARD_FEATURES } from './schema.js';

/** Raises a coded error about the description (`field` names what is wrong). */
export type SpecFail = (message: string, field?: string) => never;

const DTYPES: readonly FeatureDType[] = ['float32', 'int64', 'int32', 'bool'];
/** Most values per frame of one feature. */
const MAX_WIDTH = 2 ** 24;

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Frames per second: a positive finite number. */
export function checkFps(v: unknown, fail: SpecFail): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    fail(`fps is ${JSON.stringify(v) ?? 'missing'}, expected a positive number`, 'fps');
  return v as number;
}

/** A count: a non-negative integer. */
export function checkCount(v: unknown, field: string, fail: SpecFail): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0)
    fail(`${field} is ${JSON.stringify(v) ?? 'missing'}, expected a non-negative integer`, field);
  return v as number;
}

/**
 * The features of a description, each with a known dtype, a shape of positive integers and names
 * (null or strings), returned as plain {@link FeatureSpec}s. With `standard` set the standard
 * columns must be among them as {@link STANDARD_FEATURES} defines them (info.json lists them);
 * otherwise they must not be (a spec lists the application's features only).
 */
export function checkFeatures(v: unknown, standard: boolean, fail: SpecFail): Record<string, FeatureSpec> {
  if (!isObject(v)) return fail('features is missing or not an object', 'features');
  const out: Record<string, FeatureSpec> = {};
  for (const [name, f] of Object.entries(v)) {
    const field = `features.${name}`;
    if (!isObject(f)) return fail(`feature '${name}' is not an object`, field);
    if (!DTYPES.includes(f.dtype as FeatureDType))
      fail(`feature '${name}' has dtype ${JSON.stringify(f.dtype) ?? 'missing'}; tickmind reads ${DTYPES.join(', ')}`, field);
    const shape = f.shape;
    if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isSafeInteger(d) || d < 1))
      fail(`feature '${name}' has shape ${JSON.stringify(shape) ?? 'missing'}, expected a list of positive integers`, field);
    const width = (shape as number[]).reduce((a, b) => a * b, 1);
    if (width > MAX_WIDTH) fail(`feature '${name}' has ${width} values per frame, past the limit of ${MAX_WIDTH}`, field);
    // Names are per value (["x", "y", "z"]) or per axis (["height", "width", "channels"]).
    const names = f.names ?? null;
    if (
      names !== null &&
      (!Array.isArray(names) ||
        names.some((n) => typeof n !== 'string') ||
        (names.length !== width && names.length !== (shape as number[]).length))
    )
      fail(`feature '${name}' has names that are neither null nor one string per value or per axis`, field);
    out[name] = {
      dtype: f.dtype as FeatureDType,
      shape: [...(shape as number[])],
      names: names === null ? null : [...(names as string[])],
    };
  }
  for (const [name, s] of Object.entries(STANDARD_FEATURES)) {
    const f = out[name];
    if (!standard) {
      if (f !== undefined) fail(`feature '${name}' is a standard column and cannot be declared`, `features.${name}`);
      continue;
    }
    if (f === undefined) fail(`standard feature '${name}' is missing`, `features.${name}`);
    if (f!.dtype !== s.dtype || f!.shape.length !== 1 || f!.shape[0] !== 1)
      fail(`standard feature '${name}' must be ${s.dtype} [1], not ${f!.dtype} [${f!.shape}]`, `features.${name}`);
  }
  return out;
}
