/**
 * Migration 0002: prediction_bins, counts per experiment × split × true country × level hits × fine
 * error bin × threshold band, kept in step with each prediction batch: the aggregates read these,
 * not 1M rows.
 */
import { type Migration, sql } from "kysely";
import { type AnyDb, real, V2_BIN_KEY, v2BinsBackfillSql } from "./shared.ts";

export function predictionBins(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("prediction_bins")
        .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
        .addColumn("split", "text", (c) => c.notNull())
        .addColumn("true_country", "text", (c) => c.notNull())
        .addColumn("true_country_name", "text", (c) => c.notNull())
        .addColumn("hit_country", "integer", (c) => c.notNull())
        .addColumn("hit_admin1", "integer", (c) => c.notNull())
        .addColumn("hit_city", "integer", (c) => c.notNull())
        .addColumn("bin", "integer", (c) => c.notNull())
        .addColumn("band", "integer", (c) => c.notNull())
        .addColumn("n", "integer", (c) => c.notNull())
        .addColumn("sum_km", real, (c) => c.notNull())
        .addColumn("sum_geo", real, (c) => c.notNull())
        .addPrimaryKeyConstraint("prediction_bins_pk", [...V2_BIN_KEY])
        .execute();
      await sql.raw(v2BinsBackfillSql()).execute(db);
    },
  };
}
