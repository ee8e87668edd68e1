/**
 * The migrations, one set for both dialects. Column types are chosen to mean the same on both:
 * "double precision" (REAL affinity in SQLite), integer 0/1 for booleans, ISO-8601 text for
 * timestamps (sorts as time on both). Only the auto-increment key differs.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { addBinsSql, BIN_KEY } from "../store/prediction-bins.ts";
import type { Database, Dialect } from "./tables.ts";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is
type AnyDb = Kysely<any>;

function migrations(dialect: Dialect): Record<string, Migration> {
  const withId = (db: AnyDb, table: string) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  const real = sql`double precision`;
  return {
    "0001_experiments_and_predictions": {
      async up(db: AnyDb) {
        await db.schema
          .createTable("experiments")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("dataset", "text", (c) => c.notNull())
          .addColumn("config", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("notes", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("error", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("started_at", "text")
          .addColumn("finished_at", "text")
          .addColumn("cancel_requested", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("heartbeat_at", "text")
          .addColumn("worker", "text")
          .addColumn("run_dir", "text", (c) => c.notNull())
          .addColumn("final_metrics", "text")
          .execute();
        await db.schema.createIndex("experiments_created").on("experiments").columns(["created_at", "id"]).execute();
        await db.schema.createIndex("experiments_status").on("experiments").columns(["status", "created_at"]).execute();

        await db.schema
          .createTable("stages")
          .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("position", "integer", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("step", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("total_steps", "integer")
          .addColumn("message", "text")
          .addColumn("started_at", "text")
          .addColumn("finished_at", "text")
          .addPrimaryKeyConstraint("stages_pk", ["experiment_id", "name"])
          .execute();

        await db.schema
          .createTable("experiment_tags")
          .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
          .addColumn("tag", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("experiment_tags_pk", ["experiment_id", "tag"])
          .execute();
        await db.schema.createIndex("experiment_tags_tag").on("experiment_tags").column("tag").execute();

        await withId(db, "metrics")
          .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
          .addColumn("stage", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("step", "integer", (c) => c.notNull())
          .addColumn("value", real, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("metrics_series")
          .on("metrics")
          .columns(["experiment_id", "name", "step"])
          .execute();

        await withId(db, "logs")
          .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("stage", "text")
          .addColumn("line", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("logs_experiment").on("logs").columns(["experiment_id", "id"]).execute();

        await withId(db, "checkpoints")
          .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
          .addColumn("stage", "text", (c) => c.notNull())
          .addColumn("step", "integer", (c) => c.notNull())
          .addColumn("path", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();

        let predictions = withId(db, "predictions")
          .addColumn("experiment_id", "text", (c) => c.notNull().references("experiments.id").onDelete("cascade"))
          .addColumn("sample_id", "text", (c) => c.notNull())
          .addColumn("split", "text", (c) => c.notNull());
        for (const col of ["true_lat", "true_lon"]) predictions = predictions.addColumn(col, real, (c) => c.notNull());
        for (const col of [
          "true_continent",
          "true_country",
          "true_country_name",
          "true_admin1",
          "true_admin1_name",
          "true_city",
        ])
          predictions = predictions.addColumn(col, "text");
        predictions = predictions.addColumn("true_cell", "integer", (c) => c.notNull());
        predictions = predictions
          .addColumn("pred_country", "text")
          .addColumn("pred_country_name", "text")
          .addColumn("pred_country_p", real)
          .addColumn("pred_admin1", "text")
          .addColumn("pred_admin1_name", "text")
          .addColumn("pred_admin1_p", real)
          .addColumn("pred_cell", "integer")
          .addColumn("pred_place_name", "text")
          .addColumn("pred_place_p", real)
          .addColumn("pred_lat", real, (c) => c.notNull())
          .addColumn("pred_lon", real, (c) => c.notNull())
          .addColumn("confidence", real)
          .addColumn("error_km", real, (c) => c.notNull());
        for (const col of ["hit_country", "hit_admin1", "hit_city"])
          predictions = predictions.addColumn(col, "integer", (c) => c.notNull());
        await predictions.execute();
        // Pages walk (experiment, id) or (experiment, error_km, id); country filters and the
        // per-country breakdown group on the true country.
        await db.schema.createIndex("predictions_page").on("predictions").columns(["experiment_id", "id"]).execute();
        // The hit flags (and the country name) ride along so the summary and the per-country
        // breakdown read the index alone, never the table.
        await db.schema
          .createIndex("predictions_error")
          .on("predictions")
          .columns(["experiment_id", "error_km", "id", "hit_country", "hit_admin1", "hit_city"])
          .execute();
        await db.schema
          .createIndex("predictions_true_country")
          .on("predictions")
          .columns(["experiment_id", "true_country", "error_km", "id", "hit_country", "true_country_name"])
          .execute();
      },
    },
    "0002_prediction_bins": {
      async up(db: AnyDb) {
        // Counts per experiment × split × true country × level hits × fine error bin × threshold
        // band, kept in step with each prediction batch: the aggregates read these, not 1M rows.
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
          .addPrimaryKeyConstraint("prediction_bins_pk", [...BIN_KEY])
          .execute();
        await sql.raw(addBinsSql("predictions where true")).execute(db);
      },
    },
  };
}

/** Brings the database to the latest schema; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(
      `database migration ${failed?.migrationName ?? "(setup)"} failed: ${(error as Error).message ?? error}`,
    );
  }
}
