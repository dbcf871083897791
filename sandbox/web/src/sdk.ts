/** The SDK's public entries the page uses, in one place (the page imports nothing else of sdk/). */
export type { MovementCommand } from '../../../sdk/actuators/index.js';
export {
  createMovementCommand,
  decodeMovement,
  MOVEMENT_CLASSES,
  MOVEMENT_DIRECTIONS,
  movementClass,
  Stature,
} from '../../../sdk/actuators/index.js';
export type { TokenLayoutJson } from '../../../sdk/core/index.js';
export { layoutDifference, Rng, TickmindError } from '../../../sdk/core/index.js';
export type { Dataset, Episode } from '../../../sdk/dataset/index.js';
export { datasetFromNpz, datasetToNpz, LeRobotWriter, MemoryFiles, readLeRobot, readNpz, writeNpz } from '../../../sdk/dataset/index.js';
export type { DemoRecording, ImportStats } from '../../../sdk/demos/index.js';
export { demoPosition, demoYaw, importRecording, parseDemo, registerDemoParser } from '../../../sdk/demos/index.js';
export type { AiWorld, Decider, DecisionProbe, PolicyDecider } from '../../../sdk/ecs/index.js';
export { createDecisionProbe, policyDecider } from '../../../sdk/ecs/index.js';
export { decodeModel, encodeModel, registerOnnxRuntime } from '../../../sdk/inference/index.js';
export { levelFromBoxes } from '../../../sdk/physics/index.js';
export type { Policy, TokenTransformerConfig } from '../../../sdk/policy/index.js';
export { buildTokenTransformer, defaultLayers, loadPolicy, parsePolicySpec, tokenTransformerWeights } from '../../../sdk/policy/index.js';
export { chromeTrace, Profiler, percentiles } from '../../../sdk/profiling/index.js';
export { rayEnd } from '../../../sdk/sensors/index.js';
export type { EpochRecord, TrainProgress } from '../../../sdk/training/index.js';
export { observationLayout, TokenNet, trainBehaviorCloning, trainingData } from '../../../sdk/training/index.js';
