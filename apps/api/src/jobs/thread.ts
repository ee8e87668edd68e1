/**
 * The compute thread: runs core's training, evaluation and dataset builds off the API's event
 * loop, and reports everything as messages (it never touches the database). Cancellation
 * arrives as a flag in shared memory, read on every progress callback, because core's training
 * loop does not yield to the event loop between steps.
 */
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import * as core from "@geor/core";
import type { NewPrediction } from "../store/predictions.ts";
import { CANCEL_FLAG, type Task, type ThreadMessage } from "./protocol.ts";

const port = parentPort;
if (!port) throw new Error("jobs/thread.ts must run in a worker thread");
const { task, flag } = workerData as { task: Task; flag: Int32Array };
const post = (m: ThreadMessage) => port.postMessage(m);
const cancelled = () => Atomics.load(flag, CANCEL_FLAG) === 1;
/** Server shutdown: stop at the next step; the trainers save a checkpoint when they stop. */
const interrupted = () => Atomics.load(flag, CANCEL_FLAG) === 2;

class Cancelled extends Error {}

function numbers(p: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p))
    if (k !== "step" && k !== "totalSteps" && typeof v === "number" && Number.isFinite(v)) out[k] = v;
  return out;
}

function toRow(p: core.SamplePrediction): NewPrediction {
  const t = p.true.chain;
  return {
    sample_id: p.id,
    split: p.split,
    true_lat: p.true.lat,
    true_lon: p.true.lon,
    true_continent: t.continent?.code ?? null,
    true_country: t.country?.iso2 ?? null,
    true_country_name: t.country?.name ?? null,
    true_admin1: t.admin1?.code ?? null,
    true_admin1_name: t.admin1?.name ?? null,
    true_city: t.city?.name ?? null,
    true_cell: p.true.cell,
    pred_country: p.predicted.country?.iso2 ?? null,
    pred_country_name: p.predicted.country?.name ?? null,
    pred_country_p: p.predicted.country?.p ?? null,
    pred_admin1: p.predicted.admin1?.code ?? null,
    pred_admin1_name: p.predicted.admin1?.name ?? null,
    pred_admin1_p: p.predicted.admin1?.p ?? null,
    pred_cell: p.predicted.place?.cell ?? null,
    pred_place_name: p.predicted.place?.name ?? null,
    pred_place_p: p.predicted.place?.p ?? null,
    pred_lat: p.predicted.lat,
    pred_lon: p.predicted.lon,
    confidence: p.predicted.confidence,
    error_km: p.errorKm,
    hit_country: p.hits.country ? 1 : 0,
    hit_admin1: p.hits.admin1 ? 1 : 0,
    hit_city: p.hits.city ? 1 : 0,
  };
}

/** The series a SFT step records in the database (from its progress report or its metrics.jsonl row). */
function sftValues(p: { loss?: unknown; lr?: unknown; imgsPerSec?: unknown }): Record<string, number> {
  return numbers({ loss: p.loss, lr: p.lr, imgsPerSec: p.imgsPerSec });
}

/**
 * Starts a training stage, resuming it when its run directory holds a checkpoint. A resume
 * sends the checkpoint's step and the step rows of the run's metrics.jsonl up to it, so the
 * database gets back the points a killed runner had not written yet (it writes them once a
 * second, the trainer checkpoints every few steps). Returns whether the stage resumes.
 */
function startStage(
  stage: "SFT" | "RL",
  runDir: string,
  valuesOf: (row: Record<string, unknown>) => Record<string, number>,
): boolean {
  const ckpt = path.join(runDir, "checkpoint");
  const resume = core.checkpointExists(ckpt);
  // Killed before its first checkpoint: nothing to resume, start the stage over.
  if (!resume && existsSync(runDir)) rmSync(runDir, { recursive: true, force: true });
  if (resume) {
    const step = core.readCheckpoint(ckpt).meta.step;
    const points = core
      .readMetrics(path.join(runDir, "metrics.jsonl"))
      .filter((r) => r.type === "step" && r.step <= step)
      .map((r) => ({ step: r.step, values: valuesOf(r) }));
    post({ type: "resume", stage, step, points });
  }
  post({ type: "stage", stage, status: "RUNNING", message: resume ? "resumed from checkpoint" : undefined });
  return resume;
}

async function runExperiment(t: Extract<Task, { kind: "experiment" }>): Promise<unknown> {
  const ac = new AbortController();
  const check = () => {
    if ((cancelled() || interrupted()) && !ac.signal.aborted) ac.abort();
    return ac.signal.aborted;
  };
  const sftDir = path.join(t.runDir, "sft");
  const rlDir = path.join(t.runDir, "rl");
  let evalFrom = sftDir;
  // Which TensorFlow.js backend this worker computes with (GPU, native, wasm or cpu), in the logs.
  post({ type: "log", stage: null, line: core.describeBackend(await core.selectBackend({ backend: "auto" })) });

  if (!t.done.includes("SFT")) {
    const resume = startStage("SFT", sftDir, sftValues);
    const result = await core.trainSft({
      dataset: t.dataset,
      out: sftDir,
      model: t.config.model,
      train: t.config.train,
      resume,
      signal: ac.signal,
      log: (line) => post({ type: "log", stage: "SFT", line }),
      onProgress: (p) => {
        check();
        post({
          type: "progress",
          stage: "SFT",
          step: p.step,
          totalSteps: Number.isFinite(p.totalSteps) ? p.totalSteps : null,
          values: sftValues(p),
        });
      },
      onCheckpoint: (step, dir) => post({ type: "checkpoint", stage: "SFT", step, path: dir }),
    });
    if (check() || !result.finished) throw new Cancelled();
    post({ type: "stage", stage: "SFT", status: "SUCCEEDED", totalSteps: result.totalSteps });
  }

  if (t.config.rl && !t.done.includes("RL")) {
    const resume = startStage("RL", rlDir, numbers);
    const result = await core.trainRl({
      from: sftDir,
      out: rlDir,
      dataset: t.dataset,
      rl: t.config.rl,
      resume,
      signal: ac.signal,
      log: (line) => post({ type: "log", stage: "RL", line }),
      onProgress: (p) => {
        check();
        post({
          type: "progress",
          stage: "RL",
          step: p.step,
          totalSteps: Number.isFinite(p.totalSteps) ? p.totalSteps : null,
          values: numbers(p as unknown as Record<string, unknown>),
        });
      },
      onCheckpoint: (step, dir) => post({ type: "checkpoint", stage: "RL", step, path: dir }),
    });
    if (check() || !result.finished) throw new Cancelled();
    post({ type: "stage", stage: "RL", status: "SUCCEEDED", totalSteps: result.totalSteps });
    evalFrom = rlDir;
  } else if (t.done.includes("RL") && core.checkpointExists(path.join(rlDir, "checkpoint"))) {
    evalFrom = rlDir;
  }

  post({ type: "stage", stage: "EVAL", status: "RUNNING" });
  const report = await core.evaluateRun({
    runDir: evalFrom,
    split: t.config.eval.split,
    limit: t.config.eval.limit,
    beam: t.config.eval.beam,
    onProgress: (done, total) => {
      if (check()) throw new Cancelled();
      post({ type: "progress", stage: "EVAL", step: done, totalSteps: total, values: {} });
    },
  });
  const { predictions, ...summary } = report;
  for (let i = 0; i < predictions.length; i += t.predictionBatchRows) {
    post({ type: "predictions", rows: predictions.slice(i, i + t.predictionBatchRows).map(toRow) });
  }
  post({ type: "stage", stage: "EVAL", status: "SUCCEEDED", totalSteps: predictions.length });
  return {
    split: summary.split,
    step: summary.step,
    metrics: summary.metrics,
    levels: summary.levels,
    calibrationEce: summary.calibration?.ece ?? null,
    baselines: summary.baselines ?? null,
    evaluated: evalFrom === rlDir ? "RL" : "SFT",
  };
}

async function main(): Promise<void> {
  try {
    let value: unknown;
    if (task.kind === "experiment") value = await runExperiment(task);
    else if (task.kind === "buildDataset") {
      const { manifest } = await core.buildBlueMarble(task.config, { name: task.name, overwrite: task.overwrite });
      value = manifest.name;
    } else {
      const r = await core.importDataset(task.options as core.ImportOptions);
      value = { name: r.manifest.name, imported: r.imported, rejected: r.rejected };
    }
    post({ type: "result", value });
  } catch (err) {
    if (err instanceof Cancelled || cancelled()) post({ type: "cancelled" });
    else post({ type: "error", message: (err as Error).message ?? String(err), name: (err as Error).name ?? "Error" });
  }
}

await main();
