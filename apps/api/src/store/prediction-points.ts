/**
 * The map's columns of the filtered predictions (ids, both positions, error), read in one query
 * straight into typed arrays: no row object or GraphQL object per prediction.
 */
import type { Bounds } from "@geor/geo/map-grid";
import type SQLite from "better-sqlite3";
import type { CompiledQuery, Kysely } from "kysely";
import type { Database } from "../db/tables.ts";
import { applyFilter, whereBounds } from "./prediction-filter.ts";
import type { PredictionFilter } from "./types.ts";

/** Columns of `count` predictions in id order. */
export interface PredictionPointColumns {
  count: number;
  /** More predictions match after the last one returned. */
  truncated: boolean;
  ids: Int32Array;
  /** lon, lat of the true location, interleaved. */
  truePositions: Float32Array;
  /** lon, lat of the predicted location, interleaved. */
  predictedPositions: Float32Array;
  errorKm: Float32Array;
}

const INT32_MAX = 2 ** 31 - 1;

/** Typed arrays that double when full; `take` trims them to what was written. */
class ColumnBuilder {
  private n = 0;
  private ids = new Int32Array(1024);
  private truePositions = new Float32Array(2048);
  private predictedPositions = new Float32Array(2048);
  private errorKm = new Float32Array(1024);

  push(id: number, trueLon: number, trueLat: number, predLon: number, predLat: number, errorKm: number): void {
    if (id > INT32_MAX) throw new RangeError(`prediction id ${id} does not fit the Int32 ids column`);
    if (this.n === this.ids.length) this.grow();
    const i = this.n++;
    this.ids[i] = id;
    this.truePositions[2 * i] = trueLon;
    this.truePositions[2 * i + 1] = trueLat;
    this.predictedPositions[2 * i] = predLon;
    this.predictedPositions[2 * i + 1] = predLat;
    this.errorKm[i] = errorKm;
  }

  private grow(): void {
    const bigger = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.ids = bigger(this.ids, (n) => new Int32Array(n));
    this.truePositions = bigger(this.truePositions, (n) => new Float32Array(n));
    this.predictedPositions = bigger(this.predictedPositions, (n) => new Float32Array(n));
    this.errorKm = bigger(this.errorKm, (n) => new Float32Array(n));
  }

  take(truncated: boolean): PredictionPointColumns {
    const n = this.n;
    return {
      count: n,
      truncated,
      ids: this.ids.slice(0, n),
      truePositions: this.truePositions.slice(0, 2 * n),
      predictedPositions: this.predictedPositions.slice(0, 2 * n),
      errorKm: this.errorKm.slice(0, n),
    };
  }
}

/** The six map columns a points query selects, in this order. */
export const POINT_COLUMNS = ["id", "true_lon", "true_lat", "pred_lon", "pred_lat", "error_km"] as const;
type PointRow = {
  id: number;
  true_lon: number;
  true_lat: number;
  pred_lon: number | null;
  pred_lat: number | null;
  error_km: number;
};

/**
 * Up to `limit` rows of a query selecting POINT_COLUMNS (and one more, which says the columns
 * are truncated) as columns. On SQLite its rows are read as plain arrays by better-sqlite3's
 * iterator, synchronously from the first row to the last, so no other query interleaves; on
 * PostgreSQL they come as one result.
 */
export async function readPointColumns(
  q: { compile(): CompiledQuery; execute(): Promise<PointRow[]> },
  sqlite: SQLite.Database | null,
  limit: number,
): Promise<PredictionPointColumns> {
  const out = new ColumnBuilder();
  let seen = 0;
  if (sqlite) {
    const { sql, parameters } = q.compile();
    const rows = sqlite
      .prepare(sql)
      .raw(true)
      .iterate(...parameters) as IterableIterator<[number, number, number, number, number, number]>;
    for (const r of rows) {
      if (++seen > limit) break;
      out.push(r[0], r[1], r[2], r[3], r[4], r[5]);
    }
  } else {
    for (const r of await q.execute()) {
      if (++seen > limit) break;
      // The caller filters on parsed: every row has its predicted coordinate.
      out.push(r.id, r.true_lon, r.true_lat, r.pred_lon as number, r.pred_lat as number, r.error_km);
    }
  }
  return out.take(seen > limit);
}

export class PredictionPointStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: SQLite.Database | null,
  ) {}

  /**
   * Up to `limit` predictions matching the filter with an id above `afterId`, in id order (the
   * (experiment, id) index), as columns; with `within`, only those whose true location is also
   * inside it. One SELECT of six columns.
   */
  async read(
    filter: PredictionFilter,
    limit: number,
    afterId: number | null,
    within: Bounds | null = null,
  ): Promise<PredictionPointColumns> {
    let q = applyFilter(this.db.selectFrom("predictions").select(POINT_COLUMNS), filter);
    if (within) q = whereBounds(q, within);
    if (afterId !== null) q = q.where("id", ">", afterId);
    // One row past the limit says whether the columns are truncated.
    return readPointColumns(q.orderBy("id", "asc").limit(limit + 1), this.sqlite, limit);
  }
}
