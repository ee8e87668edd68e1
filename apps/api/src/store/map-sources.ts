/**
 * The map's sources: per experiment and split, a copy of its predictions that have a coordinate
 * in the order of their cell (map_points: a map tile is one key range), and the pyramid of their
 * cells at levels GRID_MIN_LEVEL…MAP_PYRAMID_LEVEL (map_cells: count, sum of log errors, counts
 * within each threshold, the worst prediction). Ingest writes neither: the first map request of
 * an experiment builds its source in one pass over the rows (the cells of the finest pyramid
 * level summed in the copy's order, each coarser level from the one below), and a later request
 * brings it up to date when the predictions changed. The predictions' count per split comes from
 * prediction_bins (cheap) and their largest id from the (exp, id) index; ids only grow, so rows
 * added since have larger ids and are added to the copy and to every level's cells in place,
 * while any other change (rows deleted, an EVAL run again) rebuilds the source.
 */
import { GRID_MAX_LEVEL, GRID_MIN_LEVEL } from "@geor/geo/map-grid";
import { type Kysely, sql } from "kysely";
import type { Database, Dialect } from "../db/tables.ts";
import { CELL_SUMS, cellsSql, MERGE_CELL_SQL, ROW_SUMS_SQL, withCellSql } from "./map-grid-sql.ts";
import { applyFilter } from "./prediction-filter.ts";

/**
 * The finest level kept in the pyramid (1024 × 1024 cells of ~39 km); views binned finer sum
 * the copy's rows of their tiles on the fly. docs/decisions.md says why, with the build's cost.
 */
export const MAP_PYRAMID_LEVEL = 10;
/** The grid and pyramid a source was built with: a source of another format is rebuilt. */
export const MAP_SOURCE_FORMAT = 1;
/** Sources take at most this many new predictions in place; more are a rebuild (one sorted pass). */
const MAX_ADDED_IN_PLACE = 100_000;
/** pg_advisory_lock's first key for the map: builders of one experiment's sources take turns. */
const PG_LOCK_CLASS = 0x6d6170; // "map"

export interface MapSource {
  /** map_sources.id */
  src: number;
  /** Predictions in the copy. */
  n: number;
}

/** An experiment's number, and the count and largest id of its (split's) predictions with a coordinate. */
interface Current {
  seq: number;
  n: number;
  maxId: number;
}

export class MapSources {
  /** Refreshes under way per experiment and split: concurrent requests wait for the same one. */
  private readonly pending = new Map<string, Promise<MapSource | null>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * The source of an experiment's predictions (of one split, or all for null), built or brought
   * up to date first; null when there is no such experiment.
   */
  ready(experimentId: string, split: string | null): Promise<MapSource | null> {
    const key = JSON.stringify([experimentId, split]);
    let p = this.pending.get(key);
    if (!p) {
      p = this.refresh(experimentId, split ?? "").finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private async refresh(experimentId: string, split: string): Promise<MapSource | null> {
    const now = await this.current(this.db, experimentId, split);
    if (!now) return null;
    const stored = await this.stored(this.db, now.seq, split);
    if (stored && isFresh(stored, now)) return { src: stored.id, n: stored.n };
    return this.locked(now.seq, async (tx) => {
      // Another builder may have finished while this one waited for the lock.
      const again = (await this.current(tx, experimentId, split)) as Current;
      const mine = await this.stored(tx, again.seq, split);
      if (mine && isFresh(mine, again)) return { src: mine.id, n: mine.n };
      if (mine && mine.format === MAP_SOURCE_FORMAT && again.maxId > mine.max_id) {
        const added = await this.countRows(tx, experimentId, split, mine.max_id, again.maxId);
        if (added <= MAX_ADDED_IN_PLACE && mine.n + added === again.n)
          return this.add(tx, experimentId, split, mine, again.maxId);
      }
      return this.build(tx, experimentId, split, again, mine?.id ?? null);
    });
  }

  /** Runs `work` in a transaction; on PostgreSQL one builder per experiment at a time. */
  private locked<T>(seq: number, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
    // SQLite: one connection, held by the transaction.
    if (this.dialect === "sqlite") return this.db.transaction().execute(work);
    // A session lock taken before the transaction begins, so its snapshot follows the last builder's commit.
    return this.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${PG_LOCK_CLASS}, ${seq})`.execute(conn);
      try {
        return await conn.transaction().execute(work);
      } finally {
        await sql`select pg_advisory_unlock(${PG_LOCK_CLASS}, ${seq})`.execute(conn);
      }
    });
  }

  private async current(db: Kysely<Database>, experimentId: string, split: string): Promise<Current | null> {
    const exp = await db.selectFrom("experiments").select("seq").where("id", "=", experimentId).executeTakeFirst();
    if (!exp) return null;
    let bins = db
      .selectFrom("prediction_bins")
      .select(sql<number>`coalesce(sum(n - n_unparsed), 0)`.as("n"))
      .where("experiment_id", "=", experimentId);
    if (split) bins = bins.where("split", "=", split);
    const last = await this.rows(db, experimentId, split)
      .select((eb) => eb.fn.max("id").as("max_id"))
      .executeTakeFirstOrThrow();
    return { seq: exp.seq, n: Number((await bins.executeTakeFirstOrThrow()).n), maxId: Number(last.max_id ?? 0) };
  }

  private stored(db: Kysely<Database>, seq: number, split: string) {
    return db
      .selectFrom("map_sources")
      .selectAll()
      .where("exp", "=", seq)
      .where("split", "=", split)
      .executeTakeFirst();
  }

  /** The experiment's (split's) prediction rows that have a coordinate. */
  private rows(db: Kysely<Database>, experimentId: string, split: string) {
    return applyFilter(db.selectFrom("predictions"), { experimentId, split: split || null, parsed: true });
  }

  private async countRows(db: Kysely<Database>, experimentId: string, split: string, above: number, upTo: number) {
    const r = await this.rows(db, experimentId, split)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("id", ">", above)
      .where("id", "<=", upTo)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** The rows with ids in (above, upTo] and their cells at GRID_MAX_LEVEL. */
  private cellRows(db: Kysely<Database>, experimentId: string, split: string, above: number, upTo: number) {
    const rows = this.rows(db, experimentId, split)
      .select(["id", "true_lon", "true_lat", "pred_lon", "pred_lat", "error_km"])
      .where("id", ">", above)
      .where("id", "<=", upTo);
    return withCellSql(this.dialect, rows);
  }

  /** Copies the rows with ids up to `upTo` anew and sums their pyramid. */
  private async build(
    tx: Kysely<Database>,
    experimentId: string,
    split: string,
    now: Current,
    oldSrc: number | null,
  ): Promise<MapSource> {
    const fields = { format: MAP_SOURCE_FORMAT, n: 0, max_id: now.maxId, built_at: new Date().toISOString() };
    let src: number;
    if (oldSrc === null) {
      const row = await tx
        .insertInto("map_sources")
        .values({ exp: now.seq, split, ...fields })
        .returning("id")
        .executeTakeFirstOrThrow();
      src = Number(row.id);
    } else {
      src = oldSrc;
      await tx.deleteFrom("map_points").where("src", "=", src).execute();
      await tx.deleteFrom("map_cells").where("src", "=", src).execute();
    }
    const d = sql.raw(String(GRID_MAX_LEVEL - MAP_PYRAMID_LEVEL));
    const postgres = this.dialect === "postgres";
    // PostgreSQL's default 4 MB per sort would sort a million rows on disk.
    if (postgres) await sql`set local work_mem = '128MB'`.execute(tx);
    // Inserted in key order: SQLite appends to its clustered B-tree, PostgreSQL's heap keeps the order.
    const copied =
      await sql`insert into map_points (src, py, px, y, x, id, true_lon, true_lat, pred_lon, pred_lat, error_km)
      select ${sql.lit(src)}, y >> ${d} as py, x >> ${d} as px, y, x, id, true_lon, true_lat, pred_lon, pred_lat, error_km
      from ${this.cellRows(tx, experimentId, split, 0, now.maxId)} c
      order by py, px, id`.execute(tx);
    // PostgreSQL plans by statistics, and a table it has none of looks empty.
    if (postgres) await sql`analyze map_points`.execute(tx);
    await this.sumFinestLevel(tx, src);
    for (let level = MAP_PYRAMID_LEVEL - 1; level >= GRID_MIN_LEVEL; level--) await this.rollUp(tx, src, level);
    if (postgres) await sql`analyze map_cells`.execute(tx);
    const n = Number(copied.numAffectedRows ?? 0);
    await tx
      .updateTable("map_sources")
      .set({ ...fields, n })
      .where("id", "=", src)
      .execute();
    return { src, n };
  }

  /**
   * The finest pyramid level from the copy, read in (py, px) order so the sums stream cell by
   * cell. The worst prediction: on SQLite one seek into the cell's rows; on PostgreSQL a window
   * over the same order (it has no statistics of the new rows to plan per-cell seeks by).
   */
  private async sumFinestLevel(tx: Kysely<Database>, src: number): Promise<void> {
    const sums = sql.raw(ROW_SUMS_SQL);
    const head = sql`insert into map_cells (src, level, y, x, ${sql.raw(CELL_SUMS.join(", "))})
      select ${sql.lit(src)}, ${sql.lit(MAP_PYRAMID_LEVEL)}, py, px`;
    if (this.dialect === "postgres") {
      await sql`${head}, ${sums}, min(case when error_km = cell_max then id end)
        from (select py, px, id, error_km, max(error_km) over (partition by py, px) as cell_max
          from map_points where src = ${src}) r
        group by py, px`.execute(tx);
      return;
    }
    await sql`${head}, ${sql.raw(CELL_SUMS.slice(0, -1).join(", "))},
        (select min(q.id) from map_points q where q.src = ${src} and q.py = g.py and q.px = g.px and q.error_km = g.max_km)
      from (select py, px, ${sums} from map_points where src = ${src} group by py, px) g`.execute(tx);
  }

  /**
   * A level's cells from the four children each has one level down: sums add, the worst is the
   * children's largest error (the smallest id among equal ones).
   */
  private async rollUp(tx: Kysely<Database>, src: number, level: number): Promise<void> {
    const sums = CELL_SUMS.slice(0, -2)
      .map((c) => `sum(${c})`)
      .join(", ");
    await sql`insert into map_cells (src, level, y, x, ${sql.raw(CELL_SUMS.join(", "))})
      select ${sql.lit(src)}, ${sql.lit(level)}, py, px, ${sql.raw(sums)}, max(max_km),
        min(case when max_km = parent_max then worst_id end)
      from (select y >> 1 as py, x >> 1 as px, ${sql.raw(CELL_SUMS.join(", "))},
          max(max_km) over (partition by y >> 1, x >> 1) as parent_max
        from map_cells where src = ${src} and level = ${level + 1}) c
      group by py, px`.execute(tx);
  }

  /** Adds the rows with ids in (max_id, upTo] to the copy and to every level's cells. */
  private async add(
    tx: Kysely<Database>,
    experimentId: string,
    split: string,
    source: { id: number; n: number; max_id: number },
    upTo: number,
  ): Promise<MapSource> {
    const src = source.id;
    const rows = () => this.cellRows(tx, experimentId, split, source.max_id, upTo);
    const d = sql.raw(String(GRID_MAX_LEVEL - MAP_PYRAMID_LEVEL));
    const copied =
      await sql`insert into map_points (src, py, px, y, x, id, true_lon, true_lat, pred_lon, pred_lat, error_km)
      select ${sql.lit(src)}, y >> ${d}, x >> ${d}, y, x, id, true_lon, true_lat, pred_lon, pred_lat, error_km
      from ${rows()} c`.execute(tx);
    for (let level = GRID_MIN_LEVEL; level <= MAP_PYRAMID_LEVEL; level++) {
      await sql`insert into map_cells (src, level, y, x, ${sql.raw(CELL_SUMS.join(", "))})
        select ${sql.lit(src)}, ${sql.lit(level)}, c.* from ${cellsSql(rows(), level)} c where true
        ${sql.raw(MERGE_CELL_SQL)}`.execute(tx);
    }
    const n = source.n + Number(copied.numAffectedRows ?? 0);
    await tx
      .updateTable("map_sources")
      .set({ n, max_id: upTo, built_at: new Date().toISOString() })
      .where("id", "=", src)
      .execute();
    return { src, n };
  }
}

function isFresh(stored: { format: number; n: number; max_id: number }, now: Current): boolean {
  return stored.format === MAP_SOURCE_FORMAT && stored.n === now.n && Number(stored.max_id) === now.maxId;
}
