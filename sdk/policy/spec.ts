/**
 * Policy specs: what a policy file promises about its inputs and outputs, stored as JSON in the
 * ONNX `metadata_props` under `tickmind.policy`, so a file is self-describing and a mismatch with
 * the world is a precise error at load.
 */
import { TickmindError } from '../core/errors.js';

/** The metadata key policy specs live under. */
export const POLICY_METADATA_KEY = 'tickmind.policy';
/** Spec versions this SDK reads. */
export const POLICY_SPEC_VERSION = 1;

/** How a policy batches players: one pass per match (joint) or one row per agent (egocentric). */
export type PolicyMode = 'joint' | 'egocentric';

/** The ray block inside each token. */
export interface PolicyRaySpec {
  /** Rays per agent. */
  count: number;
  /** Values per ray: detectable tags + miss + distance. */
  valuesPerRay: number;
  /** Tag ids with a one-hot slot, in slot order. */
  detectableTags: number[];
}

/** The observation a policy expects: tokens × features, with the ray block inside each token. */
export interface PolicyObservationSpec {
  /** Tokens per observation. */
  tokens: number;
  /** Floats per token: entity features + ray values. */
  featuresPerToken: number;
  /** Names of the entity features at the start of each token. */
  entityFeatures: string[];
  /** The ray block after the entity features, or null for no rays. */
  rays: PolicyRaySpec | null;
  /** Observations stacked per agent (1: no stacking). */
  stack: number;
  /**
   * Objective tokens (points of interest the game sets, such as the planted bomb) at the end of
   * the tokens, after the players' (default 0).
   */
  objectives?: number;
}

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
  /** Spec format version. */
  version: number;
  /** How players are batched. */
  mode: PolicyMode;
  /** The expected observation. */
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
}

function fail(field: string, message: string, file?: string): never {
  throw new TickmindError('MODEL_INVALID', `policy spec: ${message}`, { field, ...(file !== undefined ? { file } : {}) });
}

/** Parses and validates the spec from a model's metadata. */
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
  const s = raw as Partial<PolicySpec>;
  if (s.version !== POLICY_SPEC_VERSION)
    fail('version', `version ${String(s.version)} is not supported (this SDK reads ${POLICY_SPEC_VERSION})`, file);
  if (s.mode !== 'joint' && s.mode !== 'egocentric')
    fail('mode', `mode must be 'joint' or 'egocentric', got ${JSON.stringify(s.mode)}`, file);
  const o = s.observation;
  if (o === undefined || !(o.tokens > 0) || !(o.featuresPerToken > 0) || !Array.isArray(o.entityFeatures) || !(o.stack >= 1)) {
    fail('observation', 'observation needs tokens > 0, featuresPerToken > 0, entityFeatures[] and stack >= 1', file);
  }
  const objectives = o.objectives ?? 0;
  if (!Number.isInteger(objectives) || objectives < 0 || objectives >= o.tokens)
    fail(
      'observation.objectives',
      `${String(o.objectives)} objective tokens: need an integer from 0 to tokens − 1 (${o.tokens - 1})`,
      file,
    );
  const rayValues = o.rays === null ? 0 : o.rays.count * o.rays.valuesPerRay;
  if (o.entityFeatures.length + rayValues !== o.featuresPerToken) {
    fail(
      'observation.featuresPerToken',
      `${o.featuresPerToken} does not equal ${o.entityFeatures.length} entity features + ${rayValues} ray values`,
      file,
    );
  }
  const heads = s.action?.heads;
  if (!Array.isArray(heads) || heads.length === 0 || heads.some((h) => typeof h.name !== 'string' || !(h.classes > 1))) {
    fail('action.heads', 'action needs at least one head with a name and classes > 1', file);
  }
  if (s.io === undefined || typeof s.io.tokens !== 'string' || typeof s.io.mask !== 'string' || typeof s.io.logits !== 'string') {
    fail('io', 'io must name the tokens, mask and logits tensors', file);
  }
  return { ...(s as PolicySpec), architecture: s.architecture ?? {}, trained: s.trained ?? false };
}

/** What the world provides, checked against a spec. */
export interface WorldObservation {
  /** How the world batches players for this policy. */
  mode: PolicyMode;
  /** Tokens per observation. */
  tokens: number;
  /** Entity feature names, in order. */
  entityFeatures: readonly string[];
  /** The sensor's ray block, or null. */
  rays: Readonly<PolicyRaySpec> | null;
  /** Stack depth. */
  stack: number;
  /** Objective tokens the world fills (default 0). */
  objectives?: number;
  /** Classes of the movement action the actuators decode. */
  movementClasses: number;
}

/** Throws a precise error naming the first field where the world and the policy disagree. */
export function checkPolicyAgainstWorld(spec: PolicySpec, world: WorldObservation, file?: string): void {
  const where = (field: string) => ({ field, ...(file !== undefined ? { file } : {}) });
  const mismatch = (field: string, want: unknown, got: unknown): never => {
    throw new TickmindError(
      'SHAPE_MISMATCH',
      `policy expects ${field} = ${JSON.stringify(want)}, the world provides ${JSON.stringify(got)}`,
      where(field),
    );
  };
  if (spec.mode !== world.mode) mismatch('mode', spec.mode, world.mode);
  const o = spec.observation;
  if (o.tokens !== world.tokens) mismatch('observation.tokens', o.tokens, world.tokens);
  if (o.entityFeatures.join(',') !== world.entityFeatures.join(','))
    mismatch('observation.entityFeatures', o.entityFeatures, world.entityFeatures);
  if ((o.rays === null) !== (world.rays === null)) mismatch('observation.rays', o.rays, world.rays);
  if (o.rays !== null && world.rays !== null) {
    if (o.rays.count !== world.rays.count) mismatch('observation.rays.count', o.rays.count, world.rays.count);
    if (o.rays.valuesPerRay !== world.rays.valuesPerRay)
      mismatch('observation.rays.valuesPerRay', o.rays.valuesPerRay, world.rays.valuesPerRay);
    if (o.rays.detectableTags.join(',') !== world.rays.detectableTags.join(','))
      mismatch('observation.rays.detectableTags', o.rays.detectableTags, world.rays.detectableTags);
  }
  if (o.stack !== world.stack) mismatch('observation.stack', o.stack, world.stack);
  if ((o.objectives ?? 0) !== (world.objectives ?? 0)) mismatch('observation.objectives', o.objectives ?? 0, world.objectives ?? 0);
  const movement = spec.action.heads.find((h) => h.name === 'movement');
  if (movement === undefined) throw new TickmindError('SHAPE_MISMATCH', 'policy has no movement head', where('action.heads'));
  if (movement.classes !== world.movementClasses) mismatch('action.heads.movement.classes', movement.classes, world.movementClasses);
}
