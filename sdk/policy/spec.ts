/**
 * Policy specs: what a policy file promises about its inputs and outputs, stored as JSON in the
 * ONNX `metadata_props` under `tickmind.policy`, so a file is self-describing: its `observation`
 * is the full token layout (blocks, the ray sensor, line of sight, frames) — enough to build
 * the world a policy needs — and a mismatch with the world or the graph is a precise error at
 * load. Version-1 specs (entity feature names and a ray shape) are upgraded on read.
 */
import { TickmindError } from '../core/errors.js';
import { layoutDifference, type TokenLayoutJson } from '../core/layout-json.js';
import { parseTokenLayout } from '../core/layout-parse.js';

/** The metadata key policy specs live under. */
export const POLICY_METADATA_KEY = 'tickmind.policy';
/** The spec version this SDK writes (it also reads version 1). */
export const POLICY_SPEC_VERSION = 2;

/** How a policy batches players: one pass per match (joint) or one row per agent (egocentric). */
export type PolicyMode = 'joint' | 'egocentric';

/** The ray block's shape (the summary a layout carries in `rays`). */
export interface PolicyRaySpec {
  /** Rays per agent. */
  count: number;
  /** Values per ray: detectable tags + miss + distance. */
  valuesPerRay: number;
  /** Tag ids with a one-hot slot, in slot order. */
  detectableTags: number[];
}

/** The observation a policy expects: its token layout. */
export type PolicyObservationSpec = TokenLayoutJson;

/** One categorical action head. */
export interface PolicyHeadSpec {
  /** Head name (`movement` for the 97-class movement action). */
  name: string;
  /** Number of classes. */
  classes: number;
}

/** Graph tensor names of a policy. */
export interface PolicyIoSpec {
  /** Token input, float32 [batch, tokens, featuresPerToken]. */
  tokens: string;
  /** Key-padding mask input, bool [batch, tokens] (true = absent or dead). */
  mask: string;
  /** Logits output, float32 [batch, tokens, classes]. */
  logits: string;
}

/** A policy's spec (the JSON in metadata_props). */
export interface PolicySpec {
  /** Spec format version ({@link POLICY_SPEC_VERSION}; a version-1 file reads as version 2 with `upgradedFrom: 1`). */
  version: number;
  /** How players are batched (the layout's mode). */
  mode: PolicyMode;
  /** The expected observation: the token layout. */
  observation: PolicyObservationSpec;
  /** The action heads. */
  action: {
    /** The heads, in output order. */
    heads: PolicyHeadSpec[];
  };
  /** Graph input and output names. */
  io: PolicyIoSpec;
  /** Free-form architecture description (d, layers, heads…). */
  architecture: Record<string, number | string>;
  /** False for the untrained starter model. */
  trained: boolean;
  /** How a trained model was trained (data, epochs, seed, validation accuracy…). */
  training?: Record<string, number | string>;
  /**
   * Set when the file holds an older spec that was upgraded on read: version 1 recorded neither
   * the ray sensor nor the frames, so the SDK's old defaults stand in (a decider's options may
   * still set the frames for such a file).
   */
  upgradedFrom?: number;
}

function fail(field: string, message: string, file?: string): never {
  throw new TickmindError('MODEL_INVALID', `policy spec: ${message}`, { field, ...(file !== undefined ? { file } : {}) });
}

/** Parses and validates the spec from a model's metadata (version 1 upgraded). */
export function parsePolicySpec(metadata: Readonly<Record<string, string>>, file?: string): PolicySpec {
  const text = metadata[POLICY_METADATA_KEY];
  if (text === undefined)
    fail(POLICY_METADATA_KEY, `the model has no '${POLICY_METADATA_KEY}' entry in metadata_props; it is not a tickmind policy`, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(POLICY_METADATA_KEY, `not valid JSON: ${(err as Error).message}`, file);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(POLICY_METADATA_KEY, 'must be a JSON object', file);
  const s = raw as Partial<PolicySpec>;
  if (s.version !== 1 && s.version !== POLICY_SPEC_VERSION)
    fail('version', `version ${String(s.version)} is not supported (this SDK reads 1 and ${POLICY_SPEC_VERSION})`, file);
  if (s.mode !== 'joint' && s.mode !== 'egocentric')
    fail('mode', `mode must be 'joint' or 'egocentric', got ${JSON.stringify(s.mode)}`, file);
  if (s.version === POLICY_SPEC_VERSION && (s.observation as { blocks?: unknown } | undefined)?.blocks === undefined)
    fail('observation.blocks', `a version-${POLICY_SPEC_VERSION} spec's observation is a token layout with blocks`, file);
  const observation = parseTokenLayout(s.observation, { ...(file !== undefined ? { file } : {}), path: 'observation' }, s.mode);
  if (observation.mode !== s.mode) fail('mode', `the spec says ${s.mode}, its observation layout ${observation.mode}`, file);
  const heads = s.action?.heads;
  if (
    !Array.isArray(heads) ||
    heads.length === 0 ||
    heads.some((h) => typeof h?.name !== 'string' || !(Number.isInteger(h.classes) && h.classes > 1))
  )
    fail('action.heads', 'action needs at least one head with a name and an integer number of classes > 1', file);
  if (s.io === undefined || typeof s.io.tokens !== 'string' || typeof s.io.mask !== 'string' || typeof s.io.logits !== 'string')
    fail('io', 'io must name the tokens, mask and logits tensors', file);
  return {
    ...(s as PolicySpec),
    version: POLICY_SPEC_VERSION,
    observation,
    architecture: s.architecture ?? {},
    trained: s.trained ?? false,
    ...(s.version === 1 ? { upgradedFrom: 1 } : {}),
  };
}

/** The spec's movement head, or a MODEL_INVALID error. */
export function movementHead(spec: PolicySpec, file?: string): PolicyHeadSpec {
  const movement = spec.action.heads.find((h) => h.name === 'movement');
  if (movement === undefined) fail('action.heads', "the policy has no 'movement' head", file);
  return movement;
}

/**
 * Throws SHAPE_MISMATCH naming the first path where the world's view of the layout (what its
 * sensors, caster and objectives provide) differs from the policy's, e.g.
 * `observation.rays.detectableTags: policy [1,2,4], world [1,2,3]`; and when the actuators'
 * movement classes differ from the policy's head.
 */
export function checkPolicyAgainstWorld(
  spec: PolicySpec,
  world: TokenLayoutJson,
  options: {
    /** Classes of the movement action the world's actuators decode. */
    movementClasses: number;
    /** Named in errors. */
    file?: string;
  },
): void {
  const where = (field: string) => ({ field, ...(options.file !== undefined ? { file: options.file } : {}) });
  const diff = layoutDifference(spec.observation, world);
  if (diff !== undefined)
    throw new TickmindError('SHAPE_MISMATCH', `the policy does not fit this world: ${diff}`, where(diff.slice(0, diff.indexOf(':'))));
  const movement = movementHead(spec, options.file);
  if (movement.classes !== options.movementClasses)
    throw new TickmindError(
      'SHAPE_MISMATCH',
      `the policy does not fit this world: action.heads.movement.classes: policy ${movement.classes}, world ${options.movementClasses}`,
      where('action.heads.movement.classes'),
    );
}
