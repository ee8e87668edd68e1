/**
 * What a study's runs add up to: its status, and each arm's paired comparison with the control
 * over the seeds in which both finished — computed by core's comparison (compareMetrics over
 * pairBySeed, the statistics `geor ablate` reports), so the API and the CLI never disagree.
 */
import {
  COMPARED_METRICS,
  type ComparedMetric,
  compareMetrics,
  pairBySeed,
  type ScoredRun,
  storedLevels,
} from "@geor/core";
import type { ExperimentRow, ExperimentStatus, StatusCounts } from "../store/index.ts";

/**
 * RUNNING while any run is queued or running; then CANCELLED if the study was cancelled, FAILED
 * if any run failed, CANCELLED if any run was cancelled on its own, else SUCCEEDED.
 */
export function studyStatus(counts: StatusCounts, cancelled: boolean): ExperimentStatus {
  if (counts.QUEUED + counts.RUNNING > 0) return "RUNNING";
  if (cancelled) return "CANCELLED";
  if (counts.FAILED > 0) return "FAILED";
  if (counts.CANCELLED > 0) return "CANCELLED";
  return "SUCCEEDED";
}

/** One metric of one arm against the control (differences arm − control, accuracies in pp). */
export interface StudyComparisonRow {
  arm: string;
  control: string;
  metric: string;
  label: string;
  unit: ComparedMetric["unit"];
  higherIsBetter: boolean;
  n: number;
  meanDelta: number;
  stdDelta: number | null;
  t: number | null;
  p: number | null;
  ahead: number;
  /** The seeds compared (both runs SUCCEEDED), ascending. */
  seeds: number[];
  /** The study's seeds left out: one of the two runs has not finished (or failed, or is gone). */
  missingSeeds: number[];
  /** Says which pairs are left out and why; null when every seed is compared. */
  note: string | null;
}

type ScoredSeed = ScoredRun & { seed: number };

/** A SUCCEEDED run's stored EVAL report as core's comparison reads it; null when it has none. */
function scored(run: ExperimentRow): ScoredSeed | null {
  if (run.status !== "SUCCEEDED" || run.final_metrics === null || run.study_seed === null) return null;
  const report = JSON.parse(run.final_metrics) as ScoredRun & { levels: Parameters<typeof storedLevels>[0] };
  return { metrics: report.metrics, levels: storedLevels(report.levels), seed: run.study_seed };
}

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** Why each missing seed has no pair: "seed 2 (flat FAILED)". */
function missingNote(arm: string, control: string, missing: number[], runs: ExperimentRow[], total: number): string {
  const why = missing.map((seed) => {
    const states = [control, arm].flatMap((a) => {
      const run = runs.find((r) => r.study_arm === a && r.study_seed === seed);
      if (!run) return [`${a} has no run`];
      return run.status === "SUCCEEDED" ? [] : [`${a} ${run.status}`];
    });
    return `seed ${seed} (${states.join(", ")})`;
  });
  return `over ${total - missing.length} of ${total} seeds; not compared: ${why.join("; ")}`;
}

/**
 * Every arm but the control against the control, on every compared metric, over the seeds where
 * both runs succeeded; an arm with no such seed yet has no rows. `seeds` are the study's seeds.
 */
export function studyComparisons(
  arms: string[],
  control: string,
  seeds: number[],
  runs: ExperimentRow[],
): StudyComparisonRow[] {
  const byArm = new Map<string, ScoredSeed[]>(arms.map((a) => [a, []]));
  for (const run of runs) {
    const s = scored(run);
    if (s) byArm.get(run.study_arm as string)?.push(s);
  }
  const controlRuns = byArm.get(control) ?? [];
  return arms
    .filter((a) => a !== control)
    .flatMap((arm) => {
      const pairs = pairBySeed(byArm.get(arm) ?? [], controlRuns).sort(([a], [b]) => a.seed - b.seed);
      if (pairs.length === 0) return [];
      const compared = pairs.map(([a]) => a.seed);
      const missingSeeds = seeds.filter((s) => !compared.includes(s)).sort((a, b) => a - b);
      const note = missingSeeds.length > 0 ? missingNote(arm, control, missingSeeds, runs, seeds.length) : null;
      return compareMetrics(pairs).flatMap((c, i) => {
        const m = COMPARED_METRICS[i];
        // A report without this metric (NaN) cannot be compared on it.
        if (!Number.isFinite(c.meanDelta)) return [];
        return [
          {
            arm,
            control,
            metric: c.metric,
            label: m.label,
            unit: m.unit,
            higherIsBetter: m.higherIsBetter,
            n: c.n,
            meanDelta: c.meanDelta,
            stdDelta: finite(c.stdDelta),
            t: finite(c.t),
            p: finite(c.p),
            ahead: c.ahead,
            seeds: compared,
            missingSeeds,
            note,
          },
        ];
      });
    });
}
