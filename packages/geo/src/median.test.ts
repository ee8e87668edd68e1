import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { haversineKmUnchecked } from "./haversine.ts";
import { sphericalMedian } from "./median.ts";

type P = { lat: number; lon: number };
const meanKm = (x: P, points: P[], w: number[]) =>
  points.reduce((s, p, i) => s + w[i] * haversineKmUnchecked(x.lat, x.lon, p.lat, p.lon), 0) /
  w.reduce((a, b) => a + b, 0);

describe("sphericalMedian", () => {
  it("is a point that holds at least half the weight, exactly", () => {
    const points = [
      { lat: 48.85, lon: 2.35 },
      { lat: 40.4, lon: -3.7 },
      { lat: 52.5, lon: 13.4 },
      { lat: -33.9, lon: 151.2 },
    ];
    const m = sphericalMedian(points, [0.5, 0.2, 0.2, 0.1]);
    assert.equal(m.at, 0);
    assert.ok(haversineKmUnchecked(m.lat, m.lon, 48.85, 2.35) < 1e-6);
  });

  it("moves between the points when none dominates: three equal corners on the equator meet at their centre", () => {
    const points = [
      { lat: 0, lon: -10 },
      { lat: 0, lon: 10 },
      { lat: 17.32, lon: 0 },
    ];
    const m = sphericalMedian(points);
    assert.equal(m.at, -1);
    // The Fermat point of a near-equilateral triangle: each side seen at 120°, near its centroid.
    assert.ok(Math.abs(m.lon) < 1e-6, `lon ${m.lon}`);
    assert.ok(m.lat > 4 && m.lat < 7, `lat ${m.lat}`);
    // No point nearby does better.
    for (const [dlat, dlon] of [
      [0.05, 0],
      [-0.05, 0],
      [0, 0.05],
      [0, -0.05],
    ]) {
      const near = { lat: m.lat + dlat, lon: m.lon + dlon };
      assert.ok(meanKm(near, points, [1, 1, 1]) >= m.meanKm - 1e-9);
    }
  });

  it("beats every data point and random points on random weighted sets, across the dateline", () => {
    // A small seeded LCG, so the sets are the same every run.
    let state = 7;
    const rand = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + Math.floor(rand() * 30);
      const points = Array.from({ length: n }, () => ({ lat: -60 + 120 * rand(), lon: 150 + 60 * rand() }));
      for (const p of points) if (p.lon > 180) p.lon -= 360;
      const w = points.map(() => rand() ** 2 + 1e-3);
      const m = sphericalMedian(points, w);
      const best = meanKm(m, points, w);
      assert.ok(Math.abs(best - m.meanKm) < 1e-6 * Math.max(1, best), `meanKm ${m.meanKm} vs ${best}`);
      for (const p of points)
        assert.ok(best <= meanKm(p, points, w) + 1e-6, `trial ${trial}: a data point does better`);
      for (let k = 0; k < 20; k++) {
        const q = { lat: m.lat + (rand() - 0.5) * 2, lon: m.lon + (rand() - 0.5) * 2 };
        assert.ok(best <= meanKm(q, points, w) + 1e-6, `trial ${trial}: ${JSON.stringify(q)} does better`);
      }
    }
  });

  it("ignores non-positive weights and refuses an empty set", () => {
    const m = sphericalMedian(
      [
        { lat: 10, lon: 10 },
        { lat: -50, lon: 100 },
      ],
      [1, 0],
    );
    assert.equal(m.at, 0);
    assert.throws(() => sphericalMedian([{ lat: 0, lon: 0 }], [0]), /at least one point with a positive weight/);
  });
});
