import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { StepBudget } from "./budget.ts";

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

  it("fixes the schedule length at step 30 from the speed of steps 10–30", () => {
    const budget = new StepBudget(1, 0.1, "wall");
    for (let step = 1; step < 30; step++) assert.equal(budget.observe(step), null);
    const total = budget.observe(30);
    assert.ok(total !== null && total > 31, `total ${total}`);
  });
});
