import assert from "node:assert/strict";
import { test } from "node:test";
import { validateStudyDesign } from "../study-config.ts";
import { ablationAsStudy, defaultStudyName } from "./ablation-study.ts";

const heads = {
  dataset: "d",
  sections: ["heads" as const],
  heads: ["flat" as const, "regress" as const],
  budgetClock: "steps" as const,
  sftSteps: 700,
  stepCost: { chain: 1, flat: 0.95, regress: 0.5 },
  seeds: [0, 1, 2],
  evalLimit: 100,
  model: { featureDim: 32 },
  train: { lr: 0.001, steps: 5, seed: 9 },
};

test("a heads ablation under a steps budget is a study with the same arms, seeds and step prices", () => {
  const s = ablationAsStudy(heads, "h");
  assert.deepEqual(
    s.arms.map((a) => a.name),
    ["chain", "flat", "regress"],
  );
  assert.equal(s.control, "chain");
  assert.deepEqual(s.seeds, [0, 1, 2]);
  assert.deepEqual(s.budget, { sftSteps: 700, stepCost: { chain: 1, flat: 0.95, regress: 0.5 } });
  // The ablation's own steps and seed are the study's: left out of the arms.
  assert.deepEqual(s.arms[1].config, {
    model: { featureDim: 32, head: "flat" },
    train: { lr: 0.001 },
    eval: { split: "test", limit: 100 },
  });
  // The API's check accepts it and prices flat's steps as the ablation does: 700 / 0.95 = 736.8 → 737.
  const design = validateStudyDesign(s);
  assert.deepEqual(
    design.arms.map((a) => a.sftSteps),
    [700, 737, 1400],
  );
});

test("what a study cannot express is refused, naming it", () => {
  const refused: Array<[Record<string, unknown>, RegExp]> = [
    [{ sections: ["heads", "rewards"] }, /the rewards section\(s\) cannot be a study/],
    [{ budgetClock: "cpu", sftSteps: undefined, stepCost: undefined }, /clock is "cpu"/],
    [{ stepCost: undefined }, /a study needs the heads' step costs/],
    [{ decision: "argmax" }, /--decision re-scores/],
    [{ holdoutFraction: 0.2 }, /holdoutFraction 0\.2 keeps data for the RL arms/],
  ];
  for (const [change, message] of refused) assert.throws(() => ablationAsStudy({ ...heads, ...change }, "h"), message);
  // The ablation's own rules still apply.
  assert.throws(
    () => ablationAsStudy({ ...heads, stepCost: { chain: 1, flat: 0.9 } }, "h"),
    /stepCost lacks the head\(s\) regress/,
  );
});

test("the default name is a valid study name within 58 characters", () => {
  const name = defaultStudyName(`bluemarble/${"x".repeat(80)}`, new Date("2026-12-02T08:04:01.664Z"));
  assert.ok(name.length <= 58, name);
  assert.match(name, /^heads-bluemarble-x+-20261202-080401$/);
});
