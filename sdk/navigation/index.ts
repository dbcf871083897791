/**
 * `tickmind/navigation`: nav meshes (rectangles and convex polygons; Awpy 1.x/2.x files,
 * tickmind's plain JSON, or a grid built from level boxes), allocation-free A*, and a navigator
 * that writes each agent's waypoint toward its goal and handles getting stuck — what the shipped
 * models read in every player's token.
 * @module navigation
 */

export { FloorIndex } from './floor-index.js';
export type { AwpyArea, AwpyNavMesh, NavMeshJson, NavMeshJsonArea } from './formats.js';
export {
  awpyAreaToNavArea,
  METERS_PER_UNIT,
  NAVMESH_FORMAT,
  navMeshFromAwpy,
  navMeshFromAwpyJson,
  navMeshFromJSON,
  navMeshToJSON,
  parseAwpyNavMesh,
  sourceToMeters,
} from './formats.js';
export type { BoxesLike, BoxNavOptions } from './from-boxes.js';
export { navMeshFromBoxes } from './from-boxes.js';
export { NavGraph } from './nav-graph.js';
export type { NavArea, NavMeshData } from './nav-mesh.js';
export { MAX_CORNERS, NavMesh, WAYPOINT_INSET_M } from './nav-mesh.js';
export type { NavigatorOptions } from './navigator.js';
export { Navigator } from './navigator.js';
export { NavRoute } from './routes.js';
