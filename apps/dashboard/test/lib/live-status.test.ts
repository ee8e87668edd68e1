import assert from "node:assert/strict";
import { test } from "node:test";
import { type LiveProgress, statusView } from "../../src/lib/live-status.ts";

const running: LiveProgress = {
  status: "RUNNING",
  stages: [
    { name: "SFT", status: "RUNNING", step: 1, totalSteps: 3800 },
    { name: "EVAL", status: "PENDING", step: 0, totalSteps: null },
  ],
};

test("while the page's run is active, the subscription's newer status and stage are shown", () => {
  assert.deepEqual(statusView("QUEUED", running), {
    status: "RUNNING",
    stage: { name: "SFT", step: 1, totalSteps: 3800, fraction: 1 / 3800 },
  });
  // The subscription says it ended before the page fetched again: the badge says so at once.
  assert.equal(statusView("RUNNING", { status: "CANCELLED", stages: [] }).status, "CANCELLED");
  assert.deepEqual(statusView("RUNNING", null), { status: "RUNNING", stage: null });
});

test("once the page's run has settled, the paused subscription's last event is not shown", () => {
  // A cancel answered (and the page fetched again) before the subscription's CANCELLED event came.
  assert.deepEqual(statusView("CANCELLED", running), { status: "CANCELLED", stage: null });
  assert.deepEqual(statusView("SUCCEEDED", running), { status: "SUCCEEDED", stage: null });
});

test("a stage without a known total shows its step and no progress bar", () => {
  const view = statusView("RUNNING", { status: "RUNNING", stages: [{ name: "RL", status: "RUNNING", step: 7 }] });
  assert.deepEqual(view.stage, { name: "RL", step: 7, totalSteps: null, fraction: null });
});
