/**
 * Geolocation metrics: the standard accuracy-at-threshold table of IM2GPS3K / YFCC4K papers
 * (street 1 km, city 25 km, region 200 km, country 750 km, continent 2500 km), median and
 * mean error, and GeoScore.
 */

import { GEOSCORE_MAX, GEOSCORE_SCALE_KM, THRESHOLDS_KM, type ThresholdKm } from "./constants.ts";

export { THRESHOLDS_KM, type ThresholdKm };

/**
 * GeoGuessr's score for one guess, 5000·exp(−d/1492.7): 5000 points at 0 km, halved about
 * every 1035 km. The constant 1492.7 is the one used by OSV-5M and the Geo-R evaluation code.
 * @example geoScore(0) // 5000
 */
export function geoScore(km: number): number {
  if (!Number.isFinite(km) || km < 0) throw new RangeError(`distance ${String(km)} km must be a finite number ≥ 0`);
  return GEOSCORE_MAX * Math.exp(-km / GEOSCORE_SCALE_KM);
}

/** Accuracy at each threshold, as a fraction in [0, 1]. */
export type AccuracyAtThresholds = Record<ThresholdKm, number>;

/** Summary of a set of geolocation errors. */
export interface Metrics {
  n: number;
  medianKm: number;
  meanKm: number;
  /** Mean GeoScore over the samples (0–5000). */
  geoScore: number;
  acc: AccuracyAtThresholds;
}

/**
 * Summarises per-sample errors (km). Accuracy at t counts errors ≤ t.
 * @example
 * summarizeErrors([0.5, 30, 1000]).acc[25] // 1/3
 */
export function summarizeErrors(errorsKm: ArrayLike<number>): Metrics {
  const n = errorsKm.length;
  if (n === 0) throw new RangeError("summarizeErrors: no errors given (empty input); need at least one distance");
  const sorted = new Float64Array(n);
  let sum = 0;
  let scoreSum = 0;
  const hits = new Float64Array(THRESHOLDS_KM.length);
  for (let i = 0; i < n; i++) {
    const km = errorsKm[i];
    if (!Number.isFinite(km) || km < 0) {
      throw new RangeError(`summarizeErrors: error ${String(km)} km at index ${i} is not a finite number ≥ 0`);
    }
    sorted[i] = km;
    sum += km;
    scoreSum += geoScore(km);
    for (let t = 0; t < THRESHOLDS_KM.length; t++) if (km <= THRESHOLDS_KM[t]) hits[t] += 1;
  }
  sorted.sort();
  const mid = n >> 1;
  const medianKm = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const acc = {} as AccuracyAtThresholds;
  THRESHOLDS_KM.forEach((t, k) => {
    acc[t] = hits[k] / n;
  });
  return { n, medianKm, meanKm: sum / n, geoScore: scoreSum / n, acc };
}

/** Per-level chain accuracy: the fraction of samples whose predicted code equals the true code. */
export function levelAccuracy(trueCodes: ArrayLike<string | null>, predictedCodes: ArrayLike<string | null>): number {
  if (trueCodes.length !== predictedCodes.length) {
    throw new RangeError(`levelAccuracy: ${trueCodes.length} true codes but ${predictedCodes.length} predictions`);
  }
  if (trueCodes.length === 0) throw new RangeError("levelAccuracy: empty input");
  let hits = 0;
  for (let i = 0; i < trueCodes.length; i++) if (trueCodes[i] === predictedCodes[i]) hits++;
  return hits / trueCodes.length;
}
