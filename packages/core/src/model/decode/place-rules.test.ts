import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { choosePlace, placeMean, placeMedian } from "./place-rules.ts";

describe("place rules", () => {
  it("chooses the place by mode, least expected distance or most probability within a radius", () => {
    // A (0.4) alone at 0°E; B (0.3) and C (0.3) 111 km apart near 10°E (~1,110 km from A).
    const cells = [
      { lat: 0, lon: 0 },
      { lat: 0, lon: 10 },
      { lat: 0, lon: 11 },
    ];
    const p = Float64Array.from([0.9, 0.4, 0.3, 0.3]);
    assert.equal(choosePlace(p, 1, 3, cells, { kind: "mode" }), 0);
    // Expected km: A 0.3·1112 + 0.3·1223 = 700; B 0.4·1112 + 0.3·111 = 478; C 0.4·1223 + 0.3·111 = 523.
    assert.equal(choosePlace(p, 1, 3, cells, { kind: "risk" }), 1);
    // Within 500 km: A holds 0.4, B and C 0.6 each; a tie keeps the more probable candidate (B).
    assert.equal(choosePlace(p, 1, 3, cells, { kind: "within", km: 500 }), 1);
    // Within 50 km each place holds only itself: the mode again.
    assert.equal(choosePlace(p, 1, 3, cells, { kind: "within", km: 50 }), 0);
    // The mean hedges between A and B/C; a low temperature pulls it to the mode, a high one to the middle.
    const mean = placeMean(p, 1, 3, cells, 1);
    assert.ok(Math.abs(mean.lat) < 1e-9 && mean.lon > 5.5 && mean.lon < 6.5, JSON.stringify(mean));
    assert.ok(placeMean(p, 1, 3, cells, 0.05).lon < 0.1);
    const flat = placeMean(p, 1, 3, cells, 100).lon;
    assert.ok(flat > mean.lon && Math.abs(flat - 7) < 0.1, String(flat));
    // The median: on a line it is the point where half the weight lies on each side, B (A 0.4 | B 0.3 | C 0.3).
    const median = placeMedian(p, 1, 3, cells, 1);
    assert.equal(median.place, 1, JSON.stringify(median));
    assert.ok(Math.abs(median.lat) < 1e-9 && Math.abs(median.lon - 10) < 1e-9, JSON.stringify(median));
    assert.equal(choosePlace(p, 1, 3, cells, { kind: "median", temperature: 1 }), 1);
    // Sharpened (p^(1/0.2)), A holds more than half: the median is A itself.
    assert.equal(placeMedian(p, 1, 3, cells, 0.2).place, 0);
  });
});
