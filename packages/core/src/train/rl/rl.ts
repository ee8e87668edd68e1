/**
 * The RL stage: GRPO on the chain policy with a Haversine-aligned reward, starting from an SFT
 * run and anchored to it by a KL penalty.
 *
 * A run directory holds run.json, metrics.jsonl (a "step" line per step, a "val" line per
 * validation), reference/ (a copy of the SFT checkpoint: the frozen reference policy),
 * checkpoint/ (the latest, with optimizer and RNG-free state: step s samples with the seed
 * (seed, s), so a resumed run continues exactly) and best/ (the weights with the best
 * validation GeoScore seen so far, the SFT start included).
 */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { type ChainOfRegion, haversineKmUnchecked, loadChainOfRegion } from "@geor/geo";
import * as tf from "@tensorflow/tfjs";
import type { z } from "zod";
import { type BackendInfo, selectBackend } from "../../backend/select.ts";
import { Dataset } from "../../data/store.ts";
import { type EvalReport, predictSplit, summarizePredictions } from "../../eval/evaluate.ts";
import { meanStd } from "../../eval/statistics.ts";
import { datasetInput } from "../../model/inputs.ts";
import type { GeoModel } from "../../model/network.ts";
import { assertKnownKeys } from "../../util/errors.ts";
import { hash32, mulberry32 } from "../../util/random.ts";
import type { ClockedState } from "../budget.ts";
import { checkpointExists, checkpointer, loadModel, saveCheckpoint } from "../checkpoint.ts";
import { learningRate } from "../config.ts";
import { EpochOrder } from "../epoch-order.ts";
import { appendMetrics } from "../metrics-log.ts";
import { readRunRlConfig, readRunTrainConfig } from "../run-config.ts";
import { datasetRecord, openRunDir, readRunRecord, resumeState, writeRunRecord } from "../run-dir.ts";
import { RunLoop } from "../run-loop.ts";
import type { RunOptions } from "../runs.ts";
import { trainIndices } from "../subsets.ts";
import { RlConfig } from "./config.ts";
import { groupAdvantages } from "./grpo.ts";
import { parseReward, type RewardSpec } from "./rewards.ts";
import { sampleChains } from "./sample.ts";
import { grpoUpdate } from "./update.ts";

export interface RlOptions extends RunOptions<RlProgress> {
  /** The SFT run to start from (its latest checkpoint becomes the policy and the reference). */
  from: string;
  /** Dataset name or dir; default: the SFT run's dataset. */
  dataset?: string;
  rl?: z.input<typeof RlConfig>;
}

/** One RL step's figures: everything metrics.jsonl records for the step. */
export interface RlProgress {
  step: number;
  totalSteps: number;
  loss: number;
  rewardMean: number;
  rewardStd: number;
  zeroVarianceFraction: number;
  kl: number;
  /** The offset policy's share of kl. */
  klOffset: number;
  clipFraction: number;
  entropyCountry: number;
  entropyAdmin1: number;
  entropyPlace: number;
  lr: number;
  imgsPerSec: number;
  chainsPerSec: number;
}

export interface RlResult {
  runDir: string;
  steps: number;
  totalSteps: number;
  seconds: number;
  chainsPerSec: number;
  finished: boolean;
  /** Validation of the latest weights, and the best one (step and report). */
  val: EvalReport | null;
  best: { step: number; geoScore: number } | null;
  backend: BackendInfo;
}

interface RlState extends ClockedState {
  best: { step: number; geoScore: number } | null;
}

export class RlDivergedError extends Error {
  override name = "RlDivergedError";
}

/** Reward of each sampled chain: distance part plus the optional consistency bonus. */
export function chainRewards(
  coords: Float64Array,
  tokens: Int32Array,
  truth: Array<{ lat: number; lon: number }>,
  G: number,
  reward: RewardSpec,
  countryIso2: (token: number) => string,
  cor: Pick<ChainOfRegion, "countryOf"> | null,
): { rewards: Float32Array; km: Float64Array } {
  const n = coords.length / 2;
  const rewards = new Float32Array(n);
  const km = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = truth[Math.floor(i / G)];
    km[i] = haversineKmUnchecked(coords[2 * i], coords[2 * i + 1], t.lat, t.lon);
    let r = reward.distance(km[i]);
    if (reward.consistency > 0 && cor) {
      // The predicted point lies inside the predicted country: the chain agrees with itself.
      if (cor.countryOf(coords[2 * i], coords[2 * i + 1]) === countryIso2(tokens[3 * i])) r += reward.consistency;
    }
    rewards[i] = r;
  }
  return { rewards, km };
}

export async function trainRl(opts: RlOptions): Promise<RlResult> {
  const log = opts.log ?? (() => {});
  const backend = await selectBackend({ backend: opts.backend ?? "auto" });
  const fromDir = path.resolve(opts.from);
  if (!existsSync(path.join(fromDir, "run.json")) || !checkpointExists(path.join(fromDir, "checkpoint"))) {
    throw new Error(`no SFT run with a checkpoint at ${fromDir} (train one with \`geor train sft\`)`);
  }
  const sft = readRunRecord<{ dataset: { dir: string }; model: { head: string } }>(fromDir);
  if (sft.model.head !== "chain") {
    throw new Error(`RL needs a chain-head run; ${fromDir} was trained with head "${sft.model.head}"`);
  }
  const run = openRunDir(opts.out, opts.resume);
  const refDir = path.join(run.dir, "reference");
  const bestDir = path.join(run.dir, "best");
  const ds = Dataset.open(opts.dataset ?? sft.dataset.dir);

  let cfg: RlConfig;
  let state: RlState;
  const optimizer = tf.train.adam(1e-4);
  let policy: GeoModel;
  if (run.resuming) {
    cfg = readRunRlConfig(run.dir);
    const loaded = loadModel(run.checkpoint);
    policy = loaded.model;
    state = await resumeState<RlState>(run, loaded, optimizer, log);
  } else {
    assertKnownKeys(opts.rl ?? {}, RlConfig, "rl");
    cfg = RlConfig.parse(opts.rl ?? {});
    // Created only once the config is valid: a refused config leaves no empty run.
    mkdirSync(run.dir, { recursive: true });
    rmSync(refDir, { recursive: true, force: true });
    cpSync(path.join(fromDir, "checkpoint"), refDir, { recursive: true });
    policy = loadModel(refDir).model;
    state = { step: 0, totalSteps: cfg.steps ?? Number.POSITIVE_INFINITY, elapsedMs: 0, best: null };
    writeRunRecord(run, {
      kind: "rl",
      from: fromDir,
      dataset: datasetRecord(ds),
      model: policy.config,
      rl: cfg,
      backend,
      parameters: policy.parameterCount,
    });
  }
  const reference = loadModel(refDir).model;
  const reward = parseReward(cfg.reward);
  const cor = await loadChainOfRegion();
  const { input, backbone } = await datasetInput(policy.config, ds);
  backbone?.dispose();
  const train = trainIndices(ds, readRunTrainConfig(fromDir).holdoutFraction, cfg.data);
  const hasVal = ds.indicesOf("val").length > 0;
  const G = cfg.group;
  const B = Math.min(cfg.imagesPerStep, train.length);
  const sigma = cfg.offsetSigmaKm / 100;
  const stepsPerEpoch = Math.floor(train.length / B);
  const countryIso2 = (token: number) => policy.vocab.countries[token].iso2;

  let val: EvalReport | null = null;
  const validate = async () => {
    if (!hasVal) return;
    const report = summarizePredictions(predictSplit(policy, ds, cor, { split: "val", limit: cfg.valLimit, input }));
    val = report;
    appendMetrics(run.metrics, { type: "val", step: state.step, val: { ...report.metrics, levels: report.levels } });
    const improved = state.best === null || report.metrics.geoScore > state.best.geoScore;
    if (improved) {
      state.best = { step: state.step, geoScore: report.metrics.geoScore };
      await saveCheckpoint(bestDir, policy, null, state.step, { best: state.best });
    }
    log(
      `step ${state.step}: val median ${report.metrics.medianKm.toFixed(0)} km, GeoScore ${report.metrics.geoScore.toFixed(0)}, acc@750 ${(report.metrics.acc[750] * 100).toFixed(1)}%${improved ? " (best)" : ""}`,
    );
  };
  const checkpoint = checkpointer(run.checkpoint, policy, optimizer, state, opts.onCheckpoint);
  if (!run.resuming) await validate();

  try {
    return await rlLoop();
  } finally {
    policy.dispose();
    reference.dispose();
    optimizer.dispose();
    ds.close();
  }

  async function rlLoop(): Promise<RlResult> {
    const loop = new RunLoop(state, {
      minutes: cfg.minutes,
      budgetClock: cfg.budgetClock,
      reserve: 0.15,
      // A time budget without a step count: the schedule length follows the measured speed.
      budgetDriven: cfg.minutes !== undefined && cfg.steps === undefined,
      stopAfterSteps: opts.stopAfterSteps,
      signal: opts.signal,
      log,
    });
    const order = new EpochOrder(train, B, stepsPerEpoch, cfg.seed, "rl-epoch");
    while (loop.running()) {
      const { indices: batchIdx } = order.batch(state.step);
      const rand = mulberry32(hash32(`rl-step:${state.step}`, cfg.seed));
      const x = tf.keep(input(policy, batchIdx));
      let stats: Record<string, number>;
      try {
        const s = sampleChains(policy, x, G, cfg.temperature, rand, { offsetSigma: sigma });
        if (!s.logProbs.every(Number.isFinite) || !s.offsets.every(Number.isFinite)) {
          throw new RlDivergedError(
            `RL diverged at step ${state.step}: the policy gives non-finite probabilities or offsets; the last good checkpoint is ${run.checkpoint}`,
          );
        }
        const truth = Array.from(batchIdx, (i) => ds.samples[i]);
        const { rewards, km } = chainRewards(s.coords, s.tokens, truth, G, reward, countryIso2, cor);
        const adv = groupAdvantages(rewards, G);
        // The spread of exactly this batch's rewards: a population std.
        const r = meanStd(rewards, "population");
        const lr = learningRate(state.step, Number.isFinite(state.totalSteps) ? state.totalSteps : 1000, cfg);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const update = grpoUpdate(policy, reference, optimizer, x, s, adv, G, { ...cfg, offsetSigma: sigma });
        if (!update.finite) {
          throw new RlDivergedError(
            `RL diverged at step ${state.step} (loss ${update.loss}, gradient norm ${update.gradNorm}); the weights were not updated and the last good checkpoint is ${run.checkpoint}`,
          );
        }
        stats = {
          rewardMean: r.mean,
          rewardStd: r.std,
          zeroVarianceFraction: adv.zeroVarianceFraction,
          sampledMedianKm: Float64Array.from(km).sort()[Math.floor(km.length / 2)],
          lr,
          loss: update.loss,
          kl: update.kl,
          klOffset: update.klOffset,
          clipFraction: update.clipFraction,
          gradNorm: update.gradNorm,
          entropyCountry: update.entropy[0],
          entropyAdmin1: update.entropy[1],
          entropyPlace: update.entropy[2],
        };
      } finally {
        x.dispose();
      }
      state.step++;
      loop.clock.stepDone(batchIdx.length);
      const imgsPerSec = loop.clock.imgsPerSec;
      const chainsPerSec = imgsPerSec * G;
      appendMetrics(run.metrics, {
        type: "step",
        step: state.step,
        ...stats,
        imgsPerSec: Math.round(imgsPerSec),
        chainsPerSec: Math.round(chainsPerSec),
      });
      opts.onProgress?.({
        ...(stats as Omit<RlProgress, "step" | "totalSteps" | "imgsPerSec" | "chainsPerSec">),
        step: state.step,
        totalSteps: state.totalSteps,
        imgsPerSec,
        chainsPerSec,
      });
      if (state.step % cfg.evalEvery === 0) await validate();
      if (state.step % cfg.checkpointEvery === 0) await checkpoint();
    }
    const finished = await loop.finish(cfg.evalEvery, validate, checkpoint);
    const seconds = loop.clock.seconds();
    return {
      runDir: run.dir,
      steps: state.step,
      totalSteps: state.totalSteps,
      seconds,
      chainsPerSec: (state.step * B * G) / Math.max(seconds, 1e-9),
      finished,
      val,
      best: state.best,
      backend,
    };
  }
}
