/**
 * Migration 0003: integer experiment keys. The prediction indexes led with the experiment's
 * 36-character UUID: a third of every index entry, and the bulk of the pages an ingest batch
 * dirties. They now lead with a small integer per experiment (experiments.seq), and predictions
 * reference it.
 */
import { type Migration, sql } from "kysely";
import type { Dialect } from "../tables.ts";
import { type AnyDb, predictionColumns, tableWithId, v1PredictionColumns } from "./shared.ts";

export function integerExperimentKeys(dialect: Dialect): Migration {
  const withId = tableWithId(dialect);
  return {
    async up(db: AnyDb) {
      const cols = v1PredictionColumns.join(", ");
      if (dialect === "postgres") {
        await sql`alter table experiments add column seq bigserial`.execute(db);
        await sql`alter table experiments add constraint experiments_seq unique (seq)`.execute(db);
        await sql`alter table predictions add column exp bigint`.execute(db);
        await sql`update predictions p set exp = e.seq from experiments e where e.id = p.experiment_id`.execute(db);
        await sql`alter table predictions alter column exp set not null`.execute(db);
        // Drops its foreign key and the three indexes that led with it.
        await sql`alter table predictions drop column experiment_id`.execute(db);
        await sql`alter table predictions add constraint predictions_exp_fk foreign key (exp)
            references experiments (seq) on delete cascade`.execute(db);
      } else {
        await sql`alter table experiments add column seq integer`.execute(db);
        await sql`update experiments set seq = rowid`.execute(db);
        await sql`create unique index experiments_seq on experiments (seq)`.execute(db);
        // SQLite has no sequences: a new experiment takes the next number in its insert's transaction.
        await sql`create trigger experiments_seq after insert on experiments when new.seq is null begin
            update experiments set seq = (select coalesce(max(seq), 0) + 1 from experiments) where id = new.id;
          end`.execute(db);
        // A column's foreign key cannot change in place: copy into the new shape.
        await predictionColumns(
          withId(db, "predictions_next").addColumn("exp", "integer", (c) =>
            c.notNull().references("experiments.seq").onDelete("cascade"),
          ),
        ).execute();
        await sql
          .raw(`insert into predictions_next (id, exp, ${cols})
              select p.id, e.seq, ${v1PredictionColumns.map((c) => `p.${c}`).join(", ")}
              from predictions p join experiments e on e.id = p.experiment_id order by p.id`)
          .execute(db);
        await sql`drop table predictions`.execute(db);
        await sql`alter table predictions_next rename to predictions`.execute(db);
      }
      await db.schema.createIndex("predictions_page").on("predictions").columns(["exp", "id"]).execute();
      await db.schema
        .createIndex("predictions_error")
        .on("predictions")
        .columns(["exp", "error_km", "id", "hit_country", "hit_admin1", "hit_city"])
        .execute();
      await db.schema
        .createIndex("predictions_true_country")
        .on("predictions")
        .columns(["exp", "true_country", "error_km", "id", "hit_country"])
        .execute();
    },
  };
}
