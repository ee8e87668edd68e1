import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { StepBudget } from "./budget.ts";
import { TrainConfig } from "./config.ts";

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

describe("StepBudget", () => {
  it("counts CPU time on the cpu clock, so waiting does not spend the budget but computing does", async () => {
    const budget = new StepBudget(0.001, 0.1, "cpu"); // 60 ms
    await sleep(150);
    assert.equal(budget.exhausted(), false, `spent ${budget.elapsedMs().toFixed(0)} ms of CPU while sleeping`);
    const until = cpuMs() + 80;
    while (cpuMs() < until) Math.sqrt(Math.random());
    assert.equal(budget.exhausted(), true);
  });

  it("counts wall time on the wall clock, and a resumed run starts with what it already spent", async () => {
    const budget = new StepBudget(0.001, 0.1, "wall");
    await sleep(80);
    assert.equal(budget.exhausted(), true);
    assert.equal(new StepBudget(1, 0.1, "wall", 60_000).exhausted(), true);
    assert.equal(new StepBudget(undefined).exhausted(), false);
  });

  it("estimates the schedule length at step 30 and re-estimates as the timed steps double", () => {
    const budget = new StepBudget(1, 0.1, "wall");
    const estimates: number[] = [];
    for (let step = 1; step <= 200; step++) {
      const e = budget.observe(step);
      if (e !== null) estimates.push(step);
      if (step === 30) assert.ok(e !== null && e > 31, `total ${e}`);
    }
    assert.deepEqual(estimates, [30, 50, 90, 170]);
    assert.equal(new StepBudget(undefined).observe(30), null);
  });
});

describe("TrainConfig budgets", () => {
  it("takes a fixed step count instead of epochs, and refuses it beside epochs or minutes", () => {
    assert.equal(TrainConfig.parse({ steps: 40 }).epochs, undefined);
    assert.equal(TrainConfig.parse({}).epochs, 5);
    const both = TrainConfig.safeParse({ steps: 40, epochs: 2 });
    assert.equal(both.success, false);
    assert.match(JSON.stringify(both.error?.issues), /steps fixes the run's length: give it without epochs or minutes/);
    assert.equal(TrainConfig.safeParse({ steps: 40, minutes: 3 }).success, false);
    assert.equal(TrainConfig.safeParse({ steps: 2.5 }).success, false);
  });
});
