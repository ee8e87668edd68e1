/**
 * A trainer's run directory: run.json (what the run is: its configs, dataset and backend),
 * metrics.jsonl and checkpoint/. A new run refuses a directory that already holds one; a resumed
 * run continues from checkpoint/ with metrics.jsonl cut back to the checkpoint's step.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/store.ts";
import { type CheckpointMeta, checkpointExists, restoreOptimizer } from "./checkpoint.ts";
import { truncateMetrics } from "./metrics-log.ts";

export interface RunDir {
  /** The run directory, resolved. */
  dir: string;
  checkpoint: string;
  metrics: string;
  /** Whether this call continues the run in `dir` (asked to resume, and a checkpoint is there). */
  resuming: boolean;
}

/** The paths of the run directory `out`; throws if a new run would overwrite a run there. */
export function openRunDir(out: string, resume: boolean | undefined): RunDir {
  const dir = path.resolve(out);
  const checkpoint = path.join(dir, "checkpoint");
  const resuming = Boolean(resume) && checkpointExists(checkpoint);
  if (!resuming && existsSync(path.join(dir, "run.json"))) {
    throw new Error(`run directory ${dir} already holds a run (use --resume to continue it, or another --out)`);
  }
  return { dir, checkpoint, metrics: path.join(dir, "metrics.jsonl"), resuming };
}

/** The dataset as run.json records it. */
export function datasetRecord(ds: Dataset): { name: string; dir: string; contentHash: string } {
  return { name: ds.manifest.name, dir: ds.dir, contentHash: ds.manifest.contentHash };
}

/** Starts a new run: the directory, its run.json (`record` and the time now) and an empty metrics.jsonl. */
export function writeRunRecord(run: RunDir, record: Record<string, unknown>): void {
  mkdirSync(run.dir, { recursive: true });
  writeFileSync(
    path.join(run.dir, "run.json"),
    `${JSON.stringify({ ...record, createdAt: new Date().toISOString() }, null, 2)}\n`,
  );
  writeFileSync(run.metrics, "");
}

/** The run.json of the run in `dir`, as written (see run-config.ts for its configs with defaults). */
export function readRunRecord<T>(dir: string): T {
  return JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")) as T;
}

/**
 * The state a resumed run continues from, that of its checkpoint `loaded` (see loadModel): the
 * optimizer's slots restored, and metrics.jsonl cut back to the checkpoint's step so no row is
 * duplicated or lost.
 */
export async function resumeState<S extends { step: number; totalSteps: number }>(
  run: RunDir,
  loaded: { meta: CheckpointMeta; weights: Float32Array },
  optimizer: tf.Optimizer,
  log: (line: string) => void,
): Promise<S> {
  await restoreOptimizer(optimizer, loaded.meta, loaded.weights);
  const state = loaded.meta.state as unknown as S;
  // JSON has no Infinity: an unfixed schedule length is stored as null.
  state.totalSteps ??= Number.POSITIVE_INFINITY;
  truncateMetrics(run.metrics, state.step);
  log(`resuming ${run.dir} at step ${state.step}/${state.totalSteps}`);
  return state;
}
