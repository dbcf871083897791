/**
 * `tickmind/sensors`: ray sensors (fans, layers, foveated grids) cast through a `RayCaster`
 * port, entity tokens (egocentric and joint) and observation stacking. Pure: no physics here.
 * @module sensors
 */

export type { FanLayout, GridLayout, LayersLayout, RayLayout } from './layouts.js';
export { layoutAngles, layoutDirections } from './layouts.js';
export type { PlayerStates } from './players.js';
export { createPlayerStates } from './players.js';
export type { RayBatch, RayCaster } from './ray-caster.js';
export { createRayBatch, rayEnd } from './ray-caster.js';
export type { AgentPoses, RaySensorConfig } from './ray-sensor.js';
export { RaySensor } from './ray-sensor.js';
export { ObservationStack } from './stack.js';
export type { EgocentricTokenConfig, JointTokenConfig } from './tokens.js';
export { EGOCENTRIC_FEATURES, EgocentricTokens, JOINT_FEATURES, JointTokens } from './tokens.js';
export { hasWaypointFeatures, WAYPOINT_FEATURES, writeWaypoint } from './waypoint.js';
