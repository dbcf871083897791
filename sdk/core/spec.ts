/**
 * Shared spec types. A policy file carries these in its ONNX `metadata_props`,
 * so a model is self-describing and a mismatch with the world is a clear error.
 */

/** Layout of one observation row: named feature groups over tokens. */
export interface ObservationSpec {
  /** Schema version of this spec. */
  version: number;
  /** Tokens per observation (1 for a flat MLP input). */
  tokens: number;
  /** Features per token. */
  featuresPerToken: number;
  /** Named feature ranges within a token, `[start, end)`. */
  fields: ReadonlyArray<{
    /** Feature group name. */
    name: string;
    /** First feature index. */
    start: number;
    /** One past the last feature index. */
    end: number;
  }>;
}

/** A categorical action head. */
export interface ActionHeadSpec {
  /** Head name (e.g. `movement`). */
  name: string;
  /** Number of categorical classes. */
  classes: number;
}

/** The actions a policy emits. */
export interface ActionSpec {
  /** Schema version of this spec. */
  version: number;
  /** The action heads, in output order. */
  heads: ReadonlyArray<ActionHeadSpec>;
}
