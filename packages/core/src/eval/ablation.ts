/**
 * `geor ablate`: the method's comparisons on one dataset, each arm with the same compute
 * budget, over several seeds.
 *
 *   heads    regress vs flat vs chain (CoR), SFT only, `sftMinutes` each;
 *   rl       CoR SFT + RL vs the same SFT checkpoint continued with SFT for the same time
 *            (the fair control: both get `rlMinutes` more from the same weights);
 *   rewards  RL with each reward variant;
 *   groups   RL with G ∈ groups at the same number of sampled chains per step.
 *
 * Every arm's run lives in <out>/runs/<arm>-s<seed>; an arm whose evaluation exists is not
 * run again, so an interrupted ablation continues where it stopped.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AccuracyAtThresholds } from "@geor/geo";
import { z } from "zod";
import type { Split } from "../data/format.ts";
import { ModelConfig } from "../model/config.ts";
import { TrainConfig } from "../train/config.ts";
import { RlConfig } from "../train/rl/config.ts";
import { trainRl } from "../train/rl/rl.ts";
import { trainSft } from "../train/sft.ts";
import { measureStepCosts, type StepCosts } from "../train/step-cost.ts";
import { assertKnownKeys } from "../util/errors.ts";
import { ablationMarkdown } from "./ablation-report.ts";
import { decisionTag, parseDecision } from "./evaluate.ts";
import { evalFile, evaluateRun, type RunEvalResult } from "./run-eval.ts";

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
  levels: { country: number; admin1: number; city: number };
  /** Wall time of the arm's own training (the shared SFT start not included for RL/continued arms). */
  wallSeconds: number;
  /** Optimizer steps of the arm's own run (null if its metrics.jsonl is gone). */
  steps: number | null;
  run: string;
}

export interface AblationProgress {
  arm: string;
  seed: number;
  /** Arms finished so far / planned. */
  done: number;
  total: number;
  phase: "train" | "eval" | "cached";
  /** While an arm trains: its step and planned steps (Infinity until a time budget fixes them). */
  step?: number;
  totalSteps?: number;
}

type StepProgress = (p: { step: number; totalSteps: number }) => void;

interface Arm {
  name: string;
  section: Section;
  head: string;
  stage: AblationRow["stage"];
  reward: string | null;
  group: number | null;
  /** Reuse the run of this arm (same configuration) instead of training again. */
  alias?: string;
  /** Trains the arm's run into `dir` (from the seed's CoR SFT run `sftDir` when it needs it). */
  train: (dir: string, seed: number, sftDir: string, onProgress: StepProgress) => Promise<unknown>;
}

/** SFT steps of each head under budgetClock "steps": the chain's `sftSteps`, the others' by cost. */
export function stepBudgets(cfg: AblationConfig, relative: Record<string, number>): Record<string, number> {
  const steps = cfg.sftSteps as number;
  return Object.fromEntries(
    ["chain", ...cfg.heads].map((h) => [h, Math.max(1, Math.round((steps * (relative.chain ?? 1)) / relative[h]))]),
  );
}

function plan(cfg: AblationConfig, ds: string, log: (l: string) => void, steps: Record<string, number> | null): Arm[] {
  const arms: Arm[] = [];
  // What the arms started from the CoR SFT run learn from.
  const later = cfg.holdoutFraction > 0 ? ("holdout" as const) : ("train" as const);
  // The clock of the minute budgets ("steps" budgets are given as steps, heads only).
  const timeClock = cfg.budgetClock === "wall" ? ("wall" as const) : ("cpu" as const);
  const sft = (head: string) => async (dir: string, seed: number, _from: string, onProgress: StepProgress) =>
    trainSft({
      dataset: ds,
      out: dir,
      model: { ...cfg.model, head: head as "chain" },
      train: {
        ...cfg.train,
        ...(steps ? { steps: steps[head] } : { minutes: cfg.sftMinutes, budgetClock: timeClock }),
        seed,
        holdoutFraction: cfg.holdoutFraction,
      },
      log,
      onProgress,
    });
  const rl =
    (reward: string, group: number, imagesPerStep?: number) =>
    async (dir: string, seed: number, from: string, onProgress: StepProgress) =>
      trainRl({
        from,
        out: dir,
        rl: {
          ...cfg.rl,
          reward,
          group,
          ...(imagesPerStep ? { imagesPerStep } : {}),
          minutes: cfg.rlMinutes,
          seed,
          data: later,
        },
        log,
        onProgress,
      });
  const sectionOf = new Set(cfg.sections);
  // The CoR SFT run is the start of every RL arm, so it is always planned first.
  arms.push({
    name: "sft-chain",
    section: "heads",
    head: "chain",
    stage: "sft",
    reward: null,
    group: null,
    train: sft("chain"),
  });
  if (sectionOf.has("heads")) {
    for (const head of cfg.heads) {
      arms.push({
        name: `sft-${head}`,
        section: "heads",
        head,
        stage: "sft",
        reward: null,
        group: null,
        train: sft(head),
      });
    }
  }
  const baseReward = RlConfig.parse({ ...cfg.rl }).reward;
  const baseGroup = RlConfig.parse({ ...cfg.rl }).group;
  if (sectionOf.has("rl")) {
    arms.push({
      name: "sft-continued",
      section: "rl",
      head: "chain",
      stage: "sft+sft",
      reward: null,
      group: null,
      train: (dir, seed, from, onProgress) =>
        trainSft({
          dataset: ds,
          out: dir,
          init: path.join(from, "checkpoint"),
          train: {
            ...cfg.train,
            minutes: cfg.rlMinutes,
            budgetClock: timeClock,
            seed,
            lr: cfg.continueLr,
            warmupSteps: 10,
            holdoutFraction: cfg.holdoutFraction,
            data: later,
          },
          log,
          onProgress,
        }),
    });
    arms.push({
      name: `rl-${baseReward}`,
      section: "rl",
      head: "chain",
      stage: "sft+rl",
      reward: baseReward,
      group: baseGroup,
      train: rl(baseReward, baseGroup),
    });
  }
  if (sectionOf.has("rewards")) {
    for (const reward of cfg.rewards) {
      if (sectionOf.has("rl") && reward === baseReward) continue;
      arms.push({
        name: `rl-${reward}`,
        section: "rewards",
        head: "chain",
        stage: "sft+rl",
        reward,
        group: baseGroup,
        train: rl(reward, baseGroup),
      });
    }
  }
  if (sectionOf.has("groups")) {
    const baseImages = RlConfig.parse({ ...cfg.rl }).imagesPerStep;
    for (const G of cfg.groups) {
      const images = Math.max(1, Math.round(cfg.chainsPerStep / G));
      const same = sectionOf.has("rl") && G === baseGroup && images === baseImages;
      arms.push({
        ...(same ? { alias: `rl-${baseReward}` } : {}),
        name: `rl-G${G}`,
        section: "groups",
        head: "chain",
        stage: "sft+rl",
        reward: baseReward,
        group: G,
        train: rl(baseReward, G, images),
      });
    }
  }
  return arms;
}

/** The steps a run trained: its metrics.jsonl has one "step" line per step (resumes trimmed). */
function trainedSteps(run: string): number | null {
  const file = path.join(run, "metrics.jsonl");
  if (!existsSync(file)) return null;
  // A line cut short by a kill is not a step.
  const isStep = (l: string) => {
    try {
      return (JSON.parse(l) as { type?: string }).type === "step";
    } catch {
      return false;
    }
  };
  return readFileSync(file, "utf8").split("\n").filter(isStep).length;
}

function rowOf(arm: Arm, seed: number, ev: RunEvalResult, wallSeconds: number, run: string): AblationRow {
  const { medianKm, meanKm, geoScore, acc } = ev.metrics;
  return {
    arm: arm.name,
    section: arm.section,
    seed,
    head: arm.head,
    stage: arm.stage,
    reward: arm.reward,
    group: arm.group,
    metrics: { medianKm, meanKm, geoScore, acc },
    levels: ev.levels,
    wallSeconds,
    steps: trainedSteps(run),
    run,
  };
}

export interface AblationResult {
  rows: AblationRow[];
  files: { json: string; markdown: string };
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

/**
 * The heads' relative step costs of a "steps" ablation: given in the config, kept from an
 * earlier start of this ablation, or measured now (and kept, so every seed, resume and re-score
 * uses the same exchange rate).
 */
async function stepCosts(
  cfg: AblationConfig,
  outDir: string,
  log: (l: string) => void,
): Promise<Record<string, number>> {
  if (cfg.stepCost) return cfg.stepCost;
  const file = path.join(outDir, "step-cost.json");
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as StepCosts;
    // Kept while it prices every head at this batch size (the runs already trained used it).
    const batchSize = TrainConfig.parse({ ...cfg.train, epochs: 1, steps: undefined, minutes: undefined }).batchSize;
    if (kept.batchSize === batchSize && ["chain", ...cfg.heads].every((h) => kept.relative[h] > 0)) {
      return kept.relative;
    }
  }
  log("ablation: measuring each head's SFT step cost");
  const measured = await measureStepCosts({
    dataset: cfg.dataset,
    heads: cfg.heads,
    model: cfg.model,
    train: { ...cfg.train, holdoutFraction: cfg.holdoutFraction },
    log,
  });
  writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
  return measured.relative;
}

/** Runs (or continues) an ablation into `out`; writes ablation.json and ablation.md after every arm. */
export async function runAblation(
  input: z.input<typeof AblationConfig>,
  out: string,
  opts: { log?: (line: string) => void; onProgress?: (p: AblationProgress) => void } = {},
): Promise<AblationResult> {
  const cfg = validateAblationConfig(input);
  const log = opts.log ?? (() => {});
  const outDir = path.resolve(out);
  mkdirSync(path.join(outDir, "runs"), { recursive: true });
  const decision = cfg.decision !== undefined ? parseDecision(cfg.decision) : undefined;
  const tag = decision !== undefined ? decisionTag(decision) : undefined;
  const named = (base: string, ext: string) => path.join(outDir, `${base}${tag ? `-${tag}` : ""}.${ext}`);
  writeFileSync(named("ablation-config", "json"), `${JSON.stringify(cfg, null, 2)}\n`);
  const files = { json: named("ablation", "json"), markdown: named("ablation", "md") };
  const relative = cfg.budgetClock === "steps" ? await stepCosts(cfg, outDir, log) : null;
  const stepBudget = relative ? { relative, steps: stepBudgets(cfg, relative) } : null;
  const arms = plan(cfg, cfg.dataset, log, stepBudget?.steps ?? null);
  const total = arms.length * cfg.seeds.length;
  const rows: AblationRow[] = [];
  let done = 0;
  for (const seed of cfg.seeds) {
    const sftDir = path.join(outDir, "runs", `sft-chain-s${seed}`);
    for (const arm of arms) {
      const dir = path.join(outDir, "runs", `${arm.alias ?? arm.name}-s${seed}`);
      const reportFile = evalFile(dir, "eval", cfg.split as Split, tag);
      const timeFile = path.join(dir, "ablation-wall.json");
      let ev: RunEvalResult;
      let wall: number;
      if (existsSync(reportFile) && existsSync(timeFile)) {
        opts.onProgress?.({ arm: arm.name, seed, done, total, phase: "cached" });
        ev = JSON.parse(readFileSync(reportFile, "utf8")) as RunEvalResult;
        wall = (JSON.parse(readFileSync(timeFile, "utf8")) as { seconds: number }).seconds;
      } else {
        if (existsSync(timeFile)) {
          // Trained and scored before (the wall file is written after an arm's first evaluation),
          // not yet under this rule.
          wall = (JSON.parse(readFileSync(timeFile, "utf8")) as { seconds: number }).seconds;
        } else {
          // An arm interrupted mid-training starts over: arms are short, and a clean run keeps
          // the budget equal across arms.
          rmSync(dir, { recursive: true, force: true });
          opts.onProgress?.({ arm: arm.name, seed, done, total, phase: "train" });
          log(`ablation: ${arm.name} seed ${seed}`);
          const t0 = performance.now();
          await arm.train(dir, seed, sftDir, ({ step, totalSteps }) => {
            // About 200 reports an arm (every 25 steps while a time budget has not fixed the length).
            const every = Number.isFinite(totalSteps) ? Math.max(1, Math.ceil(totalSteps / 200)) : 25;
            if (step % every === 0 || step === totalSteps) {
              opts.onProgress?.({ arm: arm.name, seed, done, total, phase: "train", step, totalSteps });
            }
          });
          wall = (performance.now() - t0) / 1000;
        }
        opts.onProgress?.({ arm: arm.name, seed, done, total, phase: "eval" });
        const { predictions: _p, ...report } = await evaluateRun({
          runDir: dir,
          split: cfg.split as Split,
          limit: cfg.evalLimit,
          decision,
          tag,
        });
        ev = report;
        writeFileSync(timeFile, `${JSON.stringify({ seconds: wall })}\n`);
      }
      rows.push(rowOf(arm, seed, ev, wall, dir));
      done++;
      writeFileSync(files.json, `${JSON.stringify(rows, null, 2)}\n`);
      writeFileSync(files.markdown, ablationMarkdown(rows, cfg, stepBudget));
    }
  }
  return { rows, files };
}
