/**
 * `tickmind/demos`: real match recordings → demonstrations. CS:GO and CS2 demo files (read with
 * the optional `demofile` and `@laihoe/demoparser2` packages; a bundled page hands them in with
 * `registerDemoParser`) become every player's per-tick state, then token rows in a policy's layout
 * with movement labels and hindsight waypoints — the same dataset `tickmind record` writes.
 * @module demos
 */

export { demoPosition, demoToArena, demoYaw } from './frame.js';
export type { DemoMap, ImportOptions, ImportResult, ImportStats } from './importer.js';
export { importRecording } from './importer.js';
export type { LabelFit } from './labels.js';
export { createLabelFit, LabelFitter } from './labels.js';
export { demoGame, parseDemo } from './parse.js';
export type { DemoParserName } from './parsers.js';
export { loadDemoParser, registerDemoParser } from './parsers.js';
export type { DemoFrames, DemoPlant, DemoPlayer, DemoRecording, DemoRound } from './recording.js';
export { DEFAULT_RUN_SPEED, weaponRunSpeed } from './weapons.js';
