import assert from "node:assert/strict";
import { test } from "node:test";
import { ablationRow as row } from "../../test/fixtures.ts";
import { COMPARED_METRICS, comparedMetric, compareMetrics, pairBySeed } from "./comparison.ts";

test("COMPARED_METRICS: the metrics of a comparison, named as in the evaluation report, with their better direction", () => {
  assert.deepEqual(
    COMPARED_METRICS.map((m) => [m.name, m.higherIsBetter, m.unit]),
    [
      ["medianKm", false, "km"],
      ["acc@1", true, "pp"],
      ["acc@25", true, "pp"],
      ["acc@200", true, "pp"],
      ["acc@750", true, "pp"],
      ["acc@2500", true, "pp"],
      ["country", true, "pp"],
      ["admin1", true, "pp"],
      ["place", true, "pp"],
      ["geoScore", true, "points"],
    ],
  );
  const r = row("sft-chain", 0, 190, 0.78, 0.73);
  assert.equal(comparedMetric("medianKm").read(r), 190);
  assert.equal(comparedMetric("acc@750").read(r), 0.78);
  assert.equal(comparedMetric("country").read(r), 0.73);
  assert.equal(comparedMetric("admin1").read(r), 0.3);
  assert.equal(comparedMetric("geoScore").read(r), 3000);
  assert.throws(() => comparedMetric("acc@5"), /no compared metric acc@5/);
});

test("compareMetrics: arm − control per metric over the seeds both have", () => {
  const arm = [row("sft-chain", 0, 190, 0.78, 0.73), row("sft-chain", 1, 180, 0.8, 0.74), row("sft-chain", 2, 1, 1, 1)];
  const control = [row("sft-flat", 1, 200, 0.77, 0.73), row("sft-flat", 0, 200, 0.77, 0.72)];
  // Seed 2 has no control run; seed 1's is found out of order.
  const pairs = pairBySeed(arm, control);
  assert.deepEqual(
    pairs.map(([a, c]) => [a.seed, c.seed]),
    [
      [0, 0],
      [1, 1],
    ],
  );
  const [km, acc750, country] = compareMetrics(pairs, ["medianKm", "acc@750", "country"].map(comparedMetric));
  // km: −10, −20 → mean −15, sample std √50, ahead (lower is better) in both seeds.
  assert.equal(km.metric, "medianKm");
  assert.equal(km.n, 2);
  assert.equal(km.meanDelta, -15);
  assert.ok(Math.abs((km.stdDelta ?? 0) - Math.sqrt(50)) < 1e-9);
  assert.equal(km.ahead, 2);
  // acc@750: +1, +3 pp → mean 2, t = 2 / (√2 / √2) = 2, p = 1 − (2/π)·atan 2 (1 dof).
  assert.ok(Math.abs(acc750.meanDelta - 2) < 1e-9);
  assert.ok(Math.abs((acc750.t ?? 0) - 2) < 1e-9);
  assert.ok(Math.abs((acc750.p ?? 0) - (1 - (2 / Math.PI) * Math.atan(2))) < 1e-9);
  // country: +1, +1 pp → no spread, no test; the arm is ahead in both.
  assert.equal(country.t, undefined);
  assert.equal(country.ahead, 2);
  // Every metric by default.
  assert.deepEqual(
    compareMetrics(pairs).map((c) => c.metric),
    COMPARED_METRICS.map((m) => m.name),
  );
});
