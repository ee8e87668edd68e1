import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClockedState } from "./budget.ts";
import { RunLoop, type RunLoopOptions } from "./run-loop.ts";

const options = (more: Partial<RunLoopOptions> = {}): RunLoopOptions => ({
  minutes: undefined,
  budgetClock: "wall",
  reserve: 0.1,
  budgetDriven: false,
  log: () => {},
  ...more,
});

/** Runs `loop` to its end, one image per step; the steps taken and what finishing did. */
async function runToEnd(state: ClockedState, loop: RunLoop, every: number) {
  let steps = 0;
  while (loop.running()) {
    state.step++;
    steps++;
    loop.clock.stepDone(1);
  }
  const calls: string[] = [];
  const finished = await loop.finish(
    every,
    () => calls.push(`validate ${state.step}`),
    async () => {
      calls.push(`checkpoint ${state.step}`);
    },
  );
  return { steps, finished, calls };
}

describe("RunLoop", () => {
  it("runs to the end of the schedule, then validates (unless the last step did) and checkpoints", async () => {
    const state = { step: 0, totalSteps: 5, elapsedMs: 0 };
    const end = await runToEnd(state, new RunLoop(state, options()), 2);
    assert.deepEqual(end, { steps: 5, finished: true, calls: ["validate 5", "checkpoint 5"] });
    const again = { step: 0, totalSteps: 4, elapsedMs: 0 };
    assert.deepEqual((await runToEnd(again, new RunLoop(again, options()), 2)).calls, ["checkpoint 4"]);
  });

  it("stops unfinished after stopAfterSteps more steps, or when cancelled: no validation, a checkpoint", async () => {
    const state = { step: 3, totalSteps: Number.POSITIVE_INFINITY, elapsedMs: 0 };
    const end = await runToEnd(state, new RunLoop(state, options({ stopAfterSteps: 2 })), 7);
    assert.deepEqual(end, { steps: 2, finished: false, calls: ["checkpoint 5"] });
    assert.equal(state.totalSteps, Number.POSITIVE_INFINITY);
    const cancelled = { step: 0, totalSteps: 10, elapsedMs: 0 };
    const signal = AbortSignal.abort();
    assert.deepEqual(await runToEnd(cancelled, new RunLoop(cancelled, options({ signal })), 7), {
      steps: 0,
      finished: false,
      calls: ["checkpoint 0"],
    });
  });

  it("finishes when the time budget is spent, counting a resumed run's spent budget (wall time in older checkpoints)", async () => {
    // 2 minutes spent of a 1-minute budget: nothing left; the schedule length becomes the steps taken.
    const older = { step: 4, totalSteps: 100, elapsedMs: 120_000 };
    assert.deepEqual(await runToEnd(older, new RunLoop(older, options({ minutes: 1 })), 5), {
      steps: 0,
      finished: true,
      calls: ["validate 4", "checkpoint 4"],
    });
    assert.equal(older.totalSteps, 4);
    // The budget's own clock says none is spent: the run goes on.
    const newer = { step: 4, totalSteps: 6, elapsedMs: 120_000, budgetMs: 0 };
    assert.equal((await runToEnd(newer, new RunLoop(newer, options({ minutes: 1 })), 5)).steps, 2);
  });
});
