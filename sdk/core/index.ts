/**
 * `tickmind/core`: errors, the seeded RNG, vector helpers and shared spec types.
 * Imports nothing else from tickmind.
 * @module core
 */

export type { ErrorLocation, TickmindErrorCode } from './errors.js';
export { isTickmindError, TickmindError } from './errors.js';
export type {
  EntityBlockJson,
  FanLayout,
  FeatureBlockJson,
  GridLayout,
  LayersLayout,
  LineOfSightBlockJson,
  RayLayout,
  RaySensorJson,
  RaysBlockJson,
  RaysSummary,
  TokenLayoutJson,
  TokenScope,
  WaypointBlockJson,
} from './layout-json.js';
export { BLOCK_KINDS, layoutDifference, rayNames, TOKEN_LAYOUT_VERSION } from './layout-json.js';
export type { LayoutSource } from './layout-parse.js';
export { parseTokenLayout } from './layout-parse.js';
export { Rng } from './rng.js';
export type { ActionHeadSpec, ActionSpec, ObservationSpec } from './spec.js';
export { add3, dot3, length3, toYawFrame } from './vec.js';
export { decodeBase64, relaxedSimdSupported, simdSupported } from './wasm.js';
