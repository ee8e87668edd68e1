/**
 * What more than one migration builds with. Column types are chosen to mean the same on both
 * dialects: "double precision" (REAL affinity in SQLite), integer 0/1 for booleans, ISO-8601 text
 * for timestamps (sorts as time on both). Only the auto-increment key differs (tableWithId).
 * Frozen: a migration replays as it first ran, so these change only by adding new ones.
 */
import { type CreateTableBuilder, type Kysely, sql } from "kysely";
import type { Dialect } from "../tables.ts";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is
export type AnyDb = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: a table builder of any table
export type TableWithId = (db: AnyDb, table: string) => CreateTableBuilder<any, any>;

/** A new table whose first column is the dialect's auto-increment key "id". */
export function tableWithId(dialect: Dialect): TableWithId {
  return (db, table) =>
    dialect === "postgres"
      ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export const real = sql`double precision`;

/** Every column of a prediction after its key and experiment (the same in 0001 and 0003). */
// biome-ignore lint/suspicious/noExplicitAny: a table builder of either migration
export function predictionColumns(table: CreateTableBuilder<any, any>): CreateTableBuilder<any, any> {
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
}

/** The prediction columns 0001 created, by name: the copy in 0003 moves exactly these. */
export const v1PredictionColumns = [
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

/** The key of prediction_bins as 0002 created it. */
export const V2_BIN_KEY = [
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
