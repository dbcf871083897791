/**
 * `tickmind/arena`: the retake arena as a benchmark environment (Node) — CS-style retakes on
 * de_dust2 and de_inferno built from their real nav meshes, started from 3,461 professional plant
 * states, a scripted teacher for both sides, the recorder that turns rounds into demonstrations,
 * and the evaluation `tickmind eval` runs. Like a gym environment: put a policy on a side, play
 * rounds, read the figures.
 * @module arena
 */

export type { ControllerMetrics, EvalConfig, EvalResult, Evaluation } from './eval/evaluate.js';
export { evaluatePolicy, wilsonInterval } from './eval/evaluate.js';
export { evalReportHtml } from './eval/report.js';
export type { ArenaOptions, Controller } from './game/arena.js';
export { Arena, arenaSensor, createArena } from './game/arena.js';
export type { RetakeRules } from './game/rules.js';
export type { ArenaMap, MapArea } from './map/arena-map.js';
export { MAP_TAGS, mapBoxes, mapNavigation } from './map/arena-map.js';
export { LOADABLE_MAPS, loadMap } from './map/load.js';
export type { ArenaRecorderOptions } from './recording/arena-recorder.js';
export { ArenaRecorder, arenaLayout } from './recording/arena-recorder.js';
export type { RecordConfig, RecordOutputs, RecordSummary } from './recording/record-rounds.js';
export { recordRounds } from './recording/record-rounds.js';
export type { RoundResult, RunOptions, RunSummary } from './runner/run.js';
export { runRetakes } from './runner/run.js';
export { loadPlantStates } from './scenarios/load.js';
export type { PlantState } from './scenarios/plant-states.js';
export type { RetakeStart } from './scenarios/retake-start.js';
export { chooseStart, generatedStart } from './scenarios/retake-start.js';
