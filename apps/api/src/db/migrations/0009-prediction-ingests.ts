/**
 * Migration 0009: prediction_ingests — an external run's upload in progress on PostgreSQL. Its
 * batches are committed one by one but counted into the bins once, when the call ends
 * (store/prediction-writer.ts); the row here says which rows (id > after_id) are not counted
 * yet, so rows left by a call that never ended (the API or its connection gone) are found and
 * taken out. SQLite counts each batch as it writes it and leaves the table empty.
 */
import { type Migration, sql } from "kysely";
import type { Dialect } from "../tables.ts";
import type { AnyDb } from "./shared.ts";

export function predictionIngests(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      const seqType = dialect === "postgres" ? sql`bigint` : sql`integer`;
      await db.schema
        .createTable("prediction_ingests")
        .addColumn("exp", seqType, (c) => c.primaryKey().references("experiments.seq").onDelete("cascade"))
        .addColumn("after_id", seqType, (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .execute();
    },
  };
}
