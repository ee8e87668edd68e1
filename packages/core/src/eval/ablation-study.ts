/**
 * An ablation's design as a study (`geor ablate … --submit URL`): the heads section under a
 * "steps" budget maps one to one — one arm per head (the CoR chain first, the control), the
 * ablation's seeds, `budget: { sftSteps, stepCost }` priced by the same `stepsAtChainCost`, and
 * every arm's model / train settings and evaluation split as the local run gives them. What a
 * study cannot express is refused with the reason, never approximated:
 * - the rl, rewards and groups sections: their arms continue one shared CoR SFT run and budget RL
 *   in minutes, where a study's runs are independent experiments budgeted in steps;
 * - a "cpu" or "wall" budget clock: a time budget buys a run more or fewer steps depending on the
 *   worker that takes it;
 * - a "steps" budget without `stepCost`: the local ablation measures it when it starts, the API
 *   trains nothing and cannot;
 * - `decision` (re-scoring trained arms) and a hold-out fraction (only RL arms use the held-out part).
 */
import type { z } from "zod";
import type { StudyBudget } from "../study-config.ts";
import { AblationConfig, validateAblationConfig } from "./ablation-config.ts";

/** `createStudy`'s input (apps/api's CreateStudyInput). */
export interface StudySubmission {
  name: string;
  dataset: string;
  arms: Array<{ name: string; config: Record<string, unknown> }>;
  seeds: number[];
  control: string;
  budget: StudyBudget;
  tags: string[];
}

export class AblationNotAStudyError extends Error {
  override name = "AblationNotAStudyError";
}

/** A default study name: `heads-<dataset>-<UTC yyyymmdd-hhmmss>`, within the API's 58 characters. */
export function defaultStudyName(dataset: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace("T", "-")
    .replace(/\.\d+Z$/, "");
  const safe = dataset.replace(/[^\p{L}\p{N}._-]/gu, "-").slice(0, 58 - "heads--".length - stamp.length);
  return `heads-${safe}-${stamp}`;
}

/**
 * The study that runs the ablation `input`, or an AblationNotAStudyError saying what a study
 * cannot express (checked before the rest of the ablation's rules, whose advice is about running
 * it here), or the ablation's own validation error.
 */
export function ablationAsStudy(input: z.input<typeof AblationConfig>, name: string): StudySubmission {
  const cfg = AblationConfig.parse(input);
  const others = cfg.sections.filter((s) => s !== "heads");
  if (others.length > 0) {
    throw new AblationNotAStudyError(
      `the ${others.join(", ")} section(s) cannot be a study: their arms continue one shared CoR SFT run and budget RL in minutes, where a study's runs are independent experiments budgeted in steps; submit --sections heads`,
    );
  }
  if (cfg.budgetClock !== "steps") {
    throw new AblationNotAStudyError(
      `a study budgets steps, not time (this ablation's clock is "${cfg.budgetClock}": a run's minutes buy more or fewer steps on each worker); use --budget-clock steps --sft-steps N`,
    );
  }
  if (!cfg.stepCost) {
    throw new AblationNotAStudyError(
      'a study needs the heads\' step costs: a local ablation measures them when it starts, the API trains nothing and cannot; give "stepCost" in --config (e.g. the step-cost.json of an earlier ablation: { "chain": 1, "flat": 0.95 })',
    );
  }
  if (cfg.decision !== undefined) {
    throw new AblationNotAStudyError(
      `--decision re-scores trained arms of a local ablation; a study's runs are scored with each head's default rule (leave out decision "${cfg.decision}")`,
    );
  }
  if (cfg.holdoutFraction > 0) {
    throw new AblationNotAStudyError(
      `holdoutFraction ${cfg.holdoutFraction} keeps data for the RL arms, which a study cannot run; leave it out with --sections heads`,
    );
  }
  validateAblationConfig(input);
  const heads = ["chain", ...cfg.heads];
  // What the ablation sets per run itself (steps from the budget, the seed) is the study's too.
  const { steps: _steps, seed: _seed, holdoutFraction: _holdout, ...train } = cfg.train;
  const evalSection = { split: cfg.split, ...(cfg.evalLimit !== undefined ? { limit: cfg.evalLimit } : {}) };
  return {
    name,
    dataset: cfg.dataset,
    arms: heads.map((head) => ({
      name: head,
      config: { model: { ...cfg.model, head }, train, eval: evalSection },
    })),
    seeds: [...cfg.seeds],
    control: "chain",
    budget: {
      sftSteps: cfg.sftSteps as number,
      stepCost: Object.fromEntries(heads.map((h) => [h, (cfg.stepCost as Record<string, number>)[h]])),
    },
    tags: ["ablation", "heads"],
  };
}
