export { registerWasmGradientKernels } from "./backend/kernels/index.ts";
export { type BackendInfo, type BackendName, describeBackend, selectBackend } from "./backend/select.ts";
export { BlueMarbleConfig, buildBlueMarble } from "./data/bluemarble/build.ts";
export * from "./data/format.ts";
export { ImportError, type ImportOptions, type ImportResult, importDataset } from "./data/importers/index.ts";
export {
  type CsvRow,
  csvRecordBatches,
  csvRecords,
  type JsonlRow,
  jsonlRecordBatches,
  jsonlRecords,
  type TextSource,
} from "./data/importers/read-rows.ts";
export { SampleTruth, type SampleTruthRow } from "./data/sample-truth.ts";
export { spriteOf } from "./data/sprites.ts";
export {
  type Batch,
  type BatchOptions,
  Dataset,
  DatasetError,
  type DatasetInput,
  datasetsRoot,
  georHome,
  listDatasets,
  resolveDatasetDir,
  writeDataset,
} from "./data/store.ts";
export { type ParsedAnswer, parseAnswer, type StatedNames } from "./eval/answer-parser.ts";
export {
  COMPARED_METRICS,
  type ComparedMetric,
  comparedMetric,
  compareMetrics,
  type MetricComparison,
  pairBySeed,
  type ScoredRun,
} from "./eval/comparison.ts";
export { type CoordinateChain, coordinateChain } from "./eval/coordinate-chain.ts";
export {
  baselines,
  type EvalReport,
  predictSplit,
  predictSplitParallel,
  type SamplePrediction,
  summarizePredictions,
} from "./eval/evaluate.ts";
export {
  type ExternalPredictionInput,
  ExternalScorer,
  MAX_ANSWER_CHARS,
  type ScoredExternalPrediction,
} from "./eval/external.ts";
export { storedLevels, withStoredLevels } from "./eval/legacy-levels.ts";
export { evaluateRun, type RunEvalResult } from "./eval/run-eval.ts";
export {
  aheadCount,
  meanStd,
  type PairedComparison,
  pairedComparison,
  pairedTest,
  type StdKind,
} from "./eval/statistics.ts";
export {
  type ConfigIssue,
  ConfigValidationError,
  type ExperimentConfig,
  validateExperimentConfig,
} from "./experiment-config.ts";
export { type HeadKind, ModelConfig } from "./model/config.ts";
export { type DecodeSpec, decodeBatch } from "./model/decode/batch.ts";
export { decodeChains } from "./model/decode/beam-search.ts";
export type { DecodedChain } from "./model/decode/decoded-chain.ts";
export { DecodePool, defaultThreads } from "./model/decode-pool.ts";
export { GeoModel } from "./model/network.ts";
export {
  type ImagePrediction,
  imageToInput,
  type PredictedChain,
  predictImages,
  predictPixels,
} from "./model/predict.ts";
export {
  ExperimentAborted,
  type ExperimentEvent,
  type ExperimentRunOptions,
  type ExperimentSummary,
  type PipelineStage,
  runDirOf,
  runExperiment,
  type StepPoint,
  stageRunDir,
  type TrainingStage,
} from "./pipeline.ts";
export {
  describeStudyIssue,
  MAX_STUDY_RUNS,
  type StudyArm,
  type StudyBudget,
  type StudyDesign,
  type StudyDesignInput,
  type StudyIssue,
  StudyValidationError,
  studyRunConfig,
  validateNewSeeds,
  validateStudyDesign,
} from "./study-config.ts";
export { CheckpointError, checkpointExists, loadModel, readCheckpoint, saveCheckpoint } from "./train/checkpoint.ts";
export { learningRate, TrainConfig } from "./train/config.ts";
export { type MetricsRow, readMetrics } from "./train/metrics-log.ts";
export { RlConfig } from "./train/rl/config.ts";
export { parseReward, type RewardSpec } from "./train/rl/rewards.ts";
export { RlDivergedError, type RlOptions, type RlProgress, type RlResult, trainRl } from "./train/rl/rl.ts";
export { type SampledChains, sampleChains } from "./train/rl/sample.ts";
export { type RunOptions, resolveRunDir } from "./train/runs.ts";
export { type SftOptions, type SftProgress, type SftResult, trainSft } from "./train/sft.ts";
export { assertKnownKeys, unknownKeys } from "./util/errors.ts";
export { hash32, hashUnit, mulberry32, seededPermutation } from "./util/random.ts";
