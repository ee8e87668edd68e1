/**
 * Migration 0004: the place level. The third scored level is the place (a geocell), not the Chain
 * of Region's named city: one name for it everywhere. Both dialects rename in place and carry the
 * indexes along.
 */
import { type Migration, sql } from "kysely";
import type { AnyDb } from "./shared.ts";

export function placeLevel(): Migration {
  return {
    async up(db: AnyDb) {
      for (const table of ["predictions", "prediction_bins"]) {
        await sql`alter table ${sql.table(table)} rename column hit_city to hit_place`.execute(db);
      }
    },
  };
}
