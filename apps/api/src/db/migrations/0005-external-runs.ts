/**
 * Migration 0005: runs from any framework. An experiment's kind and the split it predicts; a
 * prediction's raw answer, whether a coordinate could be read from it (none: pred_lat/pred_lon
 * null), the chain it states resolved to Chain-of-Region units, its right stated levels and whether
 * its coordinate lies in its stated country. One prediction per sample and run.
 */
import { type Migration, sql } from "kysely";
import type { Dialect } from "../tables.ts";
import type { AnyDb } from "./shared.ts";

export function externalRuns(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await sql`alter table experiments add column kind text not null default 'BUILTIN'`.execute(db);
      await sql`alter table experiments add column split text`.execute(db);
      const added: Array<[string, string]> = [
        ["answer", "text"],
        ["parsed", "integer not null default 1"],
        ["stated_country", "text"],
        ["stated_country_name", "text"],
        ["stated_admin1", "text"],
        ["stated_admin1_name", "text"],
        ["stated_city", "text"],
        ["stated_city_name", "text"],
        ["stated_unresolved", "text"],
        ["stated_hit_country", "integer"],
        ["stated_hit_admin1", "integer"],
        ["stated_hit_city", "integer"],
        ["consistent", "integer"],
      ];
      if (dialect === "postgres") {
        await sql`alter table predictions alter column pred_lat drop not null`.execute(db);
        await sql`alter table predictions alter column pred_lon drop not null`.execute(db);
        for (const [col, type] of added) await sql.raw(`alter table predictions add column ${col} ${type}`).execute(db);
      } else {
        // SQLite cannot drop NOT NULL in place: copy into the new shape (indexes go with the old table).
        const kept: Array<[string, string]> = [
          ["sample_id", "text not null"],
          ["split", "text not null"],
          ["true_lat", "double precision not null"],
          ["true_lon", "double precision not null"],
          ["true_continent", "text"],
          ["true_country", "text"],
          ["true_country_name", "text"],
          ["true_admin1", "text"],
          ["true_admin1_name", "text"],
          ["true_city", "text"],
          ["true_cell", "integer not null"],
          ["pred_country", "text"],
          ["pred_country_name", "text"],
          ["pred_country_p", "double precision"],
          ["pred_admin1", "text"],
          ["pred_admin1_name", "text"],
          ["pred_admin1_p", "double precision"],
          ["pred_cell", "integer"],
          ["pred_place_name", "text"],
          ["pred_place_p", "double precision"],
          ["pred_lat", "double precision"],
          ["pred_lon", "double precision"],
          ["confidence", "double precision"],
          ["error_km", "double precision not null"],
          ["hit_country", "integer not null"],
          ["hit_admin1", "integer not null"],
          ["hit_place", "integer not null"],
        ];
        const columns = [
          "id integer primary key autoincrement",
          "exp integer not null references experiments (seq) on delete cascade",
          ...[...kept, ...added].map(([c, t]) => `${c} ${t}`),
        ];
        await sql.raw(`create table predictions_next (${columns.join(", ")})`).execute(db);
        const cols = ["id", "exp", ...kept.map(([c]) => c)].join(", ");
        await sql.raw(`insert into predictions_next (${cols}) select ${cols} from predictions order by id`).execute(db);
        await sql`drop table predictions`.execute(db);
        await sql`alter table predictions_next rename to predictions`.execute(db);
        await db.schema.createIndex("predictions_page").on("predictions").columns(["exp", "id"]).execute();
        await db.schema
          .createIndex("predictions_error")
          .on("predictions")
          .columns(["exp", "error_km", "id", "hit_country", "hit_admin1", "hit_place"])
          .execute();
        await db.schema
          .createIndex("predictions_true_country")
          .on("predictions")
          .columns(["exp", "true_country", "error_km", "id", "hit_country"])
          .execute();
      }
      // A sample is predicted once per run: the store refuses a second row, even from a racing upload.
      await db.schema
        .createIndex("predictions_sample")
        .on("predictions")
        .columns(["exp", "sample_id"])
        .unique()
        .execute();
      for (const col of [
        "n_unparsed",
        "n_stated",
        "sum_stated_country",
        "sum_stated_admin1",
        "sum_stated_city",
        "n_checked",
        "n_consistent",
      ])
        await sql.raw(`alter table prediction_bins add column ${col} integer not null default 0`).execute(db);
    },
  };
}
