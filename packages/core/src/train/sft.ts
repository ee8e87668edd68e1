/**
 * Supervised fine-tuning (SFT) of the chain model, or of a baseline head: teacher-forced
 * cross-entropy per level plus the offset loss, Adam with warm-up and cosine decay.
 *
 * A run directory holds run.json (resolved configs, dataset, backend), metrics.jsonl (one line
 * per step, one per epoch with validation metrics) and checkpoint/ (the latest, replaced
 * atomically every checkpointEvery steps and at the end). The data order of epoch e is the
 * permutation seeded by (seed, e) and step s's augmentation is seeded by (seed, s), so
 * `resume` continues exactly where a killed run stopped.
 */
import path from "node:path";
import { loadChainOfRegion } from "@geor/geo";
import * as tf from "@tensorflow/tfjs";
import type { z } from "zod";
import { type BackendInfo, selectBackend } from "../backend/select.ts";
import { Dataset } from "../data/store.ts";
import { predictSplit, summarizePredictions } from "../eval/evaluate.ts";
import { isFrozen, ModelConfig } from "../model/config.ts";
import { assertPoolBackend } from "../model/decode-pool.ts";
import { datasetInput, type RawBatch } from "../model/inputs.ts";
import type { LossWeights } from "../model/loss.ts";
import { GeoModel, type InputSpec } from "../model/network.ts";
import { DistanceSmoothing } from "../model/smoothing.ts";
import { TargetBuilder, type Targets } from "../model/targets.ts";
import { buildVocab } from "../model/vocab.ts";
import { assertKnownKeys } from "../util/errors.ts";
import { hash32, mulberry32 } from "../util/random.ts";
import { augmentBatch } from "./augment.ts";
import type { ClockedState } from "./budget.ts";
import { checkpointer, loadModel } from "./checkpoint.ts";
import { learningRate, TrainConfig } from "./config.ts";
import { EpochOrder } from "./epoch-order.ts";
import { applyGradients, GradPool, shardGradients } from "./grad-pool.ts";
import { appendMetrics } from "./metrics-log.ts";
import { readRunTrainConfig } from "./run-config.ts";
import { datasetRecord, openRunDir, resumeState, writeRunRecord } from "./run-dir.ts";
import { RunLoop } from "./run-loop.ts";
import type { RunOptions } from "./runs.ts";
import { trainIndices } from "./subsets.ts";

export interface SftOptions extends RunOptions<SftProgress> {
  dataset: string;
  model?: z.input<typeof ModelConfig>;
  /**
   * Start from the weights (and vocabulary) of this checkpoint directory instead of a new model,
   * with a fresh optimizer and schedule: SFT continued, the control arm of an RL comparison.
   */
  init?: string;
  train?: z.input<typeof TrainConfig>;
}

export interface SftProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  imgsPerSec: number;
}

export interface SftResult {
  runDir: string;
  steps: number;
  totalSteps: number;
  seconds: number;
  imgsPerSec: number;
  finished: boolean;
  val: ReturnType<typeof summarizePredictions> | null;
  backend: BackendInfo;
}

interface SftState extends ClockedState {
  stepsPerEpoch: number;
}

/** Per-channel mean and std of the training images (over at most 2,000 of them). */
function inputSpec(ds: Dataset): InputSpec {
  const { height, width, channels } = ds.manifest.patch;
  const train = ds.indicesOf("train");
  const idx = train.subarray(0, Math.min(2000, train.length));
  const px = ds.readPatches(idx);
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let i = 0; i < px.length; i++) {
    sum[i % channels] += px[i];
    sq[i % channels] += px[i] * px[i];
  }
  const n = px.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(1e-6, s / n - mean[c] * mean[c])));
  return { height, width, channels, mean, std };
}

/** The targets of SFT batches: one-hot, or smoothed by distance when the config says so. */
export function targetBuilder(model: GeoModel, cfg: TrainConfig, ds: Dataset, train: Uint32Array): TargetBuilder {
  const smoothing =
    cfg.labelSmoothing.epsilon > 0 && model.config.head !== "regress"
      ? new DistanceSmoothing(
          model.vocab,
          model.config.head,
          Array.from(train, (i) => ds.samples[i]),
          cfg.labelSmoothing,
        )
      : null;
  return new TargetBuilder(model.vocab, smoothing);
}

/** A raw batch with the step's augmentation applied (images only; features are used as they are). */
function augmented(r: RawBatch, augment: (images: Uint8Array) => void): RawBatch {
  if (r.kind === "pixels") augment(r.data);
  return r;
}

/** One optimizer step on the batch `x()` builds: the loss and its parts (`loss_<part>`). */
export function sftStep(
  model: GeoModel,
  optimizer: tf.Optimizer,
  x: () => tf.Tensor,
  t: Targets,
  weights: LossWeights = {},
): Record<string, number> {
  return tf.tidy(() => {
    const { grads, parts } = shardGradients(model, x(), t, 1, weights);
    applyGradients(model, optimizer, grads);
    return parts;
  });
}

/** A new model: vocabulary from the train samples, input statistics (or the frozen backbone's input). */
export async function newModel(
  config: z.input<typeof ModelConfig> | undefined,
  seed: number,
  ds: Dataset,
  train: Uint32Array,
  log: (line: string) => void,
): Promise<GeoModel> {
  const modelCfg = ModelConfig.parse(config ?? {});
  const vocab = buildVocab(
    Array.from(train, (i) => ds.samples[i]),
    ds.geocells.cells,
    modelCfg.regions,
  );
  let spec = isFrozen(modelCfg) ? null : inputSpec(ds);
  if (!spec) {
    const { backbone } = await datasetInput(modelCfg, ds, (done, total) => {
      if (done === total || done % 1024 === 0) log(`backbone features: ${done}/${total}`);
    });
    if (!backbone) throw new Error(`backbone ${modelCfg.backbone} did not load`);
    spec = { ...backbone.inputSize, channels: 3, mean: [0, 0, 0], std: [1, 1, 1], featureDim: backbone.featureDim };
    backbone.dispose();
  }
  return new GeoModel(modelCfg, vocab, spec, seed);
}

export async function trainSft(opts: SftOptions): Promise<SftResult> {
  const log = opts.log ?? (() => {});
  const backend = await selectBackend({ backend: opts.backend ?? "auto" });
  const ds = Dataset.open(opts.dataset);
  const run = openRunDir(opts.out, opts.resume);

  let model: GeoModel;
  let cfg: TrainConfig;
  let state: SftState;
  let train: Uint32Array;
  const optimizer = tf.train.adam(1e-3);
  // A model started from another run (--init) knows only its own vocabulary.
  const fitVocab = (m: GeoModel, indices: Uint32Array) => {
    const targets = new TargetBuilder(m.vocab);
    const covered = indices.filter((i) => targets.covers(ds.samples[i]));
    if (covered.length < indices.length) {
      log(`${indices.length - covered.length} samples have a country or admin-1 unknown to the model and are left out`);
    }
    if (covered.length === 0) throw new Error(`no train sample of ${ds.manifest.name} fits the model's vocabulary`);
    return covered;
  };
  const logDropped = (kept: number) => {
    const dropped = ds.indicesOf("train").length - kept;
    if (dropped > 0) log(`training on ${kept} train samples (${dropped} without a country or held out)`);
  };
  if (run.resuming) {
    cfg = readRunTrainConfig(run.dir);
    const loaded = loadModel(run.checkpoint);
    model = loaded.model;
    train = fitVocab(model, trainIndices(ds, cfg.holdoutFraction, cfg.data));
    state = await resumeState<SftState>(run, loaded, optimizer, log);
  } else {
    assertKnownKeys(opts.model ?? {}, ModelConfig, "model");
    assertKnownKeys(opts.train ?? {}, TrainConfig, "train");
    cfg = TrainConfig.parse(opts.train ?? {});
    // Refused before the run directory exists, like any other bad setting.
    if (cfg.threads > 1) assertPoolBackend(backend.name, "training");
    train = trainIndices(ds, cfg.holdoutFraction, cfg.data);
    logDropped(train.length);
    model = opts.init ? loadModel(path.resolve(opts.init)).model : await newModel(opts.model, cfg.seed, ds, train, log);
    train = fitVocab(model, train);
    const stepsPerEpoch = Math.ceil(train.length / cfg.batchSize);
    state = {
      step: 0,
      stepsPerEpoch,
      totalSteps:
        cfg.steps ?? (cfg.epochs !== undefined ? Math.ceil(cfg.epochs * stepsPerEpoch) : Number.POSITIVE_INFINITY),
      elapsedMs: 0,
    };
    // Created only once the config and the model are valid: a refused config leaves no empty run.
    writeRunRecord(run, {
      kind: "sft",
      dataset: datasetRecord(ds),
      model: model.config,
      init: opts.init ? path.resolve(opts.init) : null,
      train: cfg,
      backend,
      parameters: model.parameterCount,
      vocab: {
        countries: model.vocab.countries.length,
        admin1: model.vocab.admin1.length,
        places: model.vocab.cells.length,
      },
    });
  }

  const { input, raw, backbone } = await datasetInput(model.config, ds);
  backbone?.dispose();
  const targets = targetBuilder(model, cfg, ds, train);
  const shape = ds.manifest.patch;
  // A time budget sets the schedule length from the measured speed (re-estimated as the run
  // goes, see StepBudget) unless an epoch count or steps fix it; the end-of-epoch validation is
  // budgeted at 10%.
  const loop = new RunLoop(state, {
    minutes: cfg.minutes,
    budgetClock: cfg.budgetClock,
    reserve: 0.1,
    budgetDriven: cfg.minutes !== undefined && cfg.epochs === undefined && cfg.steps === undefined,
    stopAfterSteps: opts.stopAfterSteps,
    signal: opts.signal,
    log,
  });
  const checkpoint = checkpointer(run.checkpoint, model, optimizer, state, opts.onCheckpoint);
  let val: SftResult["val"] = null;
  const cor = await loadChainOfRegion();
  const evaluate = (epoch: number) => {
    const preds = predictSplit(model, ds, cor, { split: "val", limit: cfg.valLimit, input });
    const report = summarizePredictions(preds);
    appendMetrics(run.metrics, {
      type: "epoch",
      step: state.step,
      epoch,
      val: { ...report.metrics, levels: report.levels },
    });
    log(
      `epoch ${epoch} step ${state.step}: val median ${report.metrics.medianKm.toFixed(0)} km, acc@750 ${(report.metrics.acc[750] * 100).toFixed(1)}%, country ${(report.levels.country * 100).toFixed(1)}%`,
    );
    return report;
  };

  const order = new EpochOrder(train, cfg.batchSize, state.stepsPerEpoch, cfg.seed, "epoch");
  const pool = cfg.threads > 1 ? await GradPool.open(model, { threads: cfg.threads, backend: backend.name }) : null;
  if (pool) log(`data-parallel steps on ${cfg.threads} threads`);
  // The pool's threads would keep the process alive: closed however the loop ends.
  try {
    while (loop.running()) {
      const { epoch, indices: batchIdx } = order.batch(state.step);
      const augment = (images: Uint8Array) =>
        augmentBatch(images, batchIdx.length, shape, cfg.augment, mulberry32(hash32(`step:${state.step}`, cfg.seed)));
      const t = targets.build(Array.from(batchIdx, (i) => ds.samples[i]));
      const lr = learningRate(
        state.step,
        Number.isFinite(state.totalSteps) ? state.totalSteps : 10 * state.stepsPerEpoch,
        cfg,
      );
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const parts = pool
        ? await pool.step(model, optimizer, augmented(raw(batchIdx), augment), t, cfg.lossWeights)
        : sftStep(model, optimizer, () => input(model, batchIdx, augment), t, cfg.lossWeights);
      if (!Number.isFinite(parts.loss)) {
        throw new Error(
          `training diverged at step ${state.step} (loss ${parts.loss}); the last good checkpoint is ${run.checkpoint}`,
        );
      }
      state.step++;
      loop.clock.stepDone(batchIdx.length);
      const imgsPerSec = loop.clock.imgsPerSec;
      appendMetrics(run.metrics, {
        type: "step",
        step: state.step,
        epoch,
        lr,
        ...parts,
        imgsPerSec: Math.round(imgsPerSec),
      });
      opts.onProgress?.({ step: state.step, totalSteps: state.totalSteps, epoch, loss: parts.loss, lr, imgsPerSec });
      if (state.step % state.stepsPerEpoch === 0) val = evaluate(epoch);
      if (state.step % cfg.checkpointEvery === 0) await checkpoint();
    }
  } finally {
    await pool?.close();
  }
  const finished = await loop.finish(
    state.stepsPerEpoch,
    () => {
      val = evaluate(Math.floor(state.step / state.stepsPerEpoch));
    },
    checkpoint,
  );
  const seconds = loop.clock.seconds();
  model.dispose();
  optimizer.dispose();
  ds.close();
  return {
    runDir: run.dir,
    steps: state.step,
    totalSteps: state.totalSteps,
    seconds,
    imgsPerSec: (state.step * cfg.batchSize) / seconds,
    finished,
    val,
    backend,
  };
}
