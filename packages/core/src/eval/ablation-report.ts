/** ablation.md: one table per section (mean ± std over seeds) and the RL-vs-control deltas. */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import type { AblationConfig, AblationRow, HeadStepBudgets, Section } from "./ablation-config.ts";
import { type ComparedMetric, comparedMetric, compareMetrics, pairBySeed } from "./comparison.ts";
import { meanStd } from "./statistics.ts";

const TITLES: Record<Section, string> = {
  heads: "1. Direct coordinates vs geocells vs Chain of Region (SFT only)",
  rl: "2. CoR SFT + RL vs CoR SFT continued for the same time",
  rewards: "3. RL reward variants",
  groups: "4. Group size G at the same number of sampled chains per step",
};

/** "mean ± std" (just the mean for one value), with `digits` decimals. */
function meanCell(mean: number, std: number | undefined, digits: number): string {
  return std !== undefined ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/** "mean ± std" over seeds (sample std; just the mean for one seed), with `digits` decimals after scaling. */
function cell(values: number[], scale = 1, digits = 0): string {
  const { mean, std } = meanStd(
    values.map((v) => v * scale),
    "sample",
  );
  return meanCell(mean, values.length > 1 ? std : undefined, digits);
}

function table(rows: AblationRow[], arms: string[]): string[] {
  const head = [
    "arm",
    "seeds",
    "median km",
    ...THRESHOLDS_KM.map((t) => `acc@${t} %`),
    "GeoScore",
    "country %",
    "admin-1 %",
    "steps",
    "wall s",
  ];
  const out = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const arm of arms) {
    const rs = rows.filter((r) => r.arm === arm);
    if (rs.length === 0) continue;
    const steps = rs.flatMap((r) => (r.steps === null || r.steps === undefined ? [] : [r.steps]));
    out.push(
      `| ${[
        arm,
        String(rs.length),
        cell(rs.map((r) => r.metrics.medianKm)),
        ...THRESHOLDS_KM.map((t) =>
          cell(
            rs.map((r) => r.metrics.acc[t]),
            100,
            1,
          ),
        ),
        cell(rs.map((r) => r.metrics.geoScore)),
        cell(
          rs.map((r) => r.levels.country),
          100,
          1,
        ),
        cell(
          rs.map((r) => r.levels.admin1),
          100,
          1,
        ),
        steps.length > 0 ? cell(steps) : "—",
        cell(rs.map((r) => r.wallSeconds)),
      ].join(" | ")} |`,
    );
  }
  return out;
}

/** The headline metrics of a deltas table (the differences of accuracies in percentage points). */
const DELTA_METRICS: readonly ComparedMetric[] = [
  "medianKm",
  "acc@25",
  "acc@200",
  "acc@750",
  "acc@2500",
  "country",
  "geoScore",
].map(comparedMetric);

/** A deltas table's column head and decimals: "<label> pp" with one decimal for accuracies, else whole units. */
const deltaLabel = (m: ComparedMetric) => (m.unit === "pp" ? `${m.label} pp` : m.label);
const deltaDigits = (m: ComparedMetric) => (m.unit === "pp" ? 1 : 0);

/**
 * Deltas of arm `a` over arm `b` (a − b, paired by seed) for the headline metrics: mean ± std,
 * and from two seeds on the paired t (two-sided p) and the seeds in which `a` is ahead.
 */
function deltas(rows: AblationRow[], a: string, b: string): string[] {
  const pairs = pairBySeed(
    rows.filter((r) => r.arm === a),
    rows.filter((r) => r.arm === b),
  );
  if (pairs.length === 0) return [];
  const compared = compareMetrics(pairs, DELTA_METRICS);
  const lines = [
    "",
    `Deltas \`${a}\` − \`${b}\` over ${pairs.length} seed(s) (negative km and positive accuracy favour \`${a}\`):`,
    "",
    `| | ${DELTA_METRICS.map(deltaLabel).join(" | ")} |`,
    `|---|${DELTA_METRICS.map(() => "---").join("|")}|`,
    `| mean ± std | ${compared.map((c, i) => meanCell(c.meanDelta, c.stdDelta, deltaDigits(DELTA_METRICS[i]))).join(" | ")} |`,
  ];
  if (pairs.length < 2) return lines;
  lines.push(
    `| paired t (p) | ${compared.map((c) => (c.t !== undefined && c.p !== undefined ? `${c.t.toFixed(2)} (${c.p.toFixed(3)})` : "—")).join(" | ")} |`,
    `| \`${a}\` ahead | ${compared.map((c) => `${c.ahead} of ${c.n}`).join(" | ")} |`,
  );
  return lines;
}

/** The report's budget sentence. */
function budgetLines(cfg: AblationConfig, stepBudget: HeadStepBudgets | null): string[] {
  if (stepBudget) {
    const { relative: costs, steps } = stepBudget;
    const heads = ["chain", ...cfg.heads];
    return [
      `Budgets (steps): ${cfg.sftSteps} SFT steps of the CoR chain; every other head the steps that cost the same compute,`,
      `by each head's step cost relative to the chain's (${heads.map((h) => `${h} ${costs[h].toFixed(2)}`).join(", ")}): ${heads.map((h) => `${h} ${steps[h]}`).join(", ")} steps.`,
      "Values are mean ± std over seeds.",
    ];
  }
  return [
    `Budgets (${cfg.budgetClock === "cpu" ? "CPU" : "wall-clock"} minutes): ${cfg.sftMinutes} min of SFT per head; ${cfg.rlMinutes} min more for every arm that starts from the CoR SFT run`,
    `(RL, or SFT continued at lr ${cfg.continueLr}). Values are mean ± std over seeds.`,
  ];
}

export function ablationMarkdown(
  rows: AblationRow[],
  cfg: AblationConfig,
  stepBudget: HeadStepBudgets | null = null,
  /** Sentences for the head of the report (e.g. where pooled runs came from). */
  notes: string[] = [],
): string {
  const lines = [
    "# Ablation",
    "",
    `Dataset \`${cfg.dataset}\`, ${cfg.split} split${cfg.evalLimit ? ` (first ${cfg.evalLimit} samples)` : ""}; seeds ${cfg.seeds.join(", ")}.`,
    ...notes,
    ...budgetLines(cfg, stepBudget),
    ...(["model", "train", "rl"] as const)
      .filter((k) => Object.keys(cfg[k]).length > 0)
      .map((k) => `Every arm's \`${k}\` settings include \`${JSON.stringify(cfg[k])}\`.`),
    ...(cfg.decision
      ? [
          `Every classification head is scored with the decision rule \`${cfg.decision}\` (the regression head has none).`,
        ]
      : []),
    ...(cfg.holdoutFraction > 0
      ? [
          `SFT learns from ${((1 - cfg.holdoutFraction) * 100).toFixed(0)}% of the train split; RL and continued SFT from the other ${(cfg.holdoutFraction * 100).toFixed(0)}%.`,
        ]
      : []),
  ];
  const sections = new Set(rows.map((r) => r.section));
  for (const section of Object.keys(TITLES) as Section[]) {
    if (!sections.has(section)) continue;
    const arms = [...new Set(rows.filter((r) => r.section === section).map((r) => r.arm))];
    lines.push("", `## ${TITLES[section]}`, "");
    if (section === "rl") arms.unshift("sft-chain");
    // The default reward's arm (section 2) is the reference row of the reward table.
    if (section === "rewards")
      arms.unshift(...new Set(rows.filter((r) => r.section === "rl" && r.stage === "sft+rl").map((r) => r.arm)));
    lines.push(...table(rows, arms));
    if (section === "heads") {
      lines.push(...deltas(rows, "sft-chain", "sft-flat"), ...deltas(rows, "sft-chain", "sft-regress"));
    }
    if (section === "rl") {
      const rl = arms.find((a) => a.startsWith("rl-"));
      if (rl) lines.push(...deltas(rows, rl, "sft-continued"), ...deltas(rows, rl, "sft-chain"));
    }
  }
  return `${lines.join("\n")}\n`;
}
