import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { geoScore, levelAccuracy, summarizeErrors, THRESHOLDS_KM } from "./metrics.ts";

describe("geoScore", () => {
  it("is 5000 at 0 km and 5000/e at 1492.7 km", () => {
    assert.equal(geoScore(0), 5000);
    assert.ok(Math.abs(geoScore(1492.7) - 5000 / Math.E) < 1e-9);
  });
  it("rejects negative and non-finite distances", () => {
    assert.throws(() => geoScore(-1), RangeError);
    assert.throws(() => geoScore(Number.NaN), RangeError);
  });
});

describe("summarizeErrors", () => {
  it("computes the standard table on a hand-made set", () => {
    // errors: 0.5, 20, 150, 700, 2000, 8000 km
    const m = summarizeErrors([0.5, 20, 150, 700, 2000, 8000]);
    assert.equal(m.n, 6);
    assert.equal(m.medianKm, (150 + 700) / 2);
    assert.equal(m.meanKm, (0.5 + 20 + 150 + 700 + 2000 + 8000) / 6);
    assert.deepEqual(m.acc, { 1: 1 / 6, 25: 2 / 6, 200: 3 / 6, 750: 4 / 6, 2500: 5 / 6 });
    const expectedScore = [0.5, 20, 150, 700, 2000, 8000].reduce((s, d) => s + 5000 * Math.exp(-d / 1492.7), 0) / 6;
    assert.ok(Math.abs(m.geoScore - expectedScore) < 1e-9);
  });

  it("counts an error exactly at a threshold as a hit", () => {
    const m = summarizeErrors([1, 25, 200, 750, 2500]);
    assert.deepEqual(m.acc, { 1: 0.2, 25: 0.4, 200: 0.6, 750: 0.8, 2500: 1 });
    assert.equal(m.medianKm, 200);
  });

  it("accepts typed arrays and uses the standard thresholds", () => {
    assert.deepEqual([...THRESHOLDS_KM], [1, 25, 200, 750, 2500]);
    assert.equal(summarizeErrors(Float64Array.of(3)).medianKm, 3);
  });

  it("throws a clear error on empty input or a bad value", () => {
    assert.throws(() => summarizeErrors([]), /empty input/);
    assert.throws(() => summarizeErrors([1, Number.NaN]), /at index 1/);
    assert.throws(() => summarizeErrors([-2]), /-2 km/);
  });
});

describe("levelAccuracy", () => {
  it("is the fraction of equal codes, null matching null", () => {
    assert.equal(levelAccuracy(["FR", "DE", null, "ES"], ["FR", "FR", null, "PT"]), 0.5);
    assert.throws(() => levelAccuracy(["FR"], []), /1 true codes but 0/);
  });
});
