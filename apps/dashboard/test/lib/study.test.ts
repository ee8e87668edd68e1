import assert from "node:assert/strict";
import { test } from "node:test";
import {
  armConfigFromExperiment,
  formatMeanStd,
  formatP,
  formatStudyDelta,
  formatT,
  parseSeeds,
  perSeedDeltas,
  prettyConfig,
  readComparedMetric,
  studyProgress,
} from "../../src/lib/study.ts";

test("progress counts every ended run, failed and cancelled included", () => {
  const counts = { queued: 1, running: 1, succeeded: 3, failed: 1, cancelled: 0, total: 6 };
  assert.deepEqual(studyProgress(counts), { done: 4, total: 6, fraction: 4 / 6 });
  assert.equal(studyProgress({ ...counts, queued: 0, running: 0, succeeded: 0, failed: 0, total: 0 }).fraction, 0);
});

test("a difference reads with its sign and unit, mean ± std with the std's precision", () => {
  assert.equal(formatStudyDelta(12.345, "pp"), "+12.3 pp");
  assert.equal(formatStudyDelta(-1343.2, "km"), "-1,343 km");
  assert.equal(formatStudyDelta(-0.04, "pp"), "+0.0 pp", "no minus on a shown zero");
  assert.equal(formatStudyDelta(-37.25, "points"), "-37.3 points");
  assert.equal(formatStudyDelta(null, "km"), "–");
  assert.equal(formatMeanStd(3.14, 2.0, "pp"), "+3.1 ± 2.0 pp");
  assert.equal(formatMeanStd(-5, 312.4, "km"), "-5 ± 312 km");
  assert.equal(formatMeanStd(4.2, null, "km"), "+4.2 km", "one pair: no spread");
});

test("t and p: none when the API has none, p below a thousandth as a bound", () => {
  assert.equal(formatT(-2.456), "-2.46");
  assert.equal(formatT(null), "–");
  assert.equal(formatP(0.0342), "0.034");
  assert.equal(formatP(0.0004), "< 0.001");
  assert.equal(formatP(null), "–");
});

test("seeds: lists and ranges; a bad part or a repeated seed is named", () => {
  assert.deepEqual(parseSeeds("0-3, 7 9"), [0, 1, 2, 3, 7, 9]);
  assert.deepEqual(parseSeeds(" 5 "), [5]);
  assert.throws(() => parseSeeds(""), /give at least one seed/);
  assert.throws(() => parseSeeds("1, x"), /"x" is not a seed/);
  assert.throws(() => parseSeeds("-1"), /"-1" is not a seed/);
  assert.throws(() => parseSeeds("4-2"), /"4-2" runs backwards/);
  assert.throws(() => parseSeeds("0-2, 2"), /seed 2 appears twice/);
});

test("an experiment's config as an arm: no seeds or clocks; no SFT length under a budget", () => {
  const config = {
    model: { head: "flat" },
    train: { epochs: 2, steps: 40, seed: 3, minutes: 1, clock: "cpu", lr: 0.001 },
    rl: { steps: 10, seed: 3, reward: "geor" },
    eval: { split: "test" },
  };
  assert.deepEqual(armConfigFromExperiment(config, true), {
    model: { head: "flat" },
    train: { lr: 0.001 },
    rl: { steps: 10, reward: "geor" },
    eval: { split: "test" },
  });
  assert.deepEqual(armConfigFromExperiment(config, false).train, { epochs: 2, steps: 40, lr: 0.001 });
  assert.deepEqual(armConfigFromExperiment({ ...config, rl: null }, true).rl, null);
  assert.deepEqual(config.train.seed, 3, "the experiment's config is left as it was");
  assert.deepEqual(armConfigFromExperiment("not a config", true), {});
});

const report = (medianKm: number, acc25: number, country: number, geoScore: number) => ({
  metrics: { medianKm, geoScore, acc: { 1: 0, 25: acc25, 200: 0.5, 750: 0.8, 2500: 0.9 } },
  levels: { country, admin1: 0.1, place: 0.05 },
});

test("a compared metric reads from the EVAL report in the comparison's unit", () => {
  const r = report(812, 0.125, 0.5, 1900);
  assert.equal(readComparedMetric(r, "medianKm"), 812);
  assert.equal(readComparedMetric(r, "acc@25"), 12.5);
  assert.equal(readComparedMetric(r, "country"), 50);
  assert.equal(readComparedMetric(r, "geoScore"), 1900);
  assert.equal(readComparedMetric({ ...r, levels: { city: 0.02 } }, "place"), 2, "an old report's city level");
  assert.equal(readComparedMetric(r, "acc@9"), null);
  assert.equal(readComparedMetric(null, "medianKm"), null);
});

test("per-seed differences pair each arm run with the control's of the same seed", () => {
  const runs = [
    { arm: "chain", seed: 0, finalMetrics: report(1000, 0.1, 0.4, 1500) },
    { arm: "flat", seed: 0, finalMetrics: report(900, 0.15, 0.3, 1600) },
    { arm: "chain", seed: 1, finalMetrics: report(800, 0.2, 0.5, 1700) },
    { arm: "flat", seed: 1, finalMetrics: null },
    { arm: "chain", seed: 2, finalMetrics: report(700, 0.3, 0.6, 1800) },
    { arm: "flat", seed: 2, finalMetrics: report(750, 0.25, 0.6, 1750) },
  ];
  assert.deepEqual(perSeedDeltas(runs, "flat", "chain", "medianKm", [0, 1, 2]), [
    { seed: 0, delta: -100 },
    { seed: 2, delta: 50 },
  ]);
  const acc = perSeedDeltas(runs, "flat", "chain", "acc@25", [0, 2]).map((d) => Math.round(d.delta * 1e9) / 1e9);
  assert.deepEqual(acc, [5, -5]);
});

test("a config to edit keeps short arrays on one line and stays the same JSON", () => {
  const config = { model: { head: "chain", convWidths: [32, 64], tags: ["a, b", "c"] }, train: { lr: 0.001 }, e: [] };
  const text = prettyConfig(config);
  assert.equal(
    text,
    '{\n  "model": {\n    "head": "chain",\n    "convWidths": [32, 64],\n    "tags": ["a, b", "c"]\n  },\n  "train": {\n    "lr": 0.001\n  },\n  "e": []\n}',
  );
  assert.deepEqual(JSON.parse(text), config);
  const nested = { a: [{ b: [1, 2] }, 3] };
  assert.deepEqual(JSON.parse(prettyConfig(nested)), nested);
});
