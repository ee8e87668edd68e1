/**
 * The configs a run.json holds, read back for a resume or a later stage. Runs written by older
 * versions lack the fields added since; they are filled here, in one place, with what those
 * runs did (as loadModel does for the model config of older checkpoints).
 */
import type { z } from "zod";
import { TrainConfig } from "./config.ts";
import { RlConfig } from "./rl/config.ts";
import { readRunRecord } from "./run-dir.ts";

/**
 * The SFT config of the run in `runDir`. Runs from before label smoothing trained on one-hot
 * targets; for the other later fields (holdoutFraction, data, budgetClock, threads, lossWeights)
 * the schema's default is what older runs did: no held-out part, wall clock, one thread, every
 * loss part weighing 1. A run.json without a train config (not an SFT run) reads as the defaults.
 */
export function readRunTrainConfig(runDir: string): TrainConfig {
  const stored = readRunRecord<{ train?: z.input<typeof TrainConfig> }>(runDir).train;
  return TrainConfig.parse({ labelSmoothing: { epsilon: 0, km: 250 }, ...stored });
}

/**
 * The RL config of the run in `runDir`. Older runs lack budgetClock and data; the schema's
 * defaults (wall clock, the train split) are what they did.
 */
export function readRunRlConfig(runDir: string): RlConfig {
  return RlConfig.parse(readRunRecord<{ rl: z.input<typeof RlConfig> }>(runDir).rl);
}
