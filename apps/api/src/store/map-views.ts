/**
 * The error map's views: for the tiles a view touches, its predictions as points when they are
 * at most the budget, else their cells at the view's level as bins. Every prediction in the tiles
 * is counted in exactly one bin. A filter of experiment and split reads the experiment's map
 * source (map-sources.ts): the pyramid's cells up to MAP_PYRAMID_LEVEL, finer cells summed from
 * the copy's rows of the tiles, points from the copy. Any other filter reads the prediction rows
 * within the tiles' bounds. Ended experiments' views are kept in memory (result-cache.ts).
 */
import type { ThresholdKm } from "@geor/geo/constants";
import {
  type Bounds,
  boundsOfRange,
  GRID_MAX_LEVEL,
  type GridRange,
  latEdge,
  lonEdge,
  rangeAtLevel,
} from "@geor/geo/map-grid";
import type SQLite from "better-sqlite3";
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Database, Dialect } from "../db/tables.ts";
import { CELL_SUMS, type CellRow, cellsSql, withCellSql } from "./map-grid-sql.ts";
import { MAP_PYRAMID_LEVEL, type MapSource, MapSources } from "./map-sources.ts";
import { applyFilter, whereBounds } from "./prediction-filter.ts";
import {
  POINT_COLUMNS,
  type PredictionPointColumns,
  PredictionPointStore,
  readPointColumns,
} from "./prediction-points.ts";
import { ResultCache } from "./result-cache.ts";
import type { PredictionFilter } from "./types.ts";

/** Views kept in memory per process, and their largest total size. */
const CACHED_VIEWS = 500;
const CACHED_BYTES = 64 * 2 ** 20;
const INT32_MAX = 2 ** 31 - 1;

export interface MapViewQuery {
  filter: PredictionFilter;
  /** The level bins are at. */
  level: number;
  /** The tiles the view touches (@geor/geo/map-grid viewTiles). */
  tiles: GridRange;
  thresholdKm: ThresholdKm;
  budget: number;
}

/** Bins as columns: `count` rows, bounds four values a row (west, south, east, north). */
export interface MapBinColumns {
  level: number;
  count: number;
  bounds: Float32Array;
  counts: Int32Array;
  meanLogErrorKm: Float32Array;
  accuracy: Float32Array;
  worstIds: Int32Array;
}

export interface MapViewResult {
  mode: "POINTS" | "BINS";
  /** Predictions with a coordinate in the tiles. */
  total: number;
  level: number;
  tiles: GridRange;
  /** The tiles' bounds. */
  covered: Bounds;
  points: PredictionPointColumns | null;
  bins: MapBinColumns | null;
}

/** Whether the map sources answer a filter: only the experiment and split (parsed is implied). */
export function sourcesCover(f: PredictionFilter): boolean {
  return Object.entries(f).every(([k, v]) => v == null || k === "experimentId" || k === "split" || k === "parsed");
}

export class MapViews {
  private readonly sources: MapSources;
  private readonly points: PredictionPointStore;
  private readonly cache: ResultCache;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly sqlite: SQLite.Database | null,
  ) {
    this.sources = new MapSources(db, dialect);
    this.points = new PredictionPointStore(db, sqlite);
    const weigh = (v: unknown) => {
      const r = v as MapViewResult;
      const arrays = [...Object.values(r.points ?? {}), ...Object.values(r.bins ?? {})];
      return arrays.reduce((s: number, a) => s + (ArrayBuffer.isView(a) ? a.byteLength : 0), 0);
    };
    this.cache = new ResultCache(db, { entries: CACHED_VIEWS, weight: CACHED_BYTES, weigh });
  }

  /** The view's points or bins (the filter's parsed is taken as true: only coordinates are on a map). */
  view(q: MapViewQuery): Promise<MapViewResult> {
    return this.cache.get("mapView", q.filter, [q.level, q.tiles, q.thresholdKm, q.budget], () => this.compute(q));
  }

  private async compute(q: MapViewQuery): Promise<MapViewResult> {
    const answer = (cells: CellRow[], points: () => Promise<PredictionPointColumns>) => this.answer(q, cells, points);
    if (q.filter.parsed === false || q.tiles.x.length === 0) return this.answer(q, [], async () => emptyPoints());
    if (sourcesCover(q.filter)) {
      const source = await this.sources.ready(q.filter.experimentId, q.filter.split ?? null);
      if (!source) return this.answer(q, [], async () => emptyPoints());
      const cells = q.level <= MAP_PYRAMID_LEVEL ? await this.pyramidCells(source, q) : await this.copyCells(source, q);
      return answer(cells, () =>
        readPointColumns(
          this.copyRows(source, q.tiles)
            .select(POINT_COLUMNS)
            .orderBy("id")
            .limit(q.budget + 1),
          this.sqlite,
          q.budget,
        ),
      );
    }
    // Other filters: the rows inside the tiles, as points if they are few enough.
    const filter = { ...q.filter, parsed: true };
    const covered = boundsOfRange(q.tiles);
    const points = await this.points.read(filter, q.budget, null, covered);
    if (!points.truncated) return this.result(q, "POINTS", points.count, points, null);
    const rows = whereBounds(
      applyFilter(this.db.selectFrom("predictions").select(["id", "true_lat", "true_lon", "error_km"]), filter),
      covered,
    );
    return answer(await this.cellsOf(cellsSql(withCellSql(this.dialect, rows), q.level)), async () => points);
  }

  /** Points when the cells hold at most the budget, else the cells as bins. */
  private async answer(
    q: MapViewQuery,
    cells: CellRow[],
    points: () => Promise<PredictionPointColumns>,
  ): Promise<MapViewResult> {
    const total = cells.reduce((s, c) => s + Number(c.n), 0);
    if (total <= q.budget) return this.result(q, "POINTS", total, await points(), null);
    return this.result(q, "BINS", total, null, packBins(q.level, cells, q.thresholdKm));
  }

  private result(
    q: MapViewQuery,
    mode: "POINTS" | "BINS",
    total: number,
    points: PredictionPointColumns | null,
    bins: MapBinColumns | null,
  ): MapViewResult {
    return { mode, total, level: q.level, tiles: q.tiles, covered: boundsOfRange(q.tiles), points, bins };
  }

  /** The pyramid's cells of the tiles at the view's level. */
  private pyramidCells(source: MapSource, q: MapViewQuery): Promise<CellRow[]> {
    const r = rangeAtLevel(q.tiles, q.level);
    return this.db
      .selectFrom("map_cells")
      .select(["y", "x", ...CELL_SUMS])
      .where("src", "=", source.src)
      .where("level", "=", q.level)
      .where((eb) => inRange(eb, "y", "x", r))
      .orderBy("y")
      .orderBy("x")
      .execute();
  }

  /** Cells finer than the pyramid's: summed from the copy's rows of the tiles. */
  private copyCells(source: MapSource, q: MapViewQuery): Promise<CellRow[]> {
    return this.cellsOf(cellsSql(this.copyRows(source, q.tiles).select(["y", "x", "id", "error_km"]), q.level));
  }

  private async cellsOf(cells: ReturnType<typeof cellsSql>): Promise<CellRow[]> {
    return (await sql<CellRow>`select * from ${cells} c order by y, x`.execute(this.db)).rows;
  }

  /** The copy's rows in the tiles: a key range per row of pyramid cells they span. */
  private copyRows(source: MapSource, tiles: GridRange) {
    const coarse = rangeAtLevel(tiles, MAP_PYRAMID_LEVEL);
    const fine = rangeAtLevel(tiles, GRID_MAX_LEVEL);
    return this.db
      .selectFrom("map_points")
      .where("src", "=", source.src)
      .where((eb) => eb.and([inRange(eb, "py", "px", coarse), inRange(eb, "y", "x", fine)]));
  }
}

/**
 * Rows y0…y1 and the column ranges of a grid range, on a table's row and column. A few rows are
 * listed (one index seek each, then a column range), more are a row range.
 */
function inRange<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, y: "y" | "py", x: "x" | "px", r: GridRange) {
  // biome-ignore lint/suspicious/noExplicitAny: the column names exist on both map tables
  const e = eb as ExpressionBuilder<any, any>;
  const rows =
    r.y1 - r.y0 < 16
      ? e(
          y,
          "in",
          Array.from({ length: r.y1 - r.y0 + 1 }, (_, i) => r.y0 + i),
        )
      : e.between(y, r.y0, r.y1);
  return e.and([rows, e.or(r.x.map(([a, b]) => e.between(x, a, b)))]);
}

/** Bins as columns, in the cells' order (by row from the north, then by column). */
function packBins(level: number, cells: CellRow[], thresholdKm: ThresholdKm): MapBinColumns {
  const n = cells.length;
  const out: MapBinColumns = {
    level,
    count: n,
    bounds: new Float32Array(4 * n),
    counts: new Int32Array(n),
    meanLogErrorKm: new Float32Array(n),
    accuracy: new Float32Array(n),
    worstIds: new Int32Array(n),
  };
  const within = `n_${thresholdKm}` as const;
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    const count = Number(c.n);
    const worst = Number(c.worst_id);
    if (worst > INT32_MAX) throw new RangeError(`prediction id ${worst} does not fit the Int32 worstIds column`);
    out.bounds.set([lonEdge(level, c.x), latEdge(level, c.y + 1), lonEdge(level, c.x + 1), latEdge(level, c.y)], 4 * i);
    out.counts[i] = count;
    out.meanLogErrorKm[i] = Number(c.sum_log_km) / count;
    out.accuracy[i] = Number(c[within]) / count;
    out.worstIds[i] = worst;
  }
  return out;
}

function emptyPoints(): PredictionPointColumns {
  return {
    count: 0,
    truncated: false,
    ids: new Int32Array(0),
    truePositions: new Float32Array(0),
    predictedPositions: new Float32Array(0),
    errorKm: new Float32Array(0),
  };
}
