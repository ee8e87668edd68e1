/**
 * Migration 0010: prediction_ingests.acked_upto — the rows of an upload's session on PostgreSQL
 * that calls already answered, while their bins wait for a later call of the same session
 * (store/prediction-writer.ts: consecutive calls of one run share a session and count their bins
 * once). Rows up to it are kept and counted by a recovery; rows above it are taken out. Null while
 * no call of the session has been answered.
 */
import { type Migration, sql } from "kysely";
import type { Dialect } from "../tables.ts";
import type { AnyDb } from "./shared.ts";

export function ingestAcknowledged(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      const seqType = dialect === "postgres" ? sql`bigint` : sql`integer`;
      await sql`alter table prediction_ingests add column acked_upto ${seqType}`.execute(db);
    },
  };
}
