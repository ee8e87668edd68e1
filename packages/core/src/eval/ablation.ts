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
 *
 * This file is the loop; the config and its validation are in ablation-config.ts, the arms in
 * ablation-plan.ts, the report in ablation-report.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import type { Split } from "../data/format.ts";
import { TrainConfig } from "../train/config.ts";
import { measureStepCosts, type StepCosts } from "../train/step-cost.ts";
import {
  type AblationConfig,
  type AblationResult,
  type AblationRow,
  headStepBudgets,
  validateAblationConfig,
} from "./ablation-config.ts";
import { type Arm, planArms } from "./ablation-plan.ts";
import { ablationMarkdown } from "./ablation-report.ts";
import { decisionTag, parseDecision } from "./decision.ts";
import { withStoredLevels } from "./legacy-levels.ts";
import { evalFile, evaluateRun, type RunEvalResult } from "./run-eval.ts";

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
  const stepBudget = relative ? headStepBudgets(cfg, relative) : null;
  const arms = planArms(cfg, cfg.dataset, log, stepBudget?.steps ?? null);
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
        ev = withStoredLevels(JSON.parse(readFileSync(reportFile, "utf8"))) as RunEvalResult;
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
