import assert from "node:assert/strict";
import { test } from "node:test";
import { aheadCount, meanStd, pairedComparison, pairedTest } from "./statistics.ts";

const close = (actual: number | undefined, expected: number, tol = 1e-9) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < tol, `${actual} ≠ ${expected}`);

test("meanStd: the population std divides by n, the sample std by n − 1", () => {
  // Squared deviations from the mean 5: 9 1 1 1 0 0 4 16, sum 32.
  const values = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.deepEqual(meanStd(values, "population"), { mean: 5, std: 2 });
  const sample = meanStd(values, "sample");
  assert.equal(sample.mean, 5);
  close(sample.std, Math.sqrt(32 / 7));
  // Typed arrays too (the RL rewards); one value has no sample spread.
  assert.deepEqual(meanStd(Float32Array.from([1, 3]), "population"), { mean: 2, std: 1 });
  assert.deepEqual(meanStd([7], "population"), { mean: 7, std: 0 });
  assert.ok(Number.isNaN(meanStd([7], "sample").std));
});

test("pairedTest: the t statistic and two-sided p of per-seed differences", () => {
  // mean 3, sd √2.5, n 5: t = 3 / (√2.5 / √5) = √18 ≈ 4.243; two-sided p with 4 dof ≈ 0.0132.
  const r = pairedTest([1, 2, 3, 4, 5]);
  assert.ok(r);
  close(r.t, Math.sqrt(18));
  close(r.p, 0.0132, 5e-4);
  // One degree of freedom: p = 1 − (2/π)·atan|t|; [2, 4]: mean 3, sd √2, t = 3.
  const one = pairedTest([2, 4]);
  close(one?.t, 3);
  close(one?.p, 1 - (2 / Math.PI) * Math.atan(3), 1e-12);
  // Symmetric: the sign flips t, not p.
  const neg = pairedTest([-1, -2, -3, -4, -5]);
  assert.ok(neg && Math.abs(neg.t + r.t) < 1e-9 && Math.abs(neg.p - r.p) < 1e-12);
  // A large, consistent difference is far from chance; a zero-mean one is not.
  assert.ok((pairedTest([10, 11, 9, 10, 10.5, 9.5])?.p ?? 1) < 1e-4);
  assert.ok((pairedTest([1, -1, 2, -2])?.p ?? 0) > 0.99);
  // Nothing to test: one pair, or no spread.
  assert.equal(pairedTest([3]), undefined);
  assert.equal(pairedTest([2, 2, 2]), undefined);
});

test("aheadCount: the differences that favour the arm, by the metric's better direction", () => {
  assert.equal(aheadCount([-3, 0, 2, 5], true), 2);
  assert.equal(aheadCount([-3, 0, 2, 5], false), 1);
});

test("pairedComparison: arm − control by index, with mean, sample std, paired t and p, and the seeds ahead", () => {
  // Differences 2, 4, 3: mean 3, sample std 1, t = 3 / (1 / √3) = 3√3; with 2 dof the two-sided
  // p = 1 − |t| / √(t² + 2) = 1 − 3√3 / √29 ≈ 0.0351.
  const c = pairedComparison([3, 5, 4], [1, 1, 1], { higherIsBetter: true });
  assert.equal(c.n, 3);
  close(c.meanDelta, 3);
  close(c.stdDelta, 1);
  close(c.t, 3 * Math.sqrt(3));
  close(c.p, 1 - (3 * Math.sqrt(3)) / Math.sqrt(29), 1e-9);
  assert.equal(c.ahead, 3);
  // Lower is better (km): the same differences put the arm behind in every seed.
  assert.equal(pairedComparison([3, 5, 4], [1, 1, 1], { higherIsBetter: false }).ahead, 0);
  // `scale` applies to each difference: fractions 0.02, 0.04, 0.03 → 2, 4, 3 percentage points.
  const pp = pairedComparison([0.52, 0.54, 0.53], [0.5, 0.5, 0.5], { higherIsBetter: true, scale: 100 });
  close(pp.meanDelta, 3, 1e-9);
  close(pp.stdDelta, 1, 1e-9);
  // One pair: a mean, no spread, no test.
  assert.deepEqual(pairedComparison([5], [2], { higherIsBetter: true }), {
    n: 1,
    meanDelta: 3,
    stdDelta: undefined,
    t: undefined,
    p: undefined,
    ahead: 1,
  });
  // Equal differences: a spread of 0 and nothing to test.
  const flat = pairedComparison([2, 3], [1, 2], { higherIsBetter: true });
  assert.equal(flat.stdDelta, 0);
  assert.equal(flat.t, undefined);
  assert.equal(flat.p, undefined);
  assert.throws(() => pairedComparison([1, 2], [1], { higherIsBetter: true }), /pair them by seed/);
  assert.throws(() => pairedComparison([], [], { higherIsBetter: true }), /no pairs/);
});
