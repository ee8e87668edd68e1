import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_STUDY_RUNS,
  StudyValidationError,
  studyRunConfig,
  validateNewSeeds,
  validateStudyDesign,
} from "./study-config.ts";

const chain = { name: "chain", config: { model: { head: "chain" } } };
const flat = { name: "flat", config: { model: { head: "flat" } } };

/** The issues' fields of a design that must fail. */
function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StudyValidationError, String(err));
    return err.issues.map((i) => i.field);
  }
  assert.fail("the design was accepted");
}

test("a budget gives the chain sftSteps and every other head the steps of the same compute", () => {
  // flat costs 0.8 of a chain step: 24 chain steps buy 24 / 0.8 = 30 flat steps.
  const d = validateStudyDesign({
    arms: [chain, flat],
    seeds: [3, 4],
    budget: { sftSteps: 24, stepCost: { flat: 0.8 } },
  });
  assert.deepEqual(
    d.arms.map((a) => [a.name, a.head, a.sftSteps]),
    [
      ["chain", "chain", 24],
      ["flat", "flat", 30],
    ],
  );
  assert.equal(d.control, "chain", "the first arm is the control by default");
  assert.deepEqual(d.budget, { sftSteps: 24, stepCost: { chain: 1, flat: 0.8 } });
  const run = studyRunConfig(d.arms[1], 4);
  assert.equal(run.train.steps, 30);
  assert.equal(run.train.seed, 4);
  assert.equal(run.train.epochs, undefined);
  assert.equal(run.model.head, "flat");
  // Without a step cost every head costs the same: equal steps.
  const equal = validateStudyDesign({ arms: [chain, flat], seeds: [0], control: "flat", budget: { sftSteps: 24 } });
  assert.deepEqual(
    equal.arms.map((a) => a.sftSteps),
    [24, 24],
  );
  assert.equal(equal.control, "flat");
});

test("without a budget each arm states its steps; an RL arm's seed is set too", () => {
  const d = validateStudyDesign({
    arms: [
      { name: "sft", config: { train: { steps: 40 } } },
      { name: "sft-rl", config: { train: { steps: 30 }, rl: { steps: 10, reward: "exp:500" } } },
    ],
    seeds: [7],
  });
  assert.deepEqual(
    d.arms.map((a) => a.sftSteps),
    [40, 30],
  );
  assert.equal(d.budget, null);
  const run = studyRunConfig(d.arms[1], 7);
  assert.equal(run.train.seed, 7);
  assert.equal(run.rl?.seed, 7);
  assert.equal(run.rl?.steps, 10);
  assert.equal(studyRunConfig(d.arms[0], 7).rl, null);
});

test("every bad arm is named with its field, all at once", () => {
  let message = "";
  try {
    validateStudyDesign({
      arms: [
        { name: "a", config: { train: { lr: 5 } } },
        { name: "b", config: { model: { head: "tree" } } },
      ],
      seeds: [0],
      budget: { sftSteps: 10 },
    });
  } catch (err) {
    message = (err as Error).message;
    assert.deepEqual(
      (err as StudyValidationError).issues.map((i) => [i.field, i.arm]),
      [
        ["arms[0].config.train.lr", "a"],
        ["arms[1].config.model.head", "b"],
      ],
    );
  }
  assert.match(message, /^invalid study: arms\[0\] "a": config\.train\.lr: .*; arms\[1\] "b": config\.model\.head: /);
});

test("the design's own rules: names, seeds, control, budget, run count", () => {
  const budget = { sftSteps: 10 };
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain], seeds: [0], budget })),
    ["arms"],
  );
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, { ...flat, name: "chain" }], seeds: [0], budget })),
    ["arms[1].name"],
  );
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, { ...flat, name: "has space" }], seeds: [0], budget })),
    ["arms[1].name"],
  );
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, flat], seeds: [], budget })),
    ["seeds"],
  );
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, flat], seeds: [1, 2, 1, -1], budget })),
    ["seeds[2]", "seeds[3]"],
  );
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, flat], seeds: [0], control: "regress", budget })),
    ["control"],
  );
  const many = Array.from({ length: MAX_STUDY_RUNS / 2 + 1 }, (_, i) => i);
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, flat], seeds: many, budget })),
    ["seeds"],
  );
  assert.deepEqual(
    fieldsOf(() => validateStudyDesign({ arms: [chain, flat], seeds: [0], budget: { sftSteps: 0 } })),
    ["budget.sftSteps"],
  );
  assert.deepEqual(
    fieldsOf(() =>
      validateStudyDesign({ arms: [chain, flat], seeds: [0], budget: { sftSteps: 5, stepCost: { chain: 1 } } }),
    ),
    ["budget.stepCost.flat"],
  );
  assert.deepEqual(
    fieldsOf(() =>
      validateStudyDesign({ arms: [chain, flat], seeds: [0], budget: { sftSteps: 5, stepCost: { flat: 0, tree: 1 } } }),
    ),
    ["budget.stepCost.flat", "budget.stepCost.tree"],
  );
});

test("an arm sets neither its seed, nor a clock, nor (under a budget) its length", () => {
  const arm = (config: Record<string, unknown>) => ({ name: "x", config });
  const withBudget = (config: Record<string, unknown>) =>
    fieldsOf(() => validateStudyDesign({ arms: [chain, arm(config)], seeds: [0], budget: { sftSteps: 10 } }));
  assert.deepEqual(withBudget({ train: { seed: 1 } }), ["arms[1].config.train.seed"]);
  assert.deepEqual(withBudget({ train: { steps: 10 } }), ["arms[1].config.train.steps"]);
  assert.deepEqual(withBudget({ train: { epochs: 2 } }), ["arms[1].config.train.epochs"]);
  assert.deepEqual(withBudget({ train: { minutes: 2 } }), ["arms[1].config.train.minutes"]);
  assert.deepEqual(withBudget({ rl: { minutes: 2, seed: 3 } }), [
    "arms[1].config.rl.seed",
    "arms[1].config.rl.minutes",
  ]);
  const noBudget = fieldsOf(() =>
    validateStudyDesign({ arms: [{ name: "a", config: { train: { steps: 10 } } }, arm({})], seeds: [0] }),
  );
  assert.deepEqual(noBudget, ["arms[1].config.train.steps"]);
});

test("new seeds: not already in the study, not repeated, within the run cap", () => {
  validateNewSeeds(2, [0, 1], [2, 3]);
  assert.deepEqual(
    fieldsOf(() => validateNewSeeds(2, [0, 1], [2, 1, 2])),
    ["seeds[1]", "seeds[2]"],
  );
  assert.deepEqual(
    fieldsOf(() => validateNewSeeds(2, [0, 1], [])),
    ["seeds"],
  );
  assert.deepEqual(
    fieldsOf(() => validateNewSeeds(100, [0, 1], [2])),
    ["seeds"],
  );
});
