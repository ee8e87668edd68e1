/**
 * The evaluation's fixed numbers, importable on their own (`@geor/geo/constants`) by code that must
 * not load the Chain of Region's data, such as the dashboard's browser bundle and SQL builders.
 */

/**
 * Accuracy thresholds in km — street, city, region, country, continent: the standard table of the
 * IM2GPS3K and YFCC4K papers (Vo et al. 2017, "Revisiting IM2GPS in the Deep Learning Era").
 */
export const THRESHOLDS_KM = [1, 25, 200, 750, 2500] as const;
export type ThresholdKm = (typeof THRESHOLDS_KM)[number];

/** What each threshold stands for in the papers' tables. */
export const THRESHOLD_NAMES: Record<ThresholdKm, string> = {
  1: "street",
  25: "city",
  200: "region",
  750: "country",
  2500: "continent",
};

/**
 * GeoScore = GEOSCORE_MAX · exp(−d / GEOSCORE_SCALE_KM): GeoGuessr's points for a guess d km away,
 * with the scale used by OSV-5M and the Geo-R evaluation code.
 */
export const GEOSCORE_MAX = 5000;
export const GEOSCORE_SCALE_KM = 1492.7;

/**
 * The chain levels a prediction is scored at, coarse to fine. `place` is the model's finest class: a
 * geocell (geocells.ts), shown by the name of its largest town. It is not the Chain of Region's
 * `city` — the named town a coordinate lies in, null in the countryside — which a model's stated
 * chain is compared with by name.
 */
export const SCORED_LEVELS = ["country", "admin1", "place"] as const;
export type ScoredLevel = (typeof SCORED_LEVELS)[number];
/** The share of predictions right at each scored level (fractions in [0, 1]). */
export type LevelAccuracy = Record<ScoredLevel, number>;
