/**
 * A study's design — arms (each a name and an experiment config), seeds, the control arm and the
 * budget rule that gives every arm equal compute — checked as a whole before any of its runs
 * exists, and each run's config: its arm's, with the budget's SFT steps and the run's seed
 * applied. Pure and without I/O: the API validates a study with it, and a client can check a
 * design before sending it.
 *
 * The budget rule (docs/decisions.md, "Studies: every stage a fixed number of steps"):
 * - `budget: { sftSteps, stepCost? }`: the CoR chain trains `sftSteps` SFT steps and every other
 *   head the steps that cost the same compute at the exchange rate `stepCost` (each head's step
 *   cost relative to the chain's, as a "steps" ablation measures it: `stepsAtChainCost`); without
 *   `stepCost` every head costs the same (equal steps). The arms leave their SFT length unset.
 * - no budget: every arm states `train.steps` itself (e.g. priced by hand).
 * Either way no stage runs on a clock: a time budget buys a run more or fewer steps depending on
 * which worker takes it and what else runs there. The seeds are the study's: an arm sets no
 * `train.seed` or `rl.seed`.
 */
import { stepsAtChainCost } from "./eval/ablation-config.ts";
import { type ExperimentConfig, validateExperimentConfig } from "./experiment-config.ts";
import { HEADS, type HeadKind } from "./model/config.ts";

/** The most runs (arms × seeds) one study may hold, extensions included. */
export const MAX_STUDY_RUNS = 200;

export interface StudyBudget {
  /** SFT steps of the CoR chain. */
  sftSteps: number;
  /** Each head's SFT step cost relative to the chain's (chain 1); absent: every head costs the same. */
  stepCost?: Record<string, number> | null;
}

export interface StudyDesignInput {
  arms: ReadonlyArray<{ name: string; config?: unknown }>;
  seeds: readonly number[];
  /** The arm every other is compared with; default the first. */
  control?: string | null;
  budget?: StudyBudget | null;
}

/** An arm as the study keeps it: its config as given, its head and the SFT steps the budget gives it. */
export interface StudyArm {
  name: string;
  config: Record<string, unknown>;
  head: HeadKind;
  sftSteps: number;
}

export interface StudyDesign {
  arms: StudyArm[];
  seeds: number[];
  control: string;
  /** The budget with its exchange rate complete (every arm's head priced), or null: the arms state their steps. */
  budget: { sftSteps: number; stepCost: Record<string, number> } | null;
}

export interface StudyIssue {
  /** Where in the study's input: `arms[1].config.train.lr`, `seeds[2]`, `control`, `budget.stepCost.flat`. */
  field: string;
  message: string;
  /** The arm's name, when the field is inside an arm. */
  arm?: string;
}

/** An issue as a person reads it: `arms[1] "flat": config.train.lr: Too big …`. */
export function describeStudyIssue(i: StudyIssue): string {
  const m = /^(arms\[\d+\])\.(.+)$/.exec(i.field);
  return m && i.arm !== undefined ? `${m[1]} "${i.arm}": ${m[2]}: ${i.message}` : `${i.field}: ${i.message}`;
}

export class StudyValidationError extends Error {
  override name = "StudyValidationError";
  constructor(readonly issues: StudyIssue[]) {
    super(`invalid study: ${issues.map(describeStudyIssue).join("; ")}`);
  }
}

const ARM_NAME = /^[\p{L}\p{N}._-]{1,40}$/u;

type Section = Record<string, unknown>;
const isObject = (v: unknown): v is Section => typeof v === "object" && v !== null && !Array.isArray(v);

/** Problems with a list of seeds: empty, not integers ≥ 0, repeated, or (`taken`) already in the study. */
function seedIssues(seeds: readonly number[], taken: readonly number[] = []): StudyIssue[] {
  if (seeds.length === 0) return [{ field: "seeds", message: "give at least one seed" }];
  const issues: StudyIssue[] = [];
  seeds.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0) issues.push({ field: `seeds[${i}]`, message: `${s} is not an integer ≥ 0` });
    else if (seeds.indexOf(s) < i)
      issues.push({ field: `seeds[${i}]`, message: `seed ${s} appears twice (seeds[${seeds.indexOf(s)}])` });
    else if (taken.includes(s)) issues.push({ field: `seeds[${i}]`, message: `the study already has seed ${s}` });
  });
  return issues;
}

function runCountIssues(arms: number, seeds: number): StudyIssue[] {
  return arms * seeds > MAX_STUDY_RUNS
    ? [{ field: "seeds", message: `${arms} arms × ${seeds} seeds = ${arms * seeds} runs, more than ${MAX_STUDY_RUNS}` }]
    : [];
}

/** The budget's exchange rate with the chain at 1 unless given, or the issues with it. */
function exchangeRate(budget: StudyBudget, heads: HeadKind[]): { rate: Record<string, number>; issues: StudyIssue[] } {
  const issues: StudyIssue[] = [];
  if (!Number.isInteger(budget.sftSteps) || budget.sftSteps < 1)
    issues.push({ field: "budget.sftSteps", message: `${budget.sftSteps} is not an integer ≥ 1` });
  const given = budget.stepCost ?? null;
  if (given !== null && !isObject(given)) {
    issues.push({ field: "budget.stepCost", message: 'an object of head → relative step cost, e.g. { "flat": 0.95 }' });
    return { rate: {}, issues };
  }
  const rate: Record<string, number> = { chain: 1 };
  for (const [head, cost] of Object.entries(given ?? {})) {
    if (!(HEADS as readonly string[]).includes(head))
      issues.push({ field: `budget.stepCost.${head}`, message: `no head "${head}" (heads: ${HEADS.join(", ")})` });
    else if (typeof cost !== "number" || !(cost > 0) || !Number.isFinite(cost))
      issues.push({ field: `budget.stepCost.${head}`, message: `${JSON.stringify(cost)} is not a number > 0` });
    else rate[head] = cost;
  }
  for (const head of new Set(heads)) {
    if (rate[head] !== undefined || (given !== null && head in given)) continue;
    if (given === null) rate[head] = 1;
    else issues.push({ field: `budget.stepCost.${head}`, message: `missing: an arm has the ${head} head` });
  }
  return { rate, issues };
}

/**
 * The arm's config with the study's SFT steps (undefined: the arm's own) and seed applied
 * (train.seed, and rl.seed when it has RL). Lengths the study refuses (a clock, epochs beside the
 * budget's steps) are left out, so that validating it reports each problem once.
 */
function withStepsAndSeed(config: Section, sftSteps: number | undefined, seed: number): Section {
  const without = (section: Section, keys: string[]) =>
    Object.fromEntries(Object.entries(section).filter(([k]) => !keys.includes(k)));
  const given = isObject(config.train) ? config.train : {};
  const train =
    sftSteps === undefined
      ? { ...without(given, ["minutes"]), seed }
      : { ...without(given, ["minutes", "epochs"]), steps: sftSteps, seed };
  const rl = isObject(config.rl) ? { ...without(config.rl, ["minutes"]), seed } : config.rl;
  return { ...config, train, ...(rl !== undefined ? { rl } : {}) };
}

/** What an arm may not set itself, as issues under `arms[i].config`. */
function ownedFieldIssues(config: Section, budget: boolean): Array<{ field: string; message: string }> {
  const train = isObject(config.train) ? config.train : {};
  const rl = isObject(config.rl) ? config.rl : {};
  const out: Array<{ field: string; message: string }> = [];
  const seedMessage = "set per run from the study's seeds; leave it out";
  if (train.seed !== undefined) out.push({ field: "config.train.seed", message: seedMessage });
  if (rl.seed !== undefined) out.push({ field: "config.rl.seed", message: seedMessage });
  const clock = "a time budget is not equal compute on shared workers; give steps";
  if (train.minutes !== undefined) out.push({ field: "config.train.minutes", message: clock });
  if (rl.minutes !== undefined) out.push({ field: "config.rl.minutes", message: clock });
  if (budget) {
    for (const k of ["steps", "epochs"] as const)
      if (train[k] !== undefined)
        out.push({
          field: `config.train.${k}`,
          message: "set by the study's budget (sftSteps × step cost); leave it out",
        });
  } else if (train.steps === undefined) {
    out.push({
      field: "config.train.steps",
      message: "every arm states its SFT steps when the study has no budget (or give budget { sftSteps, stepCost })",
    });
  }
  return out;
}

/** The config a run of `arm` with `seed` trains with, validated (every default filled in). */
export function studyRunConfig(arm: StudyArm, seed: number): ExperimentConfig {
  return validateExperimentConfig(withStepsAndSeed(arm.config, arm.sftSteps, seed));
}

/**
 * Checks the whole design — every arm's config with the budget and the first seed applied, the
 * arm names, the seeds, the control, the budget and the number of runs — and throws one
 * StudyValidationError listing every problem, or returns the design with each arm's SFT steps.
 */
export function validateStudyDesign(input: StudyDesignInput): StudyDesign {
  const issues: StudyIssue[] = [];
  if (input.arms.length < 2)
    issues.push({ field: "arms", message: "a study compares arms with a control: give at least two arms" });
  const names = input.arms.map((a) => a.name);
  names.forEach((name, i) => {
    if (!ARM_NAME.test(name))
      issues.push({
        field: `arms[${i}].name`,
        message: `"${name.slice(0, 60)}" must be 1–40 letters, digits or . _ -`,
      });
    else if (names.indexOf(name) < i)
      issues.push({ field: `arms[${i}].name`, message: `"${name}" appears twice (arms[${names.indexOf(name)}])` });
  });
  issues.push(...seedIssues(input.seeds), ...runCountIssues(input.arms.length, input.seeds.length));
  const control = input.control ?? names[0] ?? "";
  if (input.control != null && !names.includes(input.control))
    issues.push({ field: "control", message: `no arm "${input.control}" (arms: ${names.join(", ")})` });

  const budget = input.budget ?? null;
  const seed = input.seeds.find((s) => Number.isInteger(s) && s >= 0) ?? 0;
  const checked = input.arms.map((arm, i) => {
    const config = arm.config ?? {};
    if (!isObject(config)) {
      issues.push({
        field: `arms[${i}].config`,
        arm: arm.name,
        message: "must be an object { model, train, rl, eval }",
      });
      return null;
    }
    const own = ownedFieldIssues(config, budget !== null);
    issues.push(...own.map((o) => ({ ...o, field: `arms[${i}].${o.field}`, arm: arm.name })));
    // The budget's chain steps stand in for the head's until the head is known.
    try {
      const probeSteps = budget
        ? Number.isInteger(budget.sftSteps) && budget.sftSteps >= 1
          ? budget.sftSteps
          : 1
        : undefined;
      const resolved = validateExperimentConfig(withStepsAndSeed(config, probeSteps, seed));
      return { config, head: resolved.model.head };
    } catch (err) {
      const configIssues = (err as { issues?: Array<{ field: string; message: string }> }).issues;
      if (!configIssues) throw err;
      issues.push(...configIssues.map((c) => ({ field: `arms[${i}].${c.field}`, arm: arm.name, message: c.message })));
      return null;
    }
  });
  const heads = checked.flatMap((c) => (c ? [c.head] : []));
  const rate = budget ? exchangeRate(budget, heads) : null;
  if (rate) issues.push(...rate.issues);
  if (issues.length > 0) throw new StudyValidationError(issues);

  const arms = input.arms.map((arm, i) => {
    const { config, head } = checked[i] as { config: Section; head: HeadKind };
    const own = (isObject(config.train) ? config.train.steps : undefined) as number;
    const sftSteps = budget && rate ? stepsAtChainCost(budget.sftSteps, head, rate.rate) : own;
    return { name: arm.name, config, head, sftSteps };
  });
  return {
    arms,
    seeds: [...input.seeds],
    control,
    budget: budget && rate ? { sftSteps: budget.sftSteps, stepCost: rate.rate } : null,
  };
}

/** Checks seeds to add to a study that has `arms` arms and the seeds `taken`; throws StudyValidationError. */
export function validateNewSeeds(arms: number, taken: readonly number[], seeds: readonly number[]): void {
  const issues = [...seedIssues(seeds, taken), ...runCountIssues(arms, taken.length + seeds.length)];
  if (issues.length > 0) throw new StudyValidationError(issues);
}
