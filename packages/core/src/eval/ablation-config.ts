/**
 * The ablation's config (`AblationConfig`, `geor ablate --config`), its validation, the step
 * budgets of a "steps" ablation and the rows it writes. Loads no trainer, so that a config can be
 * checked (e.g. by `geor ablate merge`) without the training code.
 */
import type { AccuracyAtThresholds, LevelAccuracy } from "@geor/geo";
import { z } from "zod";
import { ModelConfig } from "../model/config.ts";
import { TrainConfig } from "../train/config.ts";
import { RlConfig } from "../train/rl/config.ts";
import { assertKnownKeys } from "../util/errors.ts";
import { parseDecision } from "./decision.ts";

export const SECTIONS = ["heads", "rl", "rewards", "groups"] as const;
export type Section = (typeof SECTIONS)[number];

export const AblationConfig = z.object({
  dataset: z.string().min(1),
  seeds: z.array(z.number().int().min(0)).min(1).default([0, 1, 2]),
  sections: z
    .array(z.enum(SECTIONS))
    .min(1)
    .default([...SECTIONS]),
  /** The baseline heads of the heads section (the CoR chain is always run: every RL arm starts from it). */
  heads: z.array(z.enum(["flat", "regress"])).default(["flat", "regress"]),
  /** SFT budget of each head. */
  sftMinutes: z.number().positive().default(10),
  /** Extra budget of every arm that starts from the CoR SFT checkpoint (RL or continued SFT). */
  rlMinutes: z.number().positive().default(4),
  /**
   * Fraction of the train split the SFT runs leave out; > 0 makes every arm that starts from
   * the CoR SFT run (RL and continued SFT) learn from that held-out part only.
   */
  holdoutFraction: z.number().min(0).max(0.9).default(0),
  /**
   * The clock of the budgets: CPU time by default, so that every arm gets the same compute even
   * when other work shares the machine (wall-clock budgets shrink under load).
   */
  budgetClock: z.enum(["wall", "cpu", "steps"]).default("cpu"),
  /**
   * With budgetClock "steps" (heads section only): the SFT steps of the CoR chain; every other
   * head gets the number of steps that costs the same compute, by `stepCost`. Exact and
   * repeatable, where a time budget gives a run more or fewer steps with the machine's load.
   */
  sftSteps: z.number().int().positive().optional(),
  /**
   * Each head's SFT step cost relative to the chain's (chain 1); unset, measured side by side
   * in one process when the ablation starts and kept in <out>/step-cost.json for every later
   * seed, resume and re-score (see train/step-cost.ts).
   */
  stepCost: z.record(z.string(), z.number().positive()).optional(),
  /** Learning rate of the continued-SFT control (a fine-tuning rate, like RL's). */
  continueLr: z.number().positive().default(2e-4),
  rewards: z
    .array(z.string())
    .min(1)
    .default(["geor", "exp:250", "exp:1000", "geoscore", "tiered", "geor+consistency:0.2"]),
  groups: z.array(z.number().int().min(2)).min(1).default([4, 8, 16]),
  /** Chains per RL step in the group arms: images per step = chainsPerStep / G. */
  chainsPerStep: z.number().int().min(4).default(128),
  split: z.enum(["val", "test"]).default("test"),
  /**
   * Decision rule of every arm's evaluation (see `geor eval --decision`); unset, each head its
   * default. Set, the reports are ablation-<rule>.json/.md and trained arms are only re-evaluated,
   * so one set of runs can be scored under several rules.
   */
  decision: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parseDecision(v);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
      }
    }),
  evalLimit: z.number().int().positive().optional(),
  /** Model settings for every arm (the head is set per arm); validated as a ModelConfig. */
  model: z.record(z.string(), z.unknown()).default({}),
  /**
   * SFT settings for every SFT arm (budget, clock, seed and hold-out are set by the ablation);
   * validated as a TrainConfig.
   */
  train: z.record(z.string(), z.unknown()).default({}),
  /** RL settings for every RL arm (reward, group and budget are set per arm); validated as an RlConfig. */
  rl: z.record(z.string(), z.unknown()).default({}),
});
export type AblationConfig = z.infer<typeof AblationConfig>;

/** One row of ablation.json. */
export interface AblationRow {
  arm: string;
  section: Section;
  seed: number;
  head: string;
  stage: "sft" | "sft+sft" | "sft+rl";
  reward: string | null;
  group: number | null;
  metrics: { medianKm: number; meanKm: number; geoScore: number; acc: AccuracyAtThresholds };
  levels: LevelAccuracy;
  /** Wall time of the arm's own training (the shared SFT start not included for RL/continued arms). */
  wallSeconds: number;
  /** Optimizer steps of the arm's own run (null if its metrics.jsonl is gone). */
  steps: number | null;
  run: string;
}

export interface AblationResult {
  rows: AblationRow[];
  files: { json: string; markdown: string };
}

/** A "steps" ablation's exchange rate: each head's step cost relative to the chain's, and its steps. */
export interface HeadStepBudgets {
  relative: Record<string, number>;
  steps: Record<string, number>;
}

/**
 * The SFT steps of `head` that cost what `chainSteps` steps of the CoR chain cost, at the exchange
 * rate `relative` (each head's step cost relative to the chain's, which is 1 unless given): the
 * one pricing of "equal compute" for ablations and studies.
 */
export function stepsAtChainCost(chainSteps: number, head: string, relative: Record<string, number>): number {
  return Math.max(1, Math.round((chainSteps * (relative.chain ?? 1)) / relative[head]));
}

/** SFT steps of each head under budgetClock "steps": the chain's `sftSteps`, the others' by cost. */
export function stepBudgets(cfg: AblationConfig, relative: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    ["chain", ...cfg.heads].map((h) => [h, stepsAtChainCost(cfg.sftSteps as number, h, relative)]),
  );
}

/** The step budgets of the heads at the exchange rate `relative`. */
export function headStepBudgets(cfg: AblationConfig, relative: Record<string, number>): HeadStepBudgets {
  return { relative, steps: stepBudgets(cfg, relative) };
}

/**
 * The resolved config, or a clear error: every arm's configs must parse, with no unknown field,
 * so a mistake fails before hours of training (or before a dataset is built), not after.
 */
export function validateAblationConfig(input: z.input<typeof AblationConfig>): AblationConfig {
  const cfg = AblationConfig.parse(input);
  assertKnownKeys(cfg.model, ModelConfig, "model");
  assertKnownKeys(cfg.train, TrainConfig, "train");
  assertKnownKeys(cfg.rl, RlConfig, "rl");
  ModelConfig.parse(cfg.model);
  if (cfg.budgetClock === "steps") {
    if (cfg.sftSteps === undefined) throw new Error('budgetClock "steps" needs sftSteps (the CoR chain\'s SFT steps)');
    const others = cfg.sections.filter((sec) => sec !== "heads");
    if (others.length > 0) {
      throw new Error(
        `budgetClock "steps" covers the heads section only (RL steps and SFT steps cost differently); run ${others.join(", ")} with a "cpu" or "wall" clock`,
      );
    }
    const missing = ["chain", ...cfg.heads].filter((h) => cfg.stepCost && !(cfg.stepCost[h] > 0));
    if (cfg.stepCost && missing.length > 0) throw new Error(`stepCost lacks the head(s) ${missing.join(", ")}`);
    TrainConfig.parse({ ...cfg.train, steps: cfg.sftSteps });
  } else {
    const stray = (["sftSteps", "stepCost"] as const).filter((k) => cfg[k] !== undefined);
    if (stray.length > 0) {
      throw new Error(
        `${stray.join(" and ")} only apply with budgetClock "steps" (this ablation's clock is "${cfg.budgetClock}")`,
      );
    }
    TrainConfig.parse({ ...cfg.train, minutes: cfg.sftMinutes });
  }
  for (const reward of cfg.rewards) RlConfig.parse({ ...cfg.rl, reward });
  return cfg;
}
