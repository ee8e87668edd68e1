/**
 * The compute thread: runs core's experiment pipeline, dataset builds and imports off the API's
 * event loop, and reports everything as messages (it never touches the database). Cancellation
 * arrives as a flag in shared memory, read on every progress report and as a stage ends,
 * because core's training loop does not yield to the event loop between steps.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as core from "@geor/core";
import { BUILTIN_ANSWER_COLUMNS, type NewPrediction } from "../store/types.ts";
import { CANCEL_FLAG, type Task, type ThreadMessage } from "./protocol.ts";

const port = parentPort;
if (!port) throw new Error("jobs/thread.ts must run in a worker thread");
const { task, flag } = workerData as { task: Task; flag: Int32Array };
const post = (m: ThreadMessage) => port.postMessage(m);
const cancelled = () => Atomics.load(flag, CANCEL_FLAG) === 1;
/** Server shutdown: stop at the next step; the trainers save a checkpoint when they stop. */
const interrupted = () => Atomics.load(flag, CANCEL_FLAG) === 2;

class Cancelled extends Error {}

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
    hit_place: p.hits.place ? 1 : 0,
    ...BUILTIN_ANSWER_COLUMNS,
  };
}

/** The messages the runner understands for one pipeline event. */
function messagesOf(e: core.ExperimentEvent): ThreadMessage[] {
  switch (e.type) {
    case "stageStarted":
      return [
        ...(e.resumed ? [{ type: "resume" as const, stage: e.stage, ...e.resumed }] : []),
        {
          type: "stage",
          stage: e.stage,
          status: "RUNNING",
          message: e.resumed ? "resumed from checkpoint" : undefined,
        },
      ];
    case "progress":
    case "checkpoint":
    case "log":
      return [e];
    case "predictions":
      return [{ type: "predictions", rows: e.predictions.map(toRow) }];
    case "stageFinished":
      return [{ type: "stage", stage: e.stage, status: "SUCCEEDED", totalSteps: e.totalSteps }];
    case "finished":
      return [{ type: "result", value: e.summary }];
  }
}

async function runExperiment(t: Extract<Task, { kind: "experiment" }>): Promise<void> {
  const ac = new AbortController();
  const check = () => {
    if ((cancelled() || interrupted()) && !ac.signal.aborted) ac.abort();
    return ac.signal.aborted;
  };
  await core.runExperiment({
    runDir: t.runDir,
    dataset: t.dataset,
    config: t.config,
    done: t.done,
    signal: ac.signal,
    predictionBatch: t.predictionBatchRows,
    onEvent: (e) => {
      // The flag is read on every progress report: a training step is still recorded (its
      // trainer stops after it), an evaluation stops before reporting. A training stage does
      // not finish once the flag is up.
      if (e.type === "progress" && check() && e.stage === "EVAL") throw new Cancelled();
      if (e.type === "stageFinished" && e.stage !== "EVAL" && check()) throw new Cancelled();
      for (const m of messagesOf(e)) post(m);
    },
  });
}

async function main(): Promise<void> {
  try {
    // An experiment's result is its pipeline's last event.
    if (task.kind === "experiment") await runExperiment(task);
    else if (task.kind === "buildDataset") {
      const { manifest } = await core.buildBlueMarble(task.config, { name: task.name, overwrite: task.overwrite });
      post({ type: "result", value: manifest.name });
    } else {
      const r = await core.importDataset(task.options as core.ImportOptions);
      post({ type: "result", value: { name: r.manifest.name, imported: r.imported, rejected: r.rejected } });
    }
  } catch (err) {
    if (err instanceof Cancelled || err instanceof core.ExperimentAborted || cancelled()) post({ type: "cancelled" });
    else post({ type: "error", message: (err as Error).message ?? String(err), name: (err as Error).name ?? "Error" });
  }
}

await main();
