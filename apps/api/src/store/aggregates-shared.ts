/**
 * What both aggregate sources (aggregates-bins.ts, aggregates-rows.ts) share: the GeoScore term
 * the bins sum and the rows average, one snapshot per aggregate, and the histogram's bins.
 */
import { GEOSCORE_MAX, GEOSCORE_SCALE_KM } from "@geor/geo/constants";
import type { Kysely } from "kysely";
import type { Database } from "../db/tables.ts";
import type { ErrorBin } from "./types.ts";

/** GeoScore of one prediction row, GEOSCORE_MAX · exp(−error_km / GEOSCORE_SCALE_KM), as SQL. */
export const GEOSCORE_SQL = `${GEOSCORE_MAX} * exp(-error_km / ${GEOSCORE_SCALE_KM})`;

/**
 * Runs the queries of one aggregate on one snapshot, so the bins and the seeks into the rows
 * see the same batches of a running experiment (SQLite: one read transaction).
 */
export function snapshot<T>(db: Kysely<Database>, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel("repeatable read").execute(read);
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
