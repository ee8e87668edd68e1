/**
 * What both aggregate sources (aggregates-bins.ts, aggregates-rows.ts) share: the GeoScore term
 * the bins sum and the rows average, one snapshot per aggregate, and the histogram's bins.
 */
import { GEOSCORE_MAX, GEOSCORE_SCALE_KM } from "@geor/geo/constants";
import type { Kysely } from "kysely";
import type { Database } from "../db/tables.ts";
import type { AccuracySummary, ErrorBin } from "./types.ts";

/** GeoScore of one prediction row, GEOSCORE_MAX · exp(−error_km / GEOSCORE_SCALE_KM), as SQL. */
export const GEOSCORE_SQL = `${GEOSCORE_MAX} * exp(-error_km / ${GEOSCORE_SCALE_KM})`;

/**
 * What an external run's answers add to a summary, as sums over prediction rows: unparsed answers,
 * answers that state a chain and their right levels, answers checked for consistency and the
 * consistent ones (see migration 0005). A bin keeps each sum in the column of its name; the rows
 * path computes the same expressions (aggregates-rows.ts).
 */
export const ANSWER_SUMS = [
  ["n_unparsed", "sum(1 - parsed)"],
  ["n_stated", "sum(case when stated_hit_country is null then 0 else 1 end)"],
  ["sum_stated_country", "sum(coalesce(stated_hit_country, 0))"],
  ["sum_stated_admin1", "sum(coalesce(stated_hit_admin1, 0))"],
  ["sum_stated_city", "sum(coalesce(stated_hit_city, 0))"],
  ["n_checked", "sum(case when consistent is null then 0 else 1 end)"],
  ["n_consistent", "sum(coalesce(consistent, 0))"],
] as const;
export type AnswerSums = Record<(typeof ANSWER_SUMS)[number][0], number>;

/**
 * Runs the queries of one aggregate on one snapshot, so the bins and the seeks into the rows
 * see the same batches of a running experiment (SQLite: one read transaction).
 */
export function snapshot<T>(db: Kysely<Database>, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel("repeatable read").execute(read);
}

/** The answer sums of a result row whose columns are named as in ANSWER_SUMS (missing: 0). */
export function answerSumsOf(r: Record<string, unknown>): AnswerSums {
  return Object.fromEntries(ANSWER_SUMS.map(([c]) => [c, Number(r[c] ?? 0)])) as AnswerSums;
}

/** An external run's answer figures of n predictions from their sums (ANSWER_SUMS). */
export function answerStats(
  n: number,
  s: AnswerSums,
): Pick<AccuracySummary, "unparsed" | "statedLevels" | "consistency"> {
  return {
    unparsed: s.n_unparsed,
    statedLevels:
      s.n_stated === 0 || n === 0
        ? null
        : { country: s.sum_stated_country / n, admin1: s.sum_stated_admin1 / n, city: s.sum_stated_city / n },
    consistency: s.n_checked === 0 ? null : s.n_consistent / s.n_checked,
  };
}

/** The histogram bin errors under minKm fall in: bin k starts at 10^(k/binsPerDecade) km. */
export function firstHistogramBin(binsPerDecade: number, minKm: number): number {
  return Math.floor(Math.log10(minKm) * binsPerDecade);
}

/** Every bin from kMin to the largest non-empty one, empty ones with count 0; kMin starts at 0 km. */
export function histogramBins(counts: Map<number, number>, binsPerDecade: number, kMin: number): ErrorBin[] {
  if (counts.size === 0) return [];
  const kMax = Math.max(...counts.keys());
  const bins: ErrorBin[] = [];
  for (let k = kMin; k <= kMax; k++) {
    bins.push({
      loKm: k === kMin ? 0 : 10 ** (k / binsPerDecade),
      hiKm: 10 ** ((k + 1) / binsPerDecade),
      count: counts.get(k) ?? 0,
    });
  }
  return bins;
}
