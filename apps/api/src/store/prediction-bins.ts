/**
 * The prediction bins: per experiment, counts and sums by split, true country, level hits, fine
 * error bin and threshold band, added to in the transaction of every prediction batch (the SQL
 * here, run by prediction-writer.ts and the migration that backfilled them). The thresholds are
 * band edges, so accuracy at them is exact; a histogram whose binsPerDecade divides
 * FINE_BINS_PER_DECADE is a union of fine bins, so it is exact; medians are exact: the bins say
 * which fine bin holds the middle rank, and one index seek inside that bin reads the row
 * (aggregates-bins.ts reads them).
 */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import { GEOSCORE_SQL } from "./aggregates-shared.ts";
import type { PredictionFilter } from "./types.ts";

export const FINE_BINS_PER_DECADE = 20;
/** Errors under 1 m (below the smallest minKm the API takes) share one bin under all others. */
export const FLOOR_KM = 0.001;
export const BELOW_FLOOR_BIN = -61; // floor(log10(0.001) × 20) − 1

/** The fine bin of a prediction row's error. */
export const FINE_BIN_SQL = `case when error_km < ${FLOOR_KM} then ${BELOW_FLOOR_BIN} else cast(floor(log10(error_km) * ${FINE_BINS_PER_DECADE}) as integer) end`;
/** How many thresholds the error exceeds: error_km <= THRESHOLDS_KM[i] exactly when band <= i. */
const BAND_SQL = THRESHOLDS_KM.map((t) => `case when error_km > ${t} then 1 else 0 end`).join(" + ");
/** The primary key of prediction_bins. */
export const BIN_KEY = [
  "experiment_id",
  "split",
  "true_country",
  "true_country_name",
  "hit_country",
  "hit_admin1",
  "hit_place",
  "bin",
  "band",
] as const;
const KEY_OF_ROW = [
  "experiment_id",
  "split",
  "coalesce(true_country, '')",
  "coalesce(true_country_name, '')",
  "hit_country",
  "hit_admin1",
  "hit_place",
  FINE_BIN_SQL,
  `(${BAND_SQL})`,
];

/**
 * INSERT … SELECT that adds the bins of the prediction rows in `source` (a table or CTE name
 * with its WHERE clause) to the stored ones. Run in the transaction that wrote those rows.
 * `placeHit` names the place level's hit column: migration 0002 ran before it was renamed.
 */
export function addBinsSql(source: string, placeHit: "hit_place" | "hit_city" = "hit_place"): string {
  const named = (cols: readonly string[]) => cols.map((c) => (c === "hit_place" ? placeHit : c)).join(", ");
  return `insert into prediction_bins (${named(BIN_KEY)}, n, sum_km, sum_geo)
    select ${named(KEY_OF_ROW)}, count(*), sum(error_km), sum(${GEOSCORE_SQL})
    from ${source}
    group by ${named(KEY_OF_ROW)}
    on conflict (${named(BIN_KEY)}) do update set n = prediction_bins.n + excluded.n,
      sum_km = prediction_bins.sum_km + excluded.sum_km, sum_geo = prediction_bins.sum_geo + excluded.sum_geo`;
}

/** Whether the bins answer a filter: error ranges and the predicted country need the rows. */
export function binsCover(f: PredictionFilter): boolean {
  return f.predictedCountry == null && f.minErrorKm == null && f.maxErrorKm == null;
}

/** Whether a histogram with this many bins per decade is a union of fine bins. */
export function binsCoverHistogram(binsPerDecade: number): boolean {
  return FINE_BINS_PER_DECADE % binsPerDecade === 0;
}
