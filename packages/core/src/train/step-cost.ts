/**
 * The compute one SFT step costs each head, measured side by side in one process, so that a
 * comparison can give every head the same compute as a fixed number of steps.
 *
 * A time budget (wall or CPU minutes) is what "the same budget" means, but on a shared machine
 * it is not reproducible: 6 CPU-minutes gave the same head 838 to 1,165 steps depending on what
 * else ran. Step counts are exact and repeatable; what they need is the exchange rate between
 * heads, and a ratio of two costs measured in alternating rounds in one process sees the same
 * load on both sides, where two absolute speeds measured at different times do not.
 */
import * as tf from "@tensorflow/tfjs";
import type { z } from "zod";
import { type BackendName, selectBackend } from "../backend/select.ts";
import { Dataset } from "../data/store.ts";
import type { ModelConfig } from "../model/config.ts";
import { datasetInput } from "../model/inputs.ts";
import type { GeoModel } from "../model/network.ts";
import { hash32, mulberry32, seededPermutation } from "../util/random.ts";
import { augmentBatch } from "./augment.ts";
import { clockMs } from "./budget.ts";
import { TrainConfig } from "./config.ts";
import { newModel, sftStep, targetBuilder } from "./sft.ts";
import { trainIndices } from "./subsets.ts";

export interface StepCosts {
  /** CPU milliseconds per SFT step of each head (median over rounds). */
  msPerStep: Record<string, number>;
  /** Each head's cost relative to the chain's (chain = 1). */
  relative: Record<string, number>;
  batchSize: number;
  rounds: number;
  stepsPerRound: number;
  backend: string;
  measuredAt: string;
}

export interface StepCostOptions {
  dataset: string;
  /** Heads to measure; "chain" is always measured (the costs are relative to it). */
  heads: string[];
  model?: z.input<typeof ModelConfig>;
  train?: z.input<typeof TrainConfig>;
  rounds?: number;
  stepsPerRound?: number;
  backend?: BackendName | "auto";
  log?: (line: string) => void;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Trains a fresh model of each head on the dataset's real batches (same targets, smoothing,
 * augmentation and input as `geor train sft`), `stepsPerRound` steps per head per round, the
 * heads alternating (each round starting with the next head), after two warm-up steps each; a
 * head's cost is its median CPU time per step over the rounds.
 */
export async function measureStepCosts(opts: StepCostOptions): Promise<StepCosts> {
  const log = opts.log ?? (() => {});
  const rounds = opts.rounds ?? 5;
  const stepsPerRound = opts.stepsPerRound ?? 6;
  const backend = await selectBackend({ backend: opts.backend ?? "auto" });
  const ds = Dataset.open(opts.dataset);
  const cfg = TrainConfig.parse({ ...(opts.train ?? {}), epochs: 1, steps: undefined, minutes: undefined });
  const train = trainIndices(ds, cfg.holdoutFraction, cfg.data);
  const heads = ["chain", ...opts.heads.filter((h) => h !== "chain")];
  const order = seededPermutation(train.length, hash32("step-cost", cfg.seed));
  const warmup = 2;
  const batches = Array.from({ length: warmup + rounds * stepsPerRound }, (_, b) =>
    Uint32Array.from({ length: Math.min(cfg.batchSize, train.length) }, (_, j) => {
      const at = (b * cfg.batchSize + j) % train.length;
      return train[order[at]];
    }),
  );
  type ArmState = {
    head: string;
    model: GeoModel;
    optimizer: tf.Optimizer;
    step: (idx: Uint32Array, b: number) => void;
    rounds: number[];
  };
  const arms: ArmState[] = [];
  try {
    for (const head of heads) {
      const model = await newModel({ ...(opts.model ?? {}), head: head as "chain" }, cfg.seed, ds, train, log);
      const optimizer = tf.train.adam(cfg.lr);
      arms.push({ head, model, optimizer, step: () => {}, rounds: [] });
      const { input, backbone } = await datasetInput(model.config, ds);
      backbone?.dispose();
      const targets = targetBuilder(model, cfg, ds, train);
      // The same work as a training step: targets, augmentation, input, forward, backward, update.
      arms[arms.length - 1].step = (idx, b) => {
        const augment = (images: Uint8Array) =>
          augmentBatch(images, idx.length, ds.manifest.patch, cfg.augment, mulberry32(hash32(`step:${b}`, cfg.seed)));
        sftStep(
          model,
          optimizer,
          () => input(model, idx, augment),
          targets.build(Array.from(idx, (i) => ds.samples[i])),
        );
      };
    }
    for (const arm of arms) for (let b = 0; b < warmup; b++) arm.step(batches[b], b);
    for (let r = 0; r < rounds; r++) {
      // Each round starts with another head, so none is always first after a switch.
      for (let j = 0; j < arms.length; j++) {
        const arm = arms[(r + j) % arms.length];
        const t0 = clockMs("cpu");
        for (let s = 0; s < stepsPerRound; s++) {
          const b = warmup + r * stepsPerRound + s;
          arm.step(batches[b], b);
        }
        arm.rounds.push((clockMs("cpu") - t0) / stepsPerRound);
      }
    }
  } finally {
    for (const arm of arms) {
      arm.model.dispose();
      arm.optimizer.dispose();
    }
    ds.close();
  }
  const msPerStep = Object.fromEntries(arms.map((a) => [a.head, median(a.rounds)]));
  const relative = Object.fromEntries(heads.map((h) => [h, msPerStep[h] / msPerStep.chain]));
  log(
    `step cost (CPU ms per step, batch ${cfg.batchSize}): ${heads.map((h) => `${h} ${msPerStep[h].toFixed(0)} (${relative[h].toFixed(2)}×)`).join(", ")}`,
  );
  return {
    msPerStep,
    relative,
    batchSize: cfg.batchSize,
    rounds,
    stepsPerRound,
    backend: backend.name,
    measuredAt: new Date().toISOString(),
  };
}
