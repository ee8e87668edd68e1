/**
 * Checkpoints: a directory with checkpoint.json (format, step, configs, vocab, input spec, the
 * layout of every tensor, a sha256 of the weights) and weights.bin (float32 model variables then
 * optimizer slots). Written to a temporary directory and renamed into place, so a failed write
 * (disk full, a kill) leaves the previous checkpoint intact; checked on load.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ModelConfig } from "../model/config.ts";
import { GeoModel, type InputSpec } from "../model/network.ts";
import type { Vocab } from "../model/vocab.ts";
import { fsyncPath, recoverDirectory, replaceDirectory } from "../util/fs.ts";

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements into weights.bin. */
  offset: number;
}

export interface CheckpointMeta {
  format: "geor-checkpoint";
  version: 1;
  step: number;
  model: ModelConfig;
  vocab: Vocab;
  input: InputSpec;
  variables: TensorEntry[];
  optimizer: TensorEntry[];
  sha256: string;
  /** Anything the trainer needs to resume (epoch, schedule, RL state, …). */
  state: Record<string, unknown>;
}

export class CheckpointError extends Error {
  override name = "CheckpointError";
}

async function layout(named: Array<{ name: string; tensor: tf.Tensor }>, start: number) {
  const entries: TensorEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = start;
  for (const { name, tensor } of named) {
    const data = (await tensor.data()) as Float32Array;
    entries.push({ name, shape: tensor.shape, offset });
    chunks.push(Float32Array.from(data));
    offset += data.length;
  }
  return { entries, chunks, end: offset };
}

/** Saves model (+ optimizer) to `dir`, replacing any checkpoint there only once the new one is complete. */
export async function saveCheckpoint(
  dir: string,
  model: GeoModel,
  optimizer: tf.Optimizer | null,
  step: number,
  state: Record<string, unknown> = {},
): Promise<void> {
  const vars = [...model.variables.entries()].map(([name, tensor]) => ({ name, tensor }));
  const v = await layout(vars, 0);
  let opt: Awaited<ReturnType<typeof layout>> = { entries: [], chunks: [], end: v.end };
  if (optimizer) {
    const slots = await optimizer.getWeights();
    opt = await layout(slots, v.end);
    // getWeights makes a fresh scalar for the iteration count ("iter"); the rest are the
    // optimizer's own variables.
    for (const s of slots) if (s.name === "iter") s.tensor.dispose();
  }
  const weights = new Float32Array(opt.end);
  let o = 0;
  for (const c of [...v.chunks, ...opt.chunks]) {
    weights.set(c, o);
    o += c.length;
  }
  const bytes = Buffer.from(weights.buffer);
  const meta: CheckpointMeta = {
    format: "geor-checkpoint",
    version: 1,
    step,
    model: model.config,
    vocab: model.vocab,
    input: model.input,
    variables: v.entries,
    optimizer: opt.entries,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    state,
  };
  // Leftovers of a killed earlier write go first (each is a full copy of the weights).
  recoverDirectory(dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  let writing = tmp;
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, data] of [
      ["weights.bin", bytes],
      ["checkpoint.json", JSON.stringify(meta)],
    ] as const) {
      writing = path.join(tmp, name);
      await writeFile(writing, data, { flush: true });
    }
    writing = tmp;
    fsyncPath(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const e = err as NodeJS.ErrnoException;
    const kept = existsSync(path.join(dir, "checkpoint.json"))
      ? "the previous checkpoint is kept"
      : "no earlier checkpoint";
    throw new CheckpointError(
      `could not write the checkpoint of step ${step} to ${dir}: ${e.code ?? e.name} (${e.message}) while writing ${writing}; ${kept}`,
      { cause: err },
    );
  }
  replaceDirectory(tmp, dir);
  fsyncPath(path.dirname(dir));
}

/**
 * The trainers' "save now": writes the run's state at its current step and reports each new
 * step once (a run saves again at the step it stopped at, and a resumed run starts at a step the
 * earlier attempt reported).
 */
export function checkpointer(
  dir: string,
  model: GeoModel,
  optimizer: tf.Optimizer | null,
  state: { step: number },
  onCheckpoint?: (step: number, dir: string) => void,
): () => Promise<void> {
  let reported = state.step;
  return async () => {
    await saveCheckpoint(dir, model, optimizer, state.step, { ...state });
    if (state.step === reported) return;
    reported = state.step;
    onCheckpoint?.(state.step, dir);
  };
}

/**
 * Whether `dir` holds a checkpoint to resume from, after repairing what a process killed while
 * replacing it left behind (see recoverDirectory).
 */
export function checkpointExists(dir: string): boolean {
  return recoverDirectory(dir) && existsSync(path.join(dir, "checkpoint.json"));
}

/** Reads and verifies a checkpoint; throws CheckpointError saying what is wrong. */
export function readCheckpoint(dir: string): { meta: CheckpointMeta; weights: Float32Array } {
  const metaFile = path.join(dir, "checkpoint.json");
  const weightsFile = path.join(dir, "weights.bin");
  if (!existsSync(metaFile) || !existsSync(weightsFile)) {
    throw new CheckpointError(`no checkpoint at ${dir} (checkpoint.json or weights.bin missing)`);
  }
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8")) as CheckpointMeta;
  } catch {
    throw new CheckpointError(`${metaFile} is not valid JSON: the checkpoint is corrupt`);
  }
  if (meta.format !== "geor-checkpoint" || meta.version !== 1) {
    throw new CheckpointError(`${metaFile}: not a geor checkpoint of version 1`);
  }
  const bytes = readFileSync(weightsFile);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== meta.sha256) {
    throw new CheckpointError(
      `${weightsFile}: checksum mismatch (the file is corrupt or truncated, ${bytes.length} bytes)`,
    );
  }
  const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { meta, weights };
}

const slice = (w: Float32Array, e: TensorEntry) => w.subarray(e.offset, e.offset + e.shape.reduce((a, b) => a * b, 1));

/** Rebuilds the model of a checkpoint (weights assigned). */
export function loadModel(dir: string): { model: GeoModel; meta: CheckpointMeta; weights: Float32Array } {
  const { meta, weights } = readCheckpoint(dir);
  // Checkpoints older than ModelConfig.regions hold one admin-1 class per unit, and those older
  // than ModelConfig.headSkip have no skip weights.
  const model = new GeoModel(
    ModelConfig.parse({
      ...meta.model,
      regions: meta.model.regions ?? "units",
      headSkip: meta.model.headSkip ?? false,
      countryHead: meta.model.countryHead ?? "linear",
      placeHead: meta.model.placeHead ?? "always",
    }),
    meta.vocab,
    meta.input,
    0,
  );
  for (const e of meta.variables) {
    const v = model.variables.get(e.name);
    if (!v) throw new CheckpointError(`${dir}: checkpoint has variable ${e.name} the model does not`);
    if (v.shape.join("x") !== e.shape.join("x")) {
      throw new CheckpointError(`${dir}: variable ${e.name} has shape ${e.shape}, the model expects ${v.shape}`);
    }
    v.assign(tf.tensor(slice(weights, e), e.shape));
  }
  const stored = new Set(meta.variables.map((e) => e.name));
  const missing = [...model.variables.keys()].filter((name) => !stored.has(name));
  if (missing.length > 0) {
    model.dispose();
    throw new CheckpointError(`${dir}: checkpoint lacks the model's variable(s) ${missing.join(", ")}`);
  }
  return { model, meta, weights };
}

/** Restores optimizer slots saved with the checkpoint. */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  meta: CheckpointMeta,
  weights: Float32Array,
): Promise<void> {
  if (meta.optimizer.length === 0) return;
  await optimizer.setWeights(
    meta.optimizer.map((e) => ({ name: e.name, tensor: tf.tensor(slice(weights, e), e.shape) })),
  );
}
