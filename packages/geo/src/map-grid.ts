/**
 * The error map's grid: Web Mercator cells, 2^level × 2^level over the world (level 0 is one
 * cell), and the tiles views are snapped to. Importable on its own (`@geor/geo/map-grid`) by the
 * dashboard and by the API's SQL builders.
 *
 * A cell's column is ⌊(lon + 180) / 360 · 2^level⌋; its row is ⌊y · 2^level⌋ with the Web
 * Mercator y = ½ − ln(tan(π/4 + φ/2)) / 2π (Snyder, "Map Projections — A Working Manual", USGS
 * 1987, eq. 7-2), rows counted from the north. Latitudes beyond ±85.0511° (where y leaves [0, 1])
 * fall in the first or last row; a longitude of 180° in the last column.
 *
 * Edges are what membership is defined by: a point is in the cell whose west ≤ lon < east and
 * south ≤ lat < north. Column edges −180 + 360·k/2^level are exact in Float32 up to level 19;
 * row edges are the Mercator latitudes rounded to 2^−16° (under 1 m), which makes them exact in
 * Float32 too (|lat| < 2^7 with 16 fractional bits), so a bin's bounds sent as Float32 and used as
 * a filter select exactly its predictions. The rounding moves an edge by at most 2^−17°, under
 * 0.07 of a row even at the finest level next to the poles, so the formula's row is right or one
 * off, and one comparison with each neighbouring edge settles it (the same in SQL: see the API's
 * store/map-grid-sql.ts). A cell of level L is exactly the union of its four children at L + 1,
 * since its edges are theirs.
 */

/** The finest level: every prediction's cell is kept at this level (cells of ~150 m). */
export const GRID_MAX_LEVEL = 18;
/** The coarsest level a view is binned at (16 cells over the world). */
export const GRID_MIN_LEVEL = 2;
/** A view of zoom z is binned at level round(z) + 5: cells of 11–23 px of deck.gl's 512-px world. */
export const LEVELS_ABOVE_ZOOM = 5;
/** Views are snapped outward to tiles of 2^TILE_SHIFT × 2^TILE_SHIFT cells of their level (~256 px). */
export const TILE_SHIFT = 4;
/** Row edges are rounded to multiples of this many degrees. */
export const LAT_EDGE_QUANTUM = 2 ** -16;
/** atan(sinh(π)) in degrees: where Web Mercator's y reaches 0 and 1. */
export const MERCATOR_MAX_LAT = 85.0511287798066;

/** West, south, east, north in degrees; west > east crosses the antimeridian. */
export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** The latitude of the northern edge of row k of a level (k = 2^level: the grid's southern edge). */
export function latEdge(level: number, k: number): number {
  const deg = Math.atan(Math.sinh(Math.PI * (1 - (2 * k) / 2 ** level))) * (180 / Math.PI);
  return Math.floor(deg / LAT_EDGE_QUANTUM + 0.5) * LAT_EDGE_QUANTUM;
}

/** The longitude of the western edge of column k of a level (k = 2^level: 180). */
export function lonEdge(level: number, k: number): number {
  return -180 + (360 * k) / 2 ** level;
}

/** The grid's northern edge (85.0511322°): a bound at or beyond it reaches the pole. */
export const GRID_NORTH = latEdge(0, 0);
/** The grid's southern edge (−85.0511322°). */
export const GRID_SOUTH = latEdge(0, 1);

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The row of a latitude at a level (0 = north). */
export function cellRow(level: number, lat: number): number {
  const n = 2 ** level;
  const phi = (clamp(lat, -MERCATOR_MAX_LAT, MERCATOR_MAX_LAT) * Math.PI) / 180;
  let y = clamp(Math.floor((0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * n), 0, n - 1);
  while (y > 0 && lat >= latEdge(level, y)) y--;
  while (y < n - 1 && lat < latEdge(level, y + 1)) y++;
  return y;
}

/** The column of a longitude in [−180, 180] at a level. */
export function cellColumn(level: number, lon: number): number {
  const n = 2 ** level;
  let x = clamp(Math.floor(((lon + 180) / 360) * n), 0, n - 1);
  while (x > 0 && lon < lonEdge(level, x)) x--;
  while (x < n - 1 && lon >= lonEdge(level, x + 1)) x++;
  return x;
}

/** The level a view of this deck.gl (Web Mercator) zoom is binned at. */
export function levelOfZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) throw new RangeError(`zoom ${zoom} is not a finite number`);
  return clamp(Math.round(zoom) + LEVELS_ABOVE_ZOOM, GRID_MIN_LEVEL, GRID_MAX_LEVEL);
}

/** The level of the tiles a view of this level is snapped to. */
export function tileLevelOf(level: number): number {
  return Math.max(0, level - TILE_SHIFT);
}

/**
 * The longitudes of a bounds: every one, none, west ≤ lon < east, or (crossing the antimeridian)
 * lon ≥ west or lon < east. An east of 180 takes 180 itself, and a west of −180 anything below.
 * Longitudes outside ±180 are wrapped; a span of 360° or more is the whole world.
 */
export type LonSpan =
  | { kind: "all" }
  | { kind: "none" }
  | { kind: "range"; west: number; east: number }
  | { kind: "crossing"; west: number; east: number };

export function lonSpan(west: number, east: number): LonSpan {
  const span = west <= east ? east - west : east + 360 - west;
  if (span >= 360) return { kind: "all" };
  if (span <= 0) return { kind: "none" };
  // Bounds inside ±180 are kept as given, so a bin's Float32 edges stay exact.
  if (west >= -180 && west <= 180 && east >= -180 && east <= 180)
    return west < east ? { kind: "range", west, east } : { kind: "crossing", west, east };
  const w = ((((west + 180) % 360) + 360) % 360) - 180;
  const e = w + span;
  return e <= 180 ? { kind: "range", west: w, east: e } : { kind: "crossing", west: w, east: e - 360 };
}

/** Rows y0…y1 and one or two column ranges (two across the antimeridian) of one level. */
export interface GridRange {
  level: number;
  y0: number;
  y1: number;
  /** Inclusive column ranges in ascending order ([0, e], [w, 2^level − 1] across the antimeridian); none when the bounds hold no longitude. */
  x: Array<[number, number]>;
}

/** The tiles (cells of `level`) a bounds touches, its edges snapped outward. */
export function rangeOfBounds(b: Bounds, level: number): GridRange {
  const n = 2 ** level;
  const north = clamp(b.north, -90, 90);
  const south = clamp(b.south, -90, 90);
  let y0 = cellRow(level, north);
  // A north on a row's southern edge does not reach into that row.
  if (y0 < n - 1 && north <= latEdge(level, y0 + 1)) y0++;
  const y1 = Math.max(y0, cellRow(level, south));
  const lon = lonSpan(b.west, b.east);
  // The column of a western edge, and of an eastern one (which its own column does not reach into).
  const westCol = (w: number) => cellColumn(level, w);
  const eastCol = (e: number) => {
    const x = cellColumn(level, e);
    return x > 0 && e <= lonEdge(level, x) ? x - 1 : x;
  };
  let x: Array<[number, number]>;
  if (lon.kind === "all") x = [[0, n - 1]];
  else if (lon.kind === "none") x = [];
  else if (lon.kind === "range") x = [[westCol(lon.west), Math.max(westCol(lon.west), eastCol(lon.east))]];
  else {
    const [w, e] = [westCol(lon.west), eastCol(lon.east)];
    x = e + 1 >= w ? [[0, n - 1]] : [...(e >= 0 && lon.east > -180 ? [[0, e] as [number, number]] : []), [w, n - 1]];
  }
  return { level, y0, y1, x };
}

/** The same area as cells of a finer level (or the cells holding it at a coarser one). */
export function rangeAtLevel(r: GridRange, level: number): GridRange {
  const d = level - r.level;
  const at = (v: number, end: boolean) => (d >= 0 ? (end ? ((v + 1) << d) - 1 : v << d) : v >> -d);
  return {
    level,
    y0: at(r.y0, false),
    y1: at(r.y1, true),
    x: r.x.map(([a, b]) => [at(a, false), at(b, true)]),
  };
}

/** The bounds of a range's cells (its edges; west > east when it crosses the antimeridian). */
export function boundsOfRange(r: GridRange): Bounds {
  const north = latEdge(r.level, r.y0);
  const south = latEdge(r.level, r.y1 + 1);
  if (r.x.length === 0) return { west: 0, south, east: 0, north };
  // Two ranges are [0, e] and [w, n − 1]: the area runs from w's western edge to e's eastern one.
  const [first, last] = [r.x[0], r.x[r.x.length - 1]];
  const west = r.x.length === 2 ? last[0] : first[0];
  const east = r.x.length === 2 ? first[1] : last[1];
  return { west: lonEdge(r.level, west), south, east: lonEdge(r.level, east + 1), north };
}

/**
 * What a map view asks for: the level its bins are at and the tiles its bounds touch (the area
 * a response covers; views that touch the same tiles get the same answer).
 */
export function viewTiles(b: Bounds, zoom: number): { level: number; tiles: GridRange } {
  const level = levelOfZoom(zoom);
  return { level, tiles: rangeOfBounds(b, tileLevelOf(level)) };
}
