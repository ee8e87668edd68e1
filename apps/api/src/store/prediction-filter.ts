/** The WHERE clause of a prediction filter, shared by pages, counts and aggregates. */
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import type { Level, PredictionFilter } from "./types.ts";

export type PredQuery<O> = SelectQueryBuilder<Database, "predictions", O>;

/** The hit flag column of a chain level (the same name in predictions and prediction_bins). */
export function hitColumn(level: Level): "hit_country" | "hit_admin1" | "hit_place" {
  return level === "COUNTRY" ? "hit_country" : level === "ADMIN1" ? "hit_admin1" : "hit_place";
}

/** The number predictions refer to their experiment by, as a scalar subquery (one index seek). */
export function experimentSeq(experimentId: string) {
  return sql<number>`(select seq from experiments where id = ${experimentId})`;
}

export function applyFilter<O>(q: PredQuery<O>, f: PredictionFilter): PredQuery<O> {
  q = q.where("exp", "=", experimentSeq(f.experimentId));
  if (f.split) q = q.where("split", "=", f.split);
  if (f.trueCountry) q = q.where("true_country", "=", f.trueCountry.toUpperCase());
  if (f.predictedCountry) q = q.where("pred_country", "=", f.predictedCountry.toUpperCase());
  if (f.minErrorKm != null) q = q.where("error_km", ">=", f.minErrorKm);
  if (f.maxErrorKm != null) q = q.where("error_km", "<=", f.maxErrorKm);
  if (f.level && f.hit != null) q = q.where(hitColumn(f.level), "=", f.hit ? 1 : 0);
  if (f.parsed != null) q = q.where("parsed", "=", f.parsed ? 1 : 0);
  if (f.consistent != null) q = q.where("consistent", "=", f.consistent ? 1 : 0);
  if (f.located) q = q.where("pred_lat", "is not", null);
  return q;
}
