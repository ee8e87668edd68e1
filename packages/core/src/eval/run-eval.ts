/**
 * Evaluates a run's latest (or best) checkpoint on a dataset split and writes eval-<split>.json and
 * predictions-<split>.jsonl into the run directory.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadChainOfRegion } from "@geor/geo";
import { type BackendInfo, type BackendName, selectBackend } from "../backend/select.ts";
import type { Split } from "../data/format.ts";
import { Dataset } from "../data/store.ts";
import { DecodePool, defaultThreads, POOL_BACKENDS } from "../model/decode-pool.ts";
import { datasetInput } from "../model/inputs.ts";
import { loadModel } from "../train/checkpoint.ts";
import type { DecisionRule } from "./decision.ts";
import {
  baselines,
  type EvalReport,
  predictSplit,
  predictSplitParallel,
  type SamplePrediction,
  splitIndices,
  summarizePredictions,
} from "./evaluate.ts";

export interface RunEvalOptions {
  runDir: string;
  split: Split;
  /** Dataset name or dir; default: the run's own dataset. */
  dataset?: string;
  limit?: number;
  beam?: number;
  decision?: DecisionRule;
  /**
   * Suffix of the written files (eval-<split>-<tag>.json, predictions-<split>-<tag>.jsonl), so an
   * evaluation under another decision rule sits beside the default one instead of replacing it.
   */
  tag?: string;
  /** latest (default): checkpoint/; best: best/, the best validation GeoScore of an RL run. */
  checkpoint?: "latest" | "best";
  backend?: BackendName | "auto";
  /**
   * Decoding threads (a DecodePool on the wasm or cpu backend; 1 = this thread). Default: one
   * per core when the split has at least AUTO_THREADS_MIN samples, else 1.
   */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RunEvalResult extends EvalReport {
  run: string;
  dataset: string;
  split: Split;
  step: number;
  backend: BackendInfo;
  files: { report: string; predictions: string };
  /** Threads that decoded the split. */
  threads: number;
}

/**
 * Below this many samples one thread decodes a split: starting a pool (a thread loads the backend
 * and the checkpoint) costs about as long as decoding a few thousand images.
 */
export const AUTO_THREADS_MIN = 8192;

/** Where evaluateRun writes a run's report (eval-<split>[-<tag>].json) or predictions (.jsonl). */
export function evalFile(runDir: string, kind: "eval" | "predictions", split: Split, tag?: string): string {
  return path.join(runDir, `${kind}-${split}${tag ? `-${tag}` : ""}.${kind === "eval" ? "json" : "jsonl"}`);
}

export async function evaluateRun(opts: RunEvalOptions): Promise<RunEvalResult & { predictions: SamplePrediction[] }> {
  const runFile = path.join(opts.runDir, "run.json");
  if (!existsSync(runFile)) throw new Error(`no run at ${opts.runDir} (run.json missing)`);
  const run = JSON.parse(readFileSync(runFile, "utf8")) as { dataset: { dir: string } };
  const backend = await selectBackend({ backend: opts.backend ?? "auto" });
  const which = opts.checkpoint ?? "latest";
  const ckptDir = path.join(opts.runDir, which === "best" ? "best" : "checkpoint");
  if (which === "best" && !existsSync(path.join(ckptDir, "checkpoint.json"))) {
    throw new Error(`run ${opts.runDir} has no best/ checkpoint (only RL runs with a validation split keep one)`);
  }
  const { model, meta } = loadModel(ckptDir);
  const ds = Dataset.open(opts.dataset ?? run.dataset.dir);
  try {
    const cor = await loadChainOfRegion();
    const { input, raw, backbone } = await datasetInput(model.config, ds);
    backbone?.dispose();
    const n = splitIndices(ds, opts).length;
    const threads =
      opts.threads ?? (POOL_BACKENDS.includes(backend.name) && n >= AUTO_THREADS_MIN ? defaultThreads() : 1);
    if (!Number.isInteger(threads) || threads < 1)
      throw new Error(`threads must be a whole number ≥ 1, got ${threads}`);
    const how = { split: opts.split, limit: opts.limit, beam: opts.beam, decision: opts.decision };
    let predictions: SamplePrediction[];
    if (threads > 1) {
      const pool = await DecodePool.open({ checkpointDir: ckptDir, threads, backend: backend.name });
      try {
        predictions = await predictSplitParallel(pool, model, ds, cor, { ...how, raw, onProgress: opts.onProgress });
      } finally {
        await pool.close();
      }
    } else {
      predictions = predictSplit(model, ds, cor, { ...how, input, onProgress: opts.onProgress });
    }
    const report = summarizePredictions(predictions);
    report.baselines = baselines(ds, opts.split, opts.limit);
    const files = {
      report: evalFile(opts.runDir, "eval", opts.split, opts.tag),
      predictions: evalFile(opts.runDir, "predictions", opts.split, opts.tag),
    };
    const result: RunEvalResult = {
      run: opts.runDir,
      dataset: ds.manifest.name,
      split: opts.split,
      step: meta.step,
      backend,
      files,
      threads,
      ...report,
    };
    writeFileSync(files.report, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(files.predictions, `${predictions.map((p) => JSON.stringify(p)).join("\n")}\n`);
    return { ...result, predictions };
  } finally {
    model.dispose();
    ds.close();
  }
}
