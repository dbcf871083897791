/**
 * `tickmind/dataset`: the trajectory recorder, the episode schema, and the formats — Parquet in a
 * LeRobot v3.0-compatible layout and one `.npz` of flat arrays — written to an injected sink and
 * read back with precise, coded errors: CRC-32 checked, sizes bounded by `maxBytes`, metadata
 * validated, readable after a kill at any point of an append.
 * @module dataset
 */

export { LEROBOT_VERSION, LeRobotWriter, readLeRobot, TICKMIND_DATASET_FORMAT } from './lerobot.js';
export type { DatasetReadOptions } from './limits.js';
export { DEFAULT_MAX_BYTES } from './limits.js';
export type { NpyArray, NpyData, NpyDType } from './npy.js';
export { readNpy, writeNpy } from './npy.js';
export type { NpzArray } from './npz.js';
export { readNpz, writeNpz } from './npz.js';
export { datasetFromNpz, datasetToNpz } from './npz-dataset.js';
export type { ParquetColumn, ParquetTable } from './parquet-read.js';
export { readParquet } from './parquet-read.js';
export type { ParquetColumnData, ParquetType } from './parquet-write.js';
export { writeParquet } from './parquet-write.js';
export type { RecorderOptions } from './recorder.js';
export { Recorder } from './recorder.js';
export type { Dataset, DatasetSpec, Episode, FeatureDType, FeatureSpec } from './schema.js';
export { columnArray, featureWidth, fullFeatures, STANDARD_FEATURES } from './schema.js';
export type { DatasetSink, DatasetSource } from './sink.js';
export { MemoryFiles } from './sink.js';
export type { TokenDatasetOptions } from './token-spec.js';
export { tokenDatasetSpec } from './token-spec.js';
