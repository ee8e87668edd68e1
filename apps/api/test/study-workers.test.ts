/**
 * The three-worker drill (PostgreSQL): three worker processes take the runs of a tiny 2 × 3
 * chain-vs-flat study as they free up, so runs overlap in time and each runs once. The same study
 * again (same arms and seeds), with one worker SIGKILLed while it trains a run past a checkpoint:
 * another worker resumes that run from its checkpoint, every run succeeds with at most two
 * attempts and one set of predictions, and the comparison is the undisturbed study's, number for
 * number (SFT resumes bit for bit).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { recordFaultDrill } from "../../../scripts/fault-drills.ts";
import { allPredictions, DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { freshPgDatabase, home, ok, startApi, type TestApi, waitFor } from "./helpers.ts";
import { createStudy, type Study, studyEnded, tinyArm } from "./study-fixtures.ts";
import { maxConcurrent, startWorkers, type WorkerPool, wallSeconds } from "./worker-processes.ts";

const CHECKPOINT_EVERY = 5;
const ARMS = [
  tinyArm("chain", "chain", { checkpointEvery: CHECKPOINT_EVERY }),
  tinyArm("flat", "flat", { checkpointEvery: CHECKPOINT_EVERY }),
];
const SEEDS = [0, 1, 2];
/** flat at 0.8 of a chain step: 40 chain steps, 50 flat steps. */
const BUDGET = { sftSteps: 40, stepCost: { flat: 0.8 } };
const STALE_MS = 3000;

type Progress = {
  study: {
    runs: Array<{
      arm: string;
      seed: number;
      experiment: {
        id: string;
        status: string;
        worker: string | null;
        checkpoints: Array<{ stage: string; step: number }>;
      };
    }>;
  };
};

describe("postgres: a study spread over three worker processes", () => {
  let api: TestApi;
  let workers: WorkerPool;
  before(async () => {
    const databaseUrl = await freshPgDatabase();
    api = await startApi("postgres", {}, { pgWorker: false, databaseUrl });
    await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
    workers = startWorkers(3, { databaseUrl, home, staleMs: STALE_MS });
    await workers.ready;
  });
  after(async () => {
    await workers?.stopAll();
    await api?.stop();
  });

  /** Every run SUCCEEDED, with its predictions once each; returns each run's attempts by arm/seed. */
  async function assertEachRanOnce(study: Study): Promise<Map<string, number>> {
    assert.equal(study.status, "SUCCEEDED", study.runs.map((r) => r.experiment.error).join(" | "));
    assert.equal(study.runs.length, ARMS.length * SEEDS.length);
    const attempts = new Map<string, number>();
    for (const r of study.runs) {
      assert.equal(r.experiment.status, "SUCCEEDED");
      assert.ok(r.experiment.attempts <= 2, `${r.arm}/${r.seed}: ${r.experiment.attempts} attempts`);
      const preds = await allPredictions(api, { experimentId: r.experiment.id }, "ID", 100);
      assert.equal(preds.length, 25, `${r.arm}/${r.seed}: the eval limit's predictions`);
      assert.equal(new Set(preds.map((p) => p.sampleId)).size, preds.length, "no sample predicted twice");
      attempts.set(`${r.arm}/${r.seed}`, r.experiment.attempts);
    }
    return attempts;
  }

  const spansOf = (s: Study) =>
    s.runs.map((r) => ({ startedAt: r.experiment.startedAt as string, finishedAt: r.experiment.finishedAt as string }));

  test("runs overlap on three workers; a worker killed mid-run is recovered; the comparison is unchanged", async () => {
    const t0 = Date.now();
    const undisturbed = await studyEnded(
      api,
      (
        await createStudy(api, {
          name: "drill-undisturbed",
          dataset: DATASET,
          arms: ARMS,
          seeds: SEEDS,
          budget: BUDGET,
        })
      ).id,
      600_000,
    );
    const undisturbedWallS = (Date.now() - t0) / 1000;
    const calm = await assertEachRanOnce(undisturbed);
    assert.deepEqual([...calm.values()], [1, 1, 1, 1, 1, 1], "no run taken twice");
    const calmWorkers = new Set(undisturbed.runs.map((r) => r.experiment.worker));
    const calmOverlap = maxConcurrent(spansOf(undisturbed));
    assert.ok(calmOverlap >= 2, `runs overlap in time (at most ${calmOverlap} at once)`);
    assert.ok(calmWorkers.size >= 2, `runs spread over workers: ${[...calmWorkers].join(", ")}`);

    const t1 = Date.now();
    const disturbed = await createStudy(api, {
      name: "drill-killed",
      dataset: DATASET,
      arms: ARMS,
      seeds: SEEDS,
      budget: BUDGET,
    });
    // A run past its second checkpoint, on a worker that is still alive.
    const victim = await waitFor(
      "a run of the study past its second SFT checkpoint",
      async () => {
        const d = await ok<Progress>(
          api,
          `query($id: ID!) { study(id: $id) { runs { arm seed experiment { id status worker checkpoints { stage step } } } } }`,
          { id: disturbed.id },
        );
        return d.study.runs.find(
          (r) =>
            r.experiment.status === "RUNNING" &&
            r.experiment.worker !== null &&
            r.experiment.checkpoints.some((c) => c.stage === "SFT" && c.step > CHECKPOINT_EVERY),
        );
      },
      300_000,
      50,
    );
    const killedWorker = victim.experiment.worker as string;
    const checkpointAtKill = Math.max(...victim.experiment.checkpoints.map((c) => c.step));
    await workers.kill(killedWorker);
    const ended = await studyEnded(api, disturbed.id, 600_000);
    const disturbedWallS = (Date.now() - t1) / 1000;
    const attempts = await assertEachRanOnce(ended);
    const resumed = ended.runs.find((r) => r.experiment.id === victim.experiment.id);
    assert.ok(resumed);
    assert.equal(resumed.experiment.attempts, 2, "the killed run was taken up once more");
    assert.notEqual(resumed.experiment.worker, killedWorker, "another worker finished it");
    const logs = await ok<{ experiment: { logs: Array<{ line: string }> } }>(
      api,
      `query($id: ID!) { experiment(id: $id) { logs(last: 500) { line } } }`,
      { id: victim.experiment.id },
    );
    const resumeLine = logs.experiment.logs
      .map((l) => /resuming from the checkpoint at step (\d+)/.exec(l.line))
      .find(Boolean);
    assert.ok(resumeLine, "it resumed from a checkpoint");
    const others = [...attempts.entries()].filter(([k]) => k !== `${victim.arm}/${victim.seed}`);
    assert.ok(
      others.every(([, n]) => n === 1),
      `only the killed run was taken twice: ${JSON.stringify(others)}`,
    );

    // The same seeds give the same numbers, killed or not.
    const strip = (s: Study) => s.comparisons.map(({ note: _note, ...c }) => c);
    assert.deepEqual(strip(ended), strip(undisturbed), "the comparison equals the undisturbed study's");
    assert.equal(ended.comparisons.length, 10);

    const km = ended.comparisons.find((c) => c.metric === "medianKm");
    recordFaultDrill("study-three-workers", {
      title: "A 2 × 3 study on three worker processes, one worker SIGKILLed mid-run (PostgreSQL mode)",
      method: `tiny chain vs flat (budget ${BUDGET.sftSteps} chain steps, flat at step cost 0.8: ${BUDGET.sftSteps / 0.8} steps; SFT checkpoints every ${CHECKPOINT_EVERY} steps; eval on 25 test samples), seeds ${SEEDS.join(", ")}, three workers (GEOR_JOB_STALE_MS ${STALE_MS}); the study ran undisturbed, then again with the worker of the first run past its second SFT checkpoint killed; every run checked SUCCEEDED with ≤ 2 attempts and 25 distinct predictions, the killed run resumed from its checkpoint on another worker, and the second study's comparison equal to the first's in every field`,
      command: "cd apps/api && node --import tsx test/run.ts test/study-workers.test.ts",
      figures: {
        runsPerStudy: ended.runs.length,
        workersUsedUndisturbed: calmWorkers.size,
        maxRunsAtOnceUndisturbed: calmOverlap,
        maxRunsAtOnceKilled: maxConcurrent(spansOf(ended)),
        runSecondsSummedUndisturbed: Number(
          spansOf(undisturbed)
            .reduce((s, x) => s + (Date.parse(x.finishedAt) - Date.parse(x.startedAt)) / 1000, 0)
            .toFixed(1),
        ),
        runsWallSecondsUndisturbed: Number(wallSeconds(spansOf(undisturbed)).toFixed(1)),
        studyWallSecondsUndisturbed: Number(undisturbedWallS.toFixed(1)),
        studyWallSecondsKilled: Number(disturbedWallS.toFixed(1)),
        killedRun: `${victim.arm} seed ${victim.seed}`,
        killedWorkerCheckpointStep: checkpointAtKill,
        resumedFromStep: Number((resumeLine as RegExpExecArray)[1]),
        killedRunAttempts: resumed.experiment.attempts,
        otherRunsAttempts: others.map(([, n]) => n).join(" "),
        comparisonEqualsUndisturbed: true,
        medianKmDeltaFlatMinusChain: Number(km?.meanDelta.toFixed(3)),
        medianKmP: km?.p === null || km?.p === undefined ? "—" : Number(km.p.toFixed(4)),
      },
    });
  });
});
