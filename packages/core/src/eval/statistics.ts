/**
 * The project's statistics, one place for all: mean and standard deviation (sample or population,
 * chosen by the caller), and the paired comparison of two arms over seeds — the mean ± std of the
 * per-seed differences, the paired Student's t test of those differences (Student 1908, "The
 * probable error of a mean", Biometrika 6(1):1–25; the paired form: the one-sample t test applied
 * to the differences d_i = arm_i − control_i, t = mean(d) / (s_d / √n) with n − 1 degrees of
 * freedom, s_d the sample std) with its two-sided p, and the seeds in which the arm is ahead.
 *
 * Used by the ablation report, the RL logs and any comparison over seeds, so that two reports of
 * the same runs can never disagree. The p-value comes from Student's t distribution in jstat.
 */
/// <reference path="../types/jstat.d.ts" />
import jStat from "jstat";

/**
 * "sample": divide the squared deviations by n − 1 (Bessel's correction; the estimate of a spread
 * from a few seeds); "population": by n (the spread of exactly these values, e.g. a batch's rewards).
 */
export type StdKind = "sample" | "population";

/**
 * Mean and standard deviation of `values`, summed in order. A sample std needs two values: for one
 * it is NaN, as is everything of no values.
 */
export function meanStd(values: ArrayLike<number>, kind: StdKind): { mean: number; std: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (kind === "sample" ? (n < 2 ? Number.NaN : n - 1) : n)) };
}

/**
 * Paired t statistic and two-sided p-value of per-seed differences (null: mean difference 0).
 * Undefined below two pairs or when every difference is the same (no spread to test against).
 */
export function pairedTest(diffs: ArrayLike<number>): { t: number; p: number } | undefined {
  const n = diffs.length;
  if (n < 2) return undefined;
  const { mean, std } = meanStd(diffs, "sample");
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return undefined;
  const t = mean / (std / Math.sqrt(n));
  return { t, p: jStat.ttest(t, n, 2) };
}

/** How many of the differences (arm − control) favour the arm: above 0, or below 0 where lower is better. */
export function aheadCount(diffs: ArrayLike<number>, higherIsBetter: boolean): number {
  let k = 0;
  for (let i = 0; i < diffs.length; i++) if (higherIsBetter ? diffs[i] > 0 : diffs[i] < 0) k++;
  return k;
}

/** An arm against its control over n paired seeds: the differences arm − control and their test. */
export interface PairedComparison {
  n: number;
  /** Mean of the differences arm − control. */
  meanDelta: number;
  /** Sample std of the differences; undefined below two pairs. */
  stdDelta: number | undefined;
  /** Paired t and its two-sided p; undefined below two pairs or when the differences do not vary. */
  t: number | undefined;
  p: number | undefined;
  /** The seeds in which the arm is ahead (of n). */
  ahead: number;
}

/**
 * Compares `arm` with `control`, paired by index (the same seed at the same index). `scale`
 * multiplies every difference (e.g. 100: fractions → percentage points) before anything is
 * computed from them.
 */
export function pairedComparison(
  arm: ArrayLike<number>,
  control: ArrayLike<number>,
  opts: { higherIsBetter: boolean; scale?: number },
): PairedComparison {
  const n = arm.length;
  if (n !== control.length) {
    throw new RangeError(
      `pairedComparison: ${n} arm values against ${control.length} control values; pair them by seed`,
    );
  }
  if (n === 0) throw new RangeError("pairedComparison: no pairs to compare");
  const scale = opts.scale ?? 1;
  const diffs = Array.from({ length: n }, (_, i) => (arm[i] - control[i]) * scale);
  const { mean, std } = meanStd(diffs, "sample");
  const test = pairedTest(diffs);
  return {
    n,
    meanDelta: mean,
    stdDelta: n < 2 ? undefined : std,
    t: test?.t,
    p: test?.p,
    ahead: aheadCount(diffs, opts.higherIsBetter),
  };
}
