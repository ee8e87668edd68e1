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
import { ANSWER_SUMS, GEOSCORE_SQL } from "./aggregates-shared.ts";
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

/** What a bin sums besides its count. */
const SUMS: ReadonlyArray<readonly [column: string, ofRow: string]> = [
  ["sum_km", "sum(error_km)"],
  ["sum_geo", `sum(${GEOSCORE_SQL})`],
  ...ANSWER_SUMS,
];
/** The prediction columns addBinsSql reads from its source. */
export const BINNED_COLUMNS = [
  "split",
  "true_country",
  "true_country_name",
  "error_km",
  "hit_country",
  "hit_admin1",
  "hit_place",
  "parsed",
  "stated_hit_country",
  "stated_hit_admin1",
  "stated_hit_city",
  "consistent",
] as const;

/**
 * INSERT … SELECT that adds the bins of the prediction rows in `source` (a table or CTE name
 * with its WHERE clause, with an experiment_id column) to the stored ones. Run in the
 * transaction that wrote those rows.
 */
export function addBinsSql(source: string): string {
  return `insert into prediction_bins (${BIN_KEY.join(", ")}, n, ${SUMS.map(([c]) => c).join(", ")})
    select ${KEY_OF_ROW.join(", ")}, count(*), ${SUMS.map(([, e]) => e).join(", ")}
    from ${source}
    group by ${KEY_OF_ROW.join(", ")}
    on conflict (${BIN_KEY.join(", ")}) do update set n = prediction_bins.n + excluded.n,
      ${SUMS.map(([c]) => `${c} = prediction_bins.${c} + excluded.${c}`).join(", ")}`;
}

/**
 * Recounts an experiment's bins from its stored rows (after rows were taken out of the middle:
 * an upload that failed after some of its batches were written).
 */
export function rebinSql(experimentId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(experimentId)) throw new Error(`rebinSql: "${experimentId}" is not an experiment id`);
  const id = `'${experimentId}'`;
  return addBinsSql(
    `(select ${id} as experiment_id, p.* from predictions p where p.exp = (select seq from experiments where id = ${id})) rows`,
  );
}

/**
 * Whether the bins answer a filter: error ranges, the predicted country and an external run's
 * answer flags (parsed, consistent) need the rows.
 */
export function binsCover(f: PredictionFilter): boolean {
  return (
    f.predictedCountry == null &&
    f.minErrorKm == null &&
    f.maxErrorKm == null &&
    f.parsed == null &&
    f.consistent == null &&
    !f.located
  );
}

/** Whether a histogram with this many bins per decade is a union of fine bins. */
export function binsCoverHistogram(binsPerDecade: number): boolean {
  return FINE_BINS_PER_DECADE % binsPerDecade === 0;
}
