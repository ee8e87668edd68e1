/**
 * The map grid (@geor/geo/map-grid) in SQL, the same on SQLite and PostgreSQL: a prediction row's
 * cell at the finest level, and the cells of a level summed from rows that carry theirs. The row
 * of a latitude is the Mercator formula's, checked against the rounded edges next to it exactly
 * as cellRow does in JavaScript (map-grid.test.ts and the API's map-view test hold the two to
 * the same cells and edges).
 */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import { GRID_MAX_LEVEL, LAT_EDGE_QUANTUM, MERCATOR_MAX_LAT } from "@geor/geo/map-grid";
import { type Expression, type RawBuilder, sql } from "kysely";
import type { Dialect } from "../db/tables.ts";

/**
 * A subquery in parentheses: a Kysely select (which it parenthesises itself) or what the
 * functions here return.
 */
export type Rows = Expression<unknown>;

const N = 2 ** GRID_MAX_LEVEL;
const PER_QUANTUM = 1 / LAT_EDGE_QUANTUM;
/**
 * How close (in rows) to an edge the formula's row must be for the rounded edge to be checked:
 * rounding moves an edge by at most 2^−17°, under 0.07 of a finest-level row (map-grid.ts).
 */
const NEAR_EDGE = 0.15;

/**
 * Keeps a subquery from being merged into the query around it, so a column defined by a long
 * expression is computed once per row, not once per use (SQLite inlines it otherwise).
 */
export function fence(dialect: Dialect): string {
  return dialect === "sqlite" ? "limit -1" : "offset 0";
}

function clampSql(dialect: Dialect, e: string, lo: number, hi: number): string {
  return dialect === "sqlite" ? `max(${lo}, min(${hi}, ${e}))` : `greatest(${lo}, least(${hi}, ${e}))`;
}

/** latEdge(GRID_MAX_LEVEL, k) in SQL. */
export function latEdgeSql(k: string): string {
  return `floor(degrees(atan(sinh(pi() * (1 - 2 * cast(${k} as double precision) / ${N})))) * ${PER_QUANTUM} + 0.5) / ${PER_QUANTUM}`;
}

/** lonEdge(GRID_MAX_LEVEL, k) in SQL (exact: a multiple of 2^−15). */
function lonEdgeSql(k: string): string {
  return `(-180 + (${k}) * ${360 / N})`;
}

/**
 * The rows of `source` (with true_lat and true_lon) and their cell at GRID_MAX_LEVEL as y (row,
 * 0 = north) and x (column). Every row gets exactly one cell.
 */
export function withCellSql(dialect: Dialect, source: Rows): RawBuilder<unknown> {
  const lat = clampSql(dialect, "true_lat", -MERCATOR_MAX_LAT, MERCATOR_MAX_LAT);
  const yr = `(0.5 - ln(tan(pi() / 4 + radians(${lat}) / 2)) / (2 * pi())) * ${N}`;
  const xr = `(true_lon + 180) / 360 * ${N}`;
  const y = `cast(y0 as integer)
    + case when yf > ${1 - NEAR_EDGE} and true_lat < ${latEdgeSql("y0 + 1")} then 1 else 0 end
    - case when yf < ${NEAR_EDGE} and true_lat >= ${latEdgeSql("y0")} then 1 else 0 end`;
  const x = `cast(x0 as integer)
    + case when true_lon >= ${lonEdgeSql("x0 + 1")} then 1 else 0 end
    - case when true_lon < ${lonEdgeSql("x0")} then 1 else 0 end`;
  const f = sql.raw(fence(dialect));
  return sql`(select r.*, ${sql.raw(clampSql(dialect, y, 0, N - 1))} as y, ${sql.raw(clampSql(dialect, x, 0, N - 1))} as x
    from (select f.*, floor(yr) as y0, yr - floor(yr) as yf, floor(xr) as x0
      from (select s.*, ${sql.raw(yr)} as yr, ${sql.raw(xr)} as xr from ${source} s ${f}) f ${f}) r ${f})`;
}

/** The columns of a cell's sums, in the order cellsSql selects them (and map_cells stores them). */
export const CELL_SUMS = [
  "n",
  "sum_log_km",
  ...THRESHOLDS_KM.map((t) => `n_${t}` as const),
  "max_km",
  "worst_id",
] as const;

/** log10 of a row's error, errors under 1 m counted as 1 m (as the prediction bins floor them). */
export const LOG_ERROR_SQL = "log10(case when error_km < 0.001 then 0.001 else error_km end)";

/** A cell's sums as cellsSql and map_cells have them. */
export type CellRow = { y: number; x: number } & Record<(typeof CELL_SUMS)[number], number>;

/**
 * The cells of `level` summed from `rows` (with y, x at GRID_MAX_LEVEL, id and error_km): y, x
 * and CELL_SUMS per cell, the worst prediction the largest error's smallest id.
 */
export function cellsSql(rows: Rows, level: number): RawBuilder<CellRow> {
  const d = GRID_MAX_LEVEL - level;
  const within = THRESHOLDS_KM.map((t) => `sum(case when error_km <= ${t} then 1 else 0 end) as n_${t}`).join(", ");
  return sql`(select fy >> ${sql.raw(String(d))} as y, fx >> ${sql.raw(String(d))} as x, count(*) as n,
      sum(${sql.raw(LOG_ERROR_SQL)}) as sum_log_km, ${sql.raw(within)},
      max(error_km) as max_km, min(case when error_km = cell_max then id end) as worst_id
    from (select y as fy, x as fx, id, error_km,
        max(error_km) over (partition by y >> ${sql.raw(String(d))}, x >> ${sql.raw(String(d))}) as cell_max
      from ${rows} cr) r
    group by fy >> ${sql.raw(String(d))}, fx >> ${sql.raw(String(d))})`;
}

/**
 * ON CONFLICT clause adding a cell's new sums to the stored ones: counts and sums add, the worst
 * is the larger error (the smaller id when equal). Every SET reads the row as it was.
 */
export const MERGE_CELL_SQL = `on conflict (src, level, y, x) do update set
  n = map_cells.n + excluded.n,
  sum_log_km = map_cells.sum_log_km + excluded.sum_log_km,
  ${THRESHOLDS_KM.map((t) => `n_${t} = map_cells.n_${t} + excluded.n_${t}`).join(",\n  ")},
  worst_id = case when excluded.max_km > map_cells.max_km
    or (excluded.max_km = map_cells.max_km and excluded.worst_id < map_cells.worst_id)
    then excluded.worst_id else map_cells.worst_id end,
  max_km = case when excluded.max_km > map_cells.max_km then excluded.max_km else map_cells.max_km end`;
