/**
 * The metrics two arms are compared on, and their paired comparison over seeds (see statistics.ts):
 * one list, so that every table of deltas (the ablation report, a comparison served by the API)
 * reads the same numbers the same way.
 */
import { type LevelAccuracy, THRESHOLDS_KM, type ThresholdKm } from "@geor/geo/constants";
import { type PairedComparison, pairedComparison } from "./statistics.ts";

/** What a metric is read from: an evaluation report (`EvalReport`, `RunEvalResult`) or an ablation row. */
export interface ScoredRun {
  metrics: { medianKm: number; geoScore: number; acc: Record<ThresholdKm, number> };
  levels: LevelAccuracy;
}

export interface ComparedMetric {
  /** The metric's name as in the evaluation report: `medianKm`, `acc@<t>` (metrics.acc[t]), a level, `geoScore`. */
  name: string;
  /** How a table heads it. */
  label: string;
  read: (r: ScoredRun) => number;
  higherIsBetter: boolean;
  /** Factor of every difference: 100 turns accuracy fractions into percentage points. */
  scale: number;
  /** Unit of a difference (after `scale`). */
  unit: "km" | "pp" | "points";
}

/** An accuracy (a fraction of the samples), compared in percentage points. */
const accuracy = (name: string, label: string, read: (r: ScoredRun) => number): ComparedMetric => ({
  name,
  label,
  read,
  higherIsBetter: true,
  scale: 100,
  unit: "pp",
});

/** Every compared metric: median km, acc@1/25/200/750/2500, country / admin-1 / place accuracy, GeoScore. */
export const COMPARED_METRICS: readonly ComparedMetric[] = [
  {
    name: "medianKm",
    label: "median km",
    read: (r) => r.metrics.medianKm,
    higherIsBetter: false,
    scale: 1,
    unit: "km",
  },
  ...THRESHOLDS_KM.map((t) => accuracy(`acc@${t}`, `acc@${t}`, (r) => r.metrics.acc[t])),
  accuracy("country", "country", (r) => r.levels.country),
  accuracy("admin1", "admin-1", (r) => r.levels.admin1),
  accuracy("place", "place", (r) => r.levels.place),
  {
    name: "geoScore",
    label: "GeoScore",
    read: (r) => r.metrics.geoScore,
    higherIsBetter: true,
    scale: 1,
    unit: "points",
  },
];

/** The compared metric called `name`. */
export function comparedMetric(name: string): ComparedMetric {
  const m = COMPARED_METRICS.find((c) => c.name === name);
  if (!m) throw new RangeError(`no compared metric ${name} (${COMPARED_METRICS.map((c) => c.name).join(", ")})`);
  return m;
}

/** The arm's runs each with the control's run of the same seed (arm runs without one are left out). */
export function pairBySeed<T extends { seed: number }>(arm: readonly T[], control: readonly T[]): [T, T][] {
  return arm.flatMap((a) => {
    const c = control.find((r) => r.seed === a.seed);
    return c ? [[a, c] as [T, T]] : [];
  });
}

/** One metric's comparison of an arm with its control over the seeds they share. */
export interface MetricComparison extends PairedComparison {
  metric: string;
}

/** Arm − control on each metric, over pairs [arm run, control run] of the same seed. */
export function compareMetrics(
  pairs: readonly (readonly [ScoredRun, ScoredRun])[],
  metrics: readonly ComparedMetric[] = COMPARED_METRICS,
): MetricComparison[] {
  return metrics.map((m) => ({
    metric: m.name,
    ...pairedComparison(
      pairs.map(([a]) => m.read(a)),
      pairs.map(([, c]) => m.read(c)),
      { higherIsBetter: m.higherIsBetter, scale: m.scale },
    ),
  }));
}
