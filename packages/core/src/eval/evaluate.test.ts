import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type SamplePrediction, summarizePredictions } from "./evaluate.ts";

function pred(
  id: string,
  iso2: string,
  errorKm: number,
  hits: [boolean, boolean, boolean],
  confidence: number,
): SamplePrediction {
  const chain = { continent: null, country: { iso2, name: `${iso2} land` }, admin1: null, city: null };
  return {
    id,
    split: "test",
    true: { lat: 0, lon: 0, chain, cell: 0 },
    predicted: { country: null, admin1: null, place: null, lat: 0, lon: 0, confidence },
    errorKm,
    hits: { country: hits[0], admin1: hits[1], place: hits[2] },
  };
}

describe("summarizePredictions", () => {
  // Four hand-made predictions: FR ×3, DE ×1.
  const preds = [
    pred("a", "FR", 10, [true, true, true], 0.95),
    pred("b", "FR", 100, [true, true, false], 0.91),
    pred("c", "FR", 1000, [false, false, false], 0.15),
    pred("d", "DE", 3000, [false, false, false], 0.05),
  ];
  const r = summarizePredictions(preds);

  it("computes the metric table and level accuracies", () => {
    assert.equal(r.metrics.n, 4);
    assert.equal(r.metrics.medianKm, (100 + 1000) / 2);
    assert.equal(r.metrics.meanKm, (10 + 100 + 1000 + 3000) / 4);
    assert.deepEqual(r.metrics.acc, { 1: 0, 25: 0.25, 200: 0.5, 750: 0.5, 2500: 0.75 });
    assert.deepEqual(r.levels, { country: 0.5, admin1: 0.5, place: 0.25 });
  });

  it("breaks down by true country, largest first", () => {
    assert.deepEqual(
      r.perCountry.map((c) => [c.iso2, c.name, c.n, c.medianKm, c.countryAccuracy]),
      [
        ["FR", "FR land", 3, 100, 2 / 3],
        ["DE", "DE land", 1, 3000, 0],
      ],
    );
    assert.deepEqual(r.perCountry[0].acc, { 1: 0, 25: 1 / 3, 200: 2 / 3, 750: 2 / 3, 2500: 1 });
  });

  it("computes the expected calibration error by hand", () => {
    // bins: [0.0,0.1): d (conf 0.05, wrong); [0.1,0.2): c (0.15, wrong); [0.9,1.0]: a (0.95, right), b (0.91, wrong)
    // ECE = 1/4·|0.05−0| + 1/4·|0.15−0| + 2/4·|0.93−0.5| = 0.0125 + 0.0375 + 0.215 = 0.265
    assert.ok(r.calibration);
    assert.ok(Math.abs(r.calibration.ece - 0.265) < 1e-12, `ECE ${r.calibration.ece}`);
    const top = r.calibration.bins[9];
    assert.equal(top.n, 2);
    assert.ok(Math.abs(top.confidence - 0.93) < 1e-12);
    assert.equal(top.accuracy, 0.5);
  });
});
