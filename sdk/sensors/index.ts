/**
 * `tickmind/sensors`: ray sensors (fans, layers, foveated grids) cast through a `RayCaster`
 * port, the `TokenLayout` — the one definition of a token policy's observation (ordered feature
 * blocks: entity, line of sight, waypoint, rays) — pairwise line of sight cast in one batch, and
 * observation stacking. Pure: no physics here.
 * @module sensors
 */

export type {
  EntityBlockJson,
  FeatureBlockJson,
  LineOfSightBlockJson,
  RaySensorJson,
  RaysBlockJson,
  TokenLayoutJson,
  TokenScope,
  WaypointBlockJson,
} from '../core/layout-json.js';
export type { BlockWriter, EncodeContext, TokenSources, WaypointSource } from './blocks/block.js';
export type { EntityScales } from './blocks/entity.js';
export { EGOCENTRIC_FEATURES, JOINT_FEATURES } from './blocks/entity.js';
export type { LineOfSightConfig } from './blocks/line-of-sight.js';
export { LINE_OF_SIGHT_FEATURES } from './blocks/line-of-sight.js';
export { WAYPOINT_FEATURES, writeWaypoint } from './blocks/waypoint.js';
export type { FanLayout, GridLayout, LayersLayout, RayLayout } from './layouts.js';
export { layoutAngles, layoutDirections } from './layouts.js';
export type { PlayerStates } from './players.js';
export { createPlayerStates } from './players.js';
export type { RayBatch, RayCaster } from './ray-caster.js';
export { createRayBatch, rayEnd } from './ray-caster.js';
export type { AgentPoses, RaySensorConfig } from './ray-sensor.js';
export { RaySensor } from './ray-sensor.js';
export type { SightOptions } from './sight.js';
export { SightTable } from './sight.js';
export { ObservationStack } from './stack.js';
export type { TokenLayoutConfig } from './token-layout.js';
export { TokenLayout } from './token-layout.js';
