/**
 * Migration 0011: one error-ordered index on predictions instead of two. The true country moves
 * from an index of its own, predictions_true_country (exp, true_country, error_km, id,
 * hit_country), to the last column of predictions_error (exp, error_km, id, hit_country,
 * hit_admin1, hit_place, true_country). At a million rows in a run, keeping the second index
 * cost SQLite's prediction writer a third of its time (docs/decisions.md, "External ingest,
 * twentieth pass"). The reads by country scan a stretch of predictions_error filtered in the
 * index: the per-country medians a fine bin each, as the prediction bins say
 * (store/aggregates-bins.ts), and the explorer's pages by error.
 */
import { type Migration, sql } from "kysely";
import type { AnyDb } from "./shared.ts";

export function errorIndexCountry(): Migration {
  return {
    async up(db: AnyDb) {
      await sql`drop index predictions_true_country`.execute(db);
      await sql`drop index predictions_error`.execute(db);
      await db.schema
        .createIndex("predictions_error")
        .on("predictions")
        .columns(["exp", "error_km", "id", "hit_country", "hit_admin1", "hit_place", "true_country"])
        .execute();
    },
  };
}
