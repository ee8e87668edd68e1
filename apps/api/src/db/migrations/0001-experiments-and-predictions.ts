/**
 * Migration 0001: the first schema. Experiments (config, status, the job's lease and its final
 * metrics), their stages, tags, metric series, log lines and checkpoints, and the predictions of
 * each run with the indexes their pages, filters and per-country breakdown read.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../tables.ts";
import { type AnyDb, predictionColumns, real, tableWithId } from "./shared.ts";

export function experimentsAndPredictions(dialect: Dialect): Migration {
  const withId = tableWithId(dialect);
  return {
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
      await db.schema.createIndex("metrics_series").on("metrics").columns(["experiment_id", "name", "step"]).execute();

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

      await predictionColumns(
        withId(db, "predictions").addColumn("experiment_id", "text", (c) =>
          c.notNull().references("experiments.id").onDelete("cascade"),
        ),
      ).execute();
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
  };
}
