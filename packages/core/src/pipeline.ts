/**
 * The method's pipeline: an experiment runs SFT → RL (when its config has an rl section) → EVAL
 * in one run folder, and resumes where an earlier attempt stopped. The folder holds one run per
 * training stage (sft/, rl/), each with the trainers' checkpoint/ and metrics.jsonl; only this
 * module knows that layout. What happens is reported as events (the API turns them into
 * database rows, a study into its own records); nothing here knows a database.
 */
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { type BackendName, describeBackend, selectBackend } from "./backend/select.ts";
import type { Split } from "./data/format.ts";
import type { EvalReport, SamplePrediction } from "./eval/evaluate.ts";
import { evaluateRun } from "./eval/run-eval.ts";
import type { ExperimentConfig } from "./experiment-config.ts";
import { checkpointExists, readCheckpoint } from "./train/checkpoint.ts";
import { readMetrics } from "./train/metrics-log.ts";
import { trainRl } from "./train/rl/rl.ts";
import { trainSft } from "./train/sft.ts";

export type PipelineStage = "SFT" | "RL" | "EVAL";
export type TrainingStage = Exclude<PipelineStage, "EVAL">;

/** One step of a training stage with its metric values (loss, lr, rewardMean, …). */
export interface StepPoint {
  step: number;
  values: Record<string, number>;
}

/** What the EVAL stage found, for an experiment's record (the full report is eval-<split>.json). */
export interface ExperimentSummary {
  split: Split;
  /** The evaluated checkpoint's step. */
  step: number;
  metrics: EvalReport["metrics"];
  levels: EvalReport["levels"];
  calibrationEce: number | null;
  baselines: NonNullable<EvalReport["baselines"]> | null;
  /** The model evaluated: the RL stage's when it ran, else the SFT stage's. */
  evaluated: TrainingStage;
}

export type ExperimentEvent =
  /**
   * A stage begins. A training stage that resumes from its checkpoint says so with the
   * checkpoint's step and the step rows of its metrics.jsonl up to it (the trainer has cut the
   * file back to the checkpoint), so a record that lost points can get them back.
   */
  | { type: "stageStarted"; stage: PipelineStage; resumed: { step: number; points: StepPoint[] } | null }
  /** A training step done, or evaluation samples decoded (step = done, values empty). */
  | { type: "progress"; stage: PipelineStage; step: number; totalSteps: number | null; values: Record<string, number> }
  /** A checkpoint of this step is complete on disk: the stage can resume from it. */
  | { type: "checkpoint"; stage: TrainingStage; step: number; path: string }
  /** A line of the trainers' log; stage null for the experiment's own (the compute backend). */
  | { type: "log"; stage: PipelineStage | null; line: string }
  /** The evaluated samples, in split order, in batches of at most `predictionBatch`. */
  | { type: "predictions"; predictions: SamplePrediction[] }
  /** A stage finished; totalSteps of EVAL is the number of predictions. */
  | { type: "stageFinished"; stage: PipelineStage; totalSteps: number }
  /** The last event: the experiment finished. */
  | { type: "finished"; summary: ExperimentSummary };

export interface ExperimentRunOptions {
  /** The experiment's run folder (created as needed). */
  runDir: string;
  /** Dataset name or dir. */
  dataset: string;
  /** A config from validateExperimentConfig. */
  config: ExperimentConfig;
  /** Stages an earlier attempt finished: they are not run again. */
  done?: readonly PipelineStage[];
  /**
   * Stops the run: read after every progress event and before a stage counts as finished. A
   * training stage stops after its current step and keeps a checkpoint to resume from.
   */
  signal?: AbortSignal;
  /**
   * Called synchronously for each event, in order. It may abort `signal` (the run stops at
   * that event), and an error it throws ends the run with that error.
   */
  onEvent?: (e: ExperimentEvent) => void;
  backend?: BackendName | "auto";
  /** Predictions per "predictions" event; default: all in one. */
  predictionBatch?: number;
}

/** runExperiment stopped because its signal was aborted; the run folder can resume. */
export class ExperimentAborted extends Error {
  override name = "ExperimentAborted";
  constructor(readonly stage: PipelineStage) {
    super(`the experiment was stopped during ${stage}`);
  }
}

const STAGE_DIRS: Record<TrainingStage, string> = { SFT: "sft", RL: "rl" };

/** A training stage's run inside an experiment's run folder. */
export function stageRunDir(runDir: string, stage: TrainingStage): string {
  return path.join(runDir, STAGE_DIRS[stage]);
}

/** The latest checkpoint of a run (where the trainers keep it and resume from). */
function checkpointOf(run: string): string {
  return path.join(run, "checkpoint");
}

/** The run a checkpoint (as a "checkpoint" event names it) belongs to: what predictImages takes. */
export function runDirOf(checkpoint: string): string {
  return path.dirname(checkpoint);
}

function numbers(p: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p))
    if (k !== "step" && k !== "totalSteps" && typeof v === "number" && Number.isFinite(v)) out[k] = v;
  return out;
}

/** The series an SFT step records (from its progress report or its metrics.jsonl row). */
function sftValues(p: { loss?: unknown; lr?: unknown; imgsPerSec?: unknown }): Record<string, number> {
  return numbers({ loss: p.loss, lr: p.lr, imgsPerSec: p.imgsPerSec });
}

/** The series of each training stage: SFT's loss, lr and speed; every figure of an RL step. */
const VALUES: Record<TrainingStage, (row: Record<string, unknown>) => Record<string, number>> = {
  SFT: sftValues,
  RL: numbers,
};

/**
 * Runs an experiment's stages that `done` does not list: SFT, then RL when the config has an
 * rl section, then EVAL of the RL model (or of the SFT model without RL). A training stage with
 * a checkpoint resumes from it; one stopped before its first checkpoint starts over. Throws
 * ExperimentAborted when `signal` stops it; the summary is also the last event.
 */
export async function runExperiment(opts: ExperimentRunOptions): Promise<ExperimentSummary> {
  const { runDir, config, signal } = opts;
  const done = opts.done ?? [];
  const emit = opts.onEvent ?? (() => {});
  const sftDir = stageRunDir(runDir, "SFT");
  const rlDir = stageRunDir(runDir, "RL");
  const trainer = (stage: TrainingStage) => ({
    backend: opts.backend,
    signal,
    log: (line: string) => emit({ type: "log", stage, line }),
    onProgress: (p: { step: number; totalSteps: number }) =>
      emit({
        type: "progress",
        stage,
        step: p.step,
        totalSteps: Number.isFinite(p.totalSteps) ? p.totalSteps : null,
        values: VALUES[stage](p as unknown as Record<string, unknown>),
      }),
    onCheckpoint: (step: number, dir: string) => emit({ type: "checkpoint", stage, step, path: dir }),
  });
  const finish = (stage: TrainingStage, result: { finished: boolean; totalSteps: number }) => {
    if (signal?.aborted || !result.finished) throw new ExperimentAborted(stage);
    emit({ type: "stageFinished", stage, totalSteps: result.totalSteps });
  };
  let evaluated: TrainingStage = "SFT";
  // Which TensorFlow.js backend this run computes with (GPU, native, wasm or cpu), in its log.
  emit({ type: "log", stage: null, line: describeBackend(await selectBackend({ backend: opts.backend ?? "auto" })) });

  if (!done.includes("SFT")) {
    const resume = startStage("SFT", sftDir, emit);
    const result = await trainSft({
      ...trainer("SFT"),
      dataset: opts.dataset,
      out: sftDir,
      model: config.model,
      train: config.train,
      resume,
    });
    finish("SFT", result);
  }

  if (config.rl && !done.includes("RL")) {
    const resume = startStage("RL", rlDir, emit);
    const result = await trainRl({
      ...trainer("RL"),
      from: sftDir,
      out: rlDir,
      dataset: opts.dataset,
      rl: config.rl,
      resume,
    });
    finish("RL", result);
    evaluated = "RL";
  } else if (done.includes("RL") && checkpointExists(checkpointOf(rlDir))) {
    evaluated = "RL";
  }

  emit({ type: "stageStarted", stage: "EVAL", resumed: null });
  const report = await evaluateRun({
    runDir: stageRunDir(runDir, evaluated),
    split: config.eval.split,
    limit: config.eval.limit,
    beam: config.eval.beam,
    backend: opts.backend,
    onProgress: (n, total) => {
      emit({ type: "progress", stage: "EVAL", step: n, totalSteps: total, values: {} });
      if (signal?.aborted) throw new ExperimentAborted("EVAL");
    },
  });
  const { predictions, ...summary } = report;
  const batch = Math.max(1, opts.predictionBatch ?? predictions.length);
  for (let i = 0; i < predictions.length; i += batch) {
    emit({ type: "predictions", predictions: predictions.slice(i, i + batch) });
  }
  emit({ type: "stageFinished", stage: "EVAL", totalSteps: predictions.length });
  const result: ExperimentSummary = {
    split: summary.split,
    step: summary.step,
    metrics: summary.metrics,
    levels: summary.levels,
    calibrationEce: summary.calibration?.ece ?? null,
    baselines: summary.baselines ?? null,
    evaluated,
  };
  emit({ type: "finished", summary: result });
  return result;
}

/**
 * Starts a training stage: resumes it when its run holds a checkpoint (returns true), else
 * clears what a run killed before its first checkpoint left and starts it over.
 */
function startStage(stage: TrainingStage, run: string, emit: (e: ExperimentEvent) => void): boolean {
  const ckpt = checkpointOf(run);
  const resume = checkpointExists(ckpt);
  if (!resume && existsSync(run)) rmSync(run, { recursive: true, force: true });
  let resumed: { step: number; points: StepPoint[] } | null = null;
  if (resume) {
    const step = readCheckpoint(ckpt).meta.step;
    const points = readMetrics(path.join(run, "metrics.jsonl"))
      .filter((r) => r.type === "step" && r.step <= step)
      .map((r) => ({ step: r.step, values: VALUES[stage](r) }));
    resumed = { step, points };
  }
  emit({ type: "stageStarted", stage, resumed });
  return resume;
}
