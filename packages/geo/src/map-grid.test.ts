import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  boundsOfRange,
  cellColumn,
  cellRow,
  GRID_MAX_LEVEL,
  GRID_NORTH,
  GRID_SOUTH,
  type GridRange,
  latEdge,
  levelOfZoom,
  lonEdge,
  lonSpan,
  rangeAtLevel,
  rangeOfBounds,
  viewTiles,
} from "./map-grid.ts";

/** The next double towards −∞. */
function below(v: number): number {
  const f = new Float64Array([v]);
  const i = new BigInt64Array(f.buffer);
  i[0] += v > 0 ? -1n : v < 0 ? 1n : 0n;
  return v === 0 ? -Number.MIN_VALUE : f[0];
}

/** A seeded generator (mulberry32), so a failure names a reproducible point. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The row of lat by its definition: the y whose edges hold it, found by bisection over the edges. */
function rowByEdges(level: number, lat: number): number {
  let lo = 0;
  let hi = 2 ** level - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lat >= latEdge(level, mid + 1)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

describe("map grid edges", () => {
  it("the grid spans ±85.0511° (Web Mercator's square world), the equator is an edge", () => {
    assert.equal(GRID_NORTH, 5_573_911 / 65_536); // 85.05113220…: atan(sinh π) = 85.0511287798° rounded to 2^−16
    assert.equal(GRID_SOUTH, -GRID_NORTH);
    for (const level of [1, 5, 18]) {
      assert.equal(latEdge(level, 2 ** (level - 1)), 0);
      assert.equal(lonEdge(level, 2 ** (level - 1)), 0);
      assert.equal(lonEdge(level, 0), -180);
      assert.equal(lonEdge(level, 2 ** level), 180);
    }
    // Level 1 splits at the equator and Greenwich; level 2's rows meet at ±66.513°.
    assert.equal(latEdge(2, 1), Math.round(66.51326044311186 * 65536) / 65536);
  });

  it("every edge of the finest level is exact in Float32, strictly monotonic, and a coarse edge is a fine one", () => {
    const n = 2 ** GRID_MAX_LEVEL;
    let previous = Number.POSITIVE_INFINITY;
    for (let k = 0; k <= n; k++) {
      const e = latEdge(GRID_MAX_LEVEL, k);
      assert.equal(Math.fround(e), e, `row edge ${k}`);
      assert.ok(e < previous, `row edge ${k} (${e}) is not south of row edge ${k - 1}`);
      previous = e;
      const w = lonEdge(GRID_MAX_LEVEL, k);
      assert.equal(Math.fround(w), w, `column edge ${k}`);
    }
    for (const level of [0, 3, 9, 17])
      for (let k = 0; k <= 2 ** level; k += Math.max(1, 2 ** level / 64))
        assert.equal(latEdge(level, k), latEdge(GRID_MAX_LEVEL, k * 2 ** (GRID_MAX_LEVEL - level)));
  });
});

describe("map grid cells", () => {
  it("a golden table: Greenwich, the equator, the antimeridian, the poles, a city", () => {
    const cases: Array<[string, number, number, number, number, number]> = [
      // name, level, lon, lat, column, row
      ["null island: the equator belongs to the northern row", 1, 0, 0, 1, 0],
      ["a hair south of the equator", 1, 0, -1e-9, 1, 1],
      ["a hair west of Greenwich", 1, -1e-9, 0, 0, 0],
      ["lon 180 is in the last column", 3, 180, 10, 7, 3],
      ["lon −180 is in the first", 3, -180, 10, 0, 3],
      ["the north pole is in the first row", 18, 12, 90, 2 ** 17 + 8738, 0],
      ["so is 85.06°, beyond the projection", 18, 12, 85.06, 2 ** 17 + 8738, 0],
      ["the south pole is in the last row", 4, -100, -90, 3, 15],
      // London: x = ⌊(179.8722 / 360)·32⌋ = 15; y = ½ − ln(tan(45° + 25.7537°))/2π = 0.3326 → ⌊10.64⌋ = 10.
      ["London at level 5", 5, -0.1278, 51.5074, 15, 10],
    ];
    for (const [name, level, lon, lat, x, y] of cases) {
      assert.equal(cellColumn(level, lon), x, `${name}: column`);
      assert.equal(cellRow(level, lat), y, `${name}: row`);
    }
  });

  it("edges belong to the cells south and east of them", () => {
    // Row y spans [latEdge(y + 1), latEdge(y)): a point exactly on edge k is in row k − 1.
    for (const [level, k] of [
      [10, 300],
      [18, 5],
      [18, 2 ** 18 - 3],
      [7, 100],
    ]) {
      const e = latEdge(level, k);
      assert.equal(cellRow(level, e), k - 1, `on edge ${k} of level ${level}`);
      assert.equal(cellRow(level, below(e)), k, `just south of edge ${k} of level ${level}`);
      const w = lonEdge(level, k);
      assert.equal(cellColumn(level, w), k);
      assert.equal(cellColumn(level, below(w)), k - 1);
    }
  });

  it("random points: the row is the one whose edges hold it, and a cell's parent is the cell one level up", () => {
    const rand = random(29);
    for (let i = 0; i < 3000; i++) {
      // Half anywhere, half within a metre of a finest-level edge.
      const level = 1 + Math.floor(rand() * GRID_MAX_LEVEL);
      let lat = rand() * 180 - 90;
      let lon = rand() * 360 - 180;
      if (i % 2) {
        const k = Math.floor(rand() * 2 ** level);
        lat = Math.max(-90, latEdge(level, k) + (rand() - 0.5) * 1e-5);
        lon = Math.max(-180, lonEdge(level, k) + (rand() - 0.5) * 1e-5);
      }
      const y = cellRow(level, lat);
      assert.equal(y, rowByEdges(level, lat), `lat ${lat} at level ${level}`);
      const x = cellColumn(level, lon);
      assert.ok(
        x === 2 ** level - 1 ? lon >= lonEdge(level, x) : lon >= lonEdge(level, x) && lon < lonEdge(level, x + 1),
      );
      assert.equal(cellRow(level - 1, lat), y >> 1, `parent row of lat ${lat} at level ${level}`);
      assert.equal(cellColumn(level - 1, lon), x >> 1, `parent column of lon ${lon} at level ${level}`);
    }
  });
});

describe("map grid views", () => {
  it("levels follow the zoom, clamped to 2…18", () => {
    assert.deepEqual([-10, 0, 0.4, 0.6, 3, 11, 13, 20].map(levelOfZoom), [2, 5, 5, 6, 8, 16, 18, 18]);
    assert.throws(() => levelOfZoom(Number.NaN), /zoom NaN is not a finite number/);
  });

  it("longitude spans: inside ±180 as given, crossing when west > east, wrapped outside, 360° is everything", () => {
    assert.deepEqual(lonSpan(-10, 20), { kind: "range", west: -10, east: 20 });
    assert.deepEqual(lonSpan(170, -170), { kind: "crossing", west: 170, east: -170 });
    assert.deepEqual(lonSpan(150, 210), { kind: "crossing", west: 150, east: -150 });
    assert.deepEqual(lonSpan(-190, -170), { kind: "crossing", west: 170, east: -170 });
    assert.deepEqual(lonSpan(190, 200), { kind: "range", west: -170, east: -160 });
    assert.deepEqual(lonSpan(-200, 200), { kind: "all" });
    assert.deepEqual(lonSpan(-180, 180), { kind: "all" });
    assert.deepEqual(lonSpan(5, 5), { kind: "none" });
  });

  it("a view's tiles: snapped outward, across the antimeridian, the whole world", () => {
    // Zoom 3 → level 8 → tiles of level 4 (16 × 16, 22.5° wide).
    const europe = viewTiles({ west: -10, south: 35, east: 30, north: 60 }, 3);
    assert.equal(europe.level, 8);
    assert.deepEqual(europe.tiles, { level: 4, y0: cellRow(4, 60), y1: cellRow(4, 35), x: [[7, 9]] });
    assert.deepEqual(boundsOfRange(europe.tiles), {
      west: -22.5,
      south: latEdge(4, cellRow(4, 35) + 1),
      east: 45,
      north: latEdge(4, cellRow(4, 60)),
    });
    const pacific = viewTiles({ west: 170, south: -20, east: -170, north: 10 }, 3).tiles;
    assert.deepEqual(pacific.x, [
      [0, 0],
      [15, 15],
    ]);
    const b = boundsOfRange(pacific);
    assert.deepEqual([b.west, b.east], [157.5, -157.5]);
    // deck.gl's unwrapped bounds of the same view.
    assert.deepEqual(viewTiles({ west: 170, south: -20, east: 190, north: 10 }, 3).tiles, pacific);
    const world = viewTiles({ west: -400, south: -89, east: 400, north: 89 }, 0);
    assert.deepEqual(world, { level: 5, tiles: { level: 1, y0: 0, y1: 1, x: [[0, 1]] } });
    assert.deepEqual(boundsOfRange(world.tiles), { west: -180, south: GRID_SOUTH, east: 180, north: GRID_NORTH });
  });

  it("tile-aligned bounds ask for exactly their tiles (what the dashboard sends)", () => {
    const rand = random(7);
    for (let i = 0; i < 500; i++) {
      const level = Math.floor(rand() * 15);
      const n = 2 ** level;
      const y0 = Math.floor(rand() * n);
      const y1 = Math.min(n - 1, y0 + Math.floor(rand() * 4));
      const a = Math.floor(rand() * n);
      const b = Math.min(n - 1, a + Math.floor(rand() * 4));
      const cross = level > 2 && i % 3 === 0 && a > 2;
      const x: Array<[number, number]> = cross
        ? [
            [0, Math.floor(rand() * (a - 1))],
            [a, n - 1],
          ]
        : [[a, b]];
      const r: GridRange = { level, y0, y1, x };
      assert.deepEqual(rangeOfBounds(boundsOfRange(r), level), r, JSON.stringify(r));
    }
  });

  it("ranges change level: finer cells of the same area, or the coarse cells holding it", () => {
    const r: GridRange = { level: 4, y0: 3, y1: 5, x: [[14, 15]] };
    assert.deepEqual(rangeAtLevel(r, 6), { level: 6, y0: 12, y1: 23, x: [[56, 63]] });
    assert.deepEqual(rangeAtLevel(rangeAtLevel(r, 6), 4), r);
    assert.deepEqual(boundsOfRange(rangeAtLevel(r, 9)), boundsOfRange(r));
  });
});
