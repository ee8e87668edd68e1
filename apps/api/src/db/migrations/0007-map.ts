/**
 * Migration 0007: the error map's tables (store/map-sources.ts). Per experiment and split, a copy
 * of its predictions that have a coordinate, in the order of their Web Mercator cell, and a pyramid
 * of cells with counts and sums. Both are built by the API on the first map request, so nothing
 * here is backfilled and ingest writes neither. Spells its own columns, like every migration.
 */
import { type CreateTableBuilder, type Migration, sql } from "kysely";
import type { Dialect } from "../tables.ts";
import { type AnyDb, real, tableWithId } from "./shared.ts";

export function mapTables(dialect: Dialect): Migration {
  const withId = tableWithId(dialect);
  return {
    async up(db: AnyDb) {
      const int8 = dialect === "postgres" ? "bigint" : "integer";
      // SQLite keeps the rows in primary-key order (a clustered B-tree): a map tile is one range.
      // PostgreSQL has no clustered tables; the rows are inserted in key order when built.
      const clustered = <T extends CreateTableBuilder<string, string>>(t: T) =>
        dialect === "sqlite" ? t.modifyEnd(sql`without rowid`) : t;

      await withId(db, "map_sources")
        .addColumn("exp", int8, (c) => c.notNull().references("experiments.seq").onDelete("cascade"))
        .addColumn("split", "text", (c) => c.notNull())
        .addColumn("format", "integer", (c) => c.notNull())
        .addColumn("n", "integer", (c) => c.notNull())
        .addColumn("max_id", int8, (c) => c.notNull())
        .addColumn("built_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("map_sources_key").on("map_sources").columns(["exp", "split"]).unique().execute();

      // The copy and the cells name their source without a foreign key: PostgreSQL checks one per
      // inserted row, which doubled a build of a million rows. Deleting an experiment deletes them.
      let points: CreateTableBuilder<string, string> = db.schema
        .createTable("map_points")
        .addColumn("src", int8, (c) => c.notNull());
      for (const col of ["py", "px", "y", "x"]) points = points.addColumn(col, "integer", (c) => c.notNull());
      points = points.addColumn("id", int8, (c) => c.notNull());
      for (const col of ["true_lon", "true_lat", "pred_lon", "pred_lat", "error_km"])
        points = points.addColumn(col, real, (c) => c.notNull());
      await clustered(points.addPrimaryKeyConstraint("map_points_pk", ["src", "py", "px", "id"])).execute();

      let cells: CreateTableBuilder<string, string> = db.schema
        .createTable("map_cells")
        .addColumn("src", int8, (c) => c.notNull());
      for (const col of ["level", "y", "x", "n"]) cells = cells.addColumn(col, "integer", (c) => c.notNull());
      cells = cells.addColumn("sum_log_km", real, (c) => c.notNull());
      for (const col of ["n_1", "n_25", "n_200", "n_750", "n_2500"])
        cells = cells.addColumn(col, "integer", (c) => c.notNull());
      cells = cells.addColumn("max_km", real, (c) => c.notNull()).addColumn("worst_id", int8, (c) => c.notNull());
      await clustered(cells.addPrimaryKeyConstraint("map_cells_pk", ["src", "level", "y", "x"])).execute();
    },
  };
}
