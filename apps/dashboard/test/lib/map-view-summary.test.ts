import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeBins, type MapViewData, mapViewSummary, tileAlignedView } from "../../src/lib/use-map-view.ts";

const bins = (length: number): MapViewData["bins"] => ({
  length,
  bounds: new Float32Array(length * 4),
  counts: new Int32Array(length),
  meanLogErrorKm: new Float32Array(length),
  accuracy: new Float32Array(length),
  worstIds: new Int32Array(length),
});

test("the count line says what the map shows: bins or single predictions, and of how many", () => {
  assert.equal(
    mapViewSummary({ mode: "BINS", total: 1_000_000, points: null, bins: bins(3412) }),
    "1,000,000 predictions in 3,412 bins",
  );
  assert.equal(mapViewSummary({ mode: "POINTS", total: 18_204, points: null, bins: null }), "18,204 predictions");
  assert.equal(mapViewSummary({ mode: "POINTS", total: 1, points: null, bins: null }), "1 prediction");
  assert.equal(
    mapViewSummary({ mode: "BINS", total: 99_964, points: null, bins: bins(1) }, 100_000),
    "99,964 of 100,000 predictions in 1 bin",
  );
  assert.equal(
    mapViewSummary({ mode: "POINTS", total: 7, points: null, bins: null }, 7),
    "7 predictions",
    "all of them in view: no 'of'",
  );
});

test("views touching the same tiles ask alike: tile-aligned bounds and a zoom that rounds to their level", () => {
  const a = tileAlignedView({ west: 2.12, south: 48.7, east: 2.45, north: 48.92 }, 10.2);
  const b = tileAlignedView({ west: 2.2, south: 48.72, east: 2.4, north: 48.9 }, 9.8);
  assert.deepEqual(a, b);
  // Level round(10.2) + 5 = 15, tiles of level 11: 360 / 2^11 = 0.17578125° wide.
  assert.equal(a.zoom, 10);
  assert.equal((a.bounds.east - a.bounds.west) % 0.17578125, 0);
  assert.ok(a.bounds.west <= 2.12 && a.bounds.east >= 2.45 && a.bounds.south <= 48.7 && a.bounds.north >= 48.92);
  // The world with its copies: every longitude.
  const world = tileAlignedView({ west: -400, south: -70, east: 300, north: 70 }, 0.9);
  assert.deepEqual([world.bounds.west, world.bounds.east], [-180, 180]);
});

test("bins decode from the API's base64 columns, and a column of the wrong length is refused", () => {
  const b64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer).toString("base64");
  const packed = {
    count: 1,
    bounds: b64(new Float32Array([0, 0, 11.25, 11.178401947021484])),
    counts: b64(new Int32Array([42])),
    meanLogErrorKm: b64(new Float32Array([2.5])),
    accuracy: b64(new Float32Array([0.25])),
    worstIds: b64(new Int32Array([7])),
  };
  const d = decodeBins(packed);
  assert.equal(d.length, 1);
  assert.deepEqual([...d.bounds], [0, 0, 11.25, 11.178401947021484]);
  assert.equal(d.counts[0], 42);
  assert.equal(d.worstIds[0], 7);
  assert.throws(() => decodeBins({ ...packed, count: 2 }), /mapView.bins.bounds has 16 bytes, expected 32/);
});
