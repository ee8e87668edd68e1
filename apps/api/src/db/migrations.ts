/**
 * The migrations, one set for both dialects. Column types are chosen to mean the same on both:
 * "double precision" (REAL affinity in SQLite), integer 0/1 for booleans, ISO-8601 text for
 * timestamps (sorts as time on both). Only the auto-increment key differs.
 */
import { type CreateTableBuilder, type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Database, Dialect } from "./tables.ts";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is
type AnyDb = Kysely<any>;

/** The key of prediction_bins as 0002 created it. */
const V2_BIN_KEY = [
  "experiment_id",
  "split",
  "true_country",
  "true_country_name",
  "hit_country",
  "hit_admin1",
  "hit_city",
  "bin",
  "band",
] as const;

/**
 * The bins of every stored prediction, as 0002 computed them from the predictions table of its
 * day (experiment_id, hit_city): a frozen copy of the writer's SQL of then, so replaying 0002
 * never depends on how bins are written now.
 */
export function v2BinsBackfillSql(): string {
  const fineBin = "case when error_km < 0.001 then -61 else cast(floor(log10(error_km) * 20) as integer) end";
  const band = [1, 25, 200, 750, 2500].map((t) => `case when error_km > ${t} then 1 else 0 end`).join(" + ");
  const keyOfRow = `experiment_id, split, coalesce(true_country, ''), coalesce(true_country_name, ''), hit_country, hit_admin1, hit_city, ${fineBin}, (${band})`;
  return `insert into prediction_bins (${V2_BIN_KEY.join(", ")}, n, sum_km, sum_geo)
    select ${keyOfRow}, count(*), sum(error_km), sum(5000 * exp(-error_km / 1492.7))
    from predictions group by ${keyOfRow}
    on conflict (${V2_BIN_KEY.join(", ")}) do update set n = prediction_bins.n + excluded.n,
      sum_km = prediction_bins.sum_km + excluded.sum_km, sum_geo = prediction_bins.sum_geo + excluded.sum_geo`;
}

function migrations(dialect: Dialect): Record<string, Migration> {
  const withId = (db: AnyDb, table: string) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  const real = sql`double precision`;
  /** Every column of a prediction after its key and experiment (the same in 0001 and 0003). */
  // biome-ignore lint/suspicious/noExplicitAny: a table builder of either migration
  const predictionColumns = (table: CreateTableBuilder<any, any>) => {
    table = table.addColumn("sample_id", "text", (c) => c.notNull()).addColumn("split", "text", (c) => c.notNull());
    for (const col of ["true_lat", "true_lon"]) table = table.addColumn(col, real, (c) => c.notNull());
    for (const col of [
      "true_continent",
      "true_country",
      "true_country_name",
      "true_admin1",
      "true_admin1_name",
      "true_city",
    ])
      table = table.addColumn(col, "text");
    table = table
      .addColumn("true_cell", "integer", (c) => c.notNull())
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
      table = table.addColumn(col, "integer", (c) => c.notNull());
    return table;
  };
  /** The prediction columns 0001 created, by name: the copy in 0003 moves exactly these. */
  const v1PredictionColumns = [
    "sample_id",
    "split",
    "true_lat",
    "true_lon",
    "true_continent",
    "true_country",
    "true_country_name",
    "true_admin1",
    "true_admin1_name",
    "true_city",
    "true_cell",
    "pred_country",
    "pred_country_name",
    "pred_country_p",
    "pred_admin1",
    "pred_admin1_name",
    "pred_admin1_p",
    "pred_cell",
    "pred_place_name",
    "pred_place_p",
    "pred_lat",
    "pred_lon",
    "confidence",
    "error_km",
    "hit_country",
    "hit_admin1",
    "hit_city",
  ];
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
          .addPrimaryKeyConstraint("prediction_bins_pk", [...V2_BIN_KEY])
          .execute();
        await sql.raw(v2BinsBackfillSql()).execute(db);
      },
    },
    "0003_integer_experiment_keys": {
      async up(db: AnyDb) {
        // The prediction indexes led with the experiment's 36-character UUID: a third of every
        // index entry, and the bulk of the pages an ingest batch dirties. They now lead with a
        // small integer per experiment (experiments.seq), and predictions reference it.
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
    },
    "0004_place_level": {
      async up(db: AnyDb) {
        // The third scored level is the place (a geocell), not the Chain of Region's named city:
        // one name for it everywhere. Both dialects rename in place and carry the indexes along.
        for (const table of ["predictions", "prediction_bins"]) {
          await sql`alter table ${sql.table(table)} rename column hit_city to hit_place`.execute(db);
        }
      },
    },
    "0005_external_runs": {
      async up(db: AnyDb) {
        // Runs from any framework: an experiment's kind and the split it predicts; a prediction's
        // raw answer, whether a coordinate could be read from it (none: pred_lat/pred_lon null),
        // the chain it states resolved to Chain-of-Region units, its right stated levels and
        // whether its coordinate lies in its stated country. One prediction per sample and run.
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
          for (const [col, type] of added)
            await sql.raw(`alter table predictions add column ${col} ${type}`).execute(db);
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
          await sql
            .raw(`insert into predictions_next (${cols}) select ${cols} from predictions order by id`)
            .execute(db);
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
    },
    "0006_people": {
      async up(db: AnyDb) {
        // People, their roles and personal tokens (stored as keyed hashes, never as themselves),
        // sign-in attempts (the throttle), one-time sign-in codes, the audit log, and who created
        // each experiment and dataset.
        await db.schema
          .createTable("users")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull().unique())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("password_hash", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("api_tokens")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("secret_hash", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text")
          .addColumn("last_used_at", "text")
          .addColumn("revoked_at", "text")
          .execute();
        await db.schema.createIndex("api_tokens_user").on("api_tokens").columns(["user_id", "created_at"]).execute();
        await withId(db, "sign_in_attempts")
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("ok", "integer", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("sign_in_attempts_name").on("sign_in_attempts").columns(["name", "at"]).execute();
        await db.schema
          .createTable("sign_in_codes")
          .addColumn("code_hash", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("expires_at", "text", (c) => c.notNull())
          .addColumn("used_at", "text")
          .execute();
        await withId(db, "audit_log")
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("user_name", "text", (c) => c.notNull())
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("target", "text")
          .execute();
        await sql`alter table experiments add column created_by text`.execute(db);
        await db.schema
          .createTable("dataset_owners")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
      },
    },
  };
}

/**
 * Brings the database to the latest schema (or to the migration named `to`, for tests of a
 * migration); throws with the failing migration's name.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect, to?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await (to ? migrator.migrateTo(to) : migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(
      `database migration ${failed?.migrationName ?? "(setup)"} failed: ${(error as Error).message ?? error}`,
    );
  }
}
