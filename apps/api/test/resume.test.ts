/**
 * A job whose runner dies mid-run is taken up again and resumes from its last checkpoint: on
 * SQLite by the next start of the API (whose thread ran it), on PostgreSQL by other worker
 * processes after one was killed with SIGKILL mid-SFT and the next mid-RL. Either way the metric
 * rows end up exactly one per series and step: none repeated, none lost.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { recordFaultDrill } from "../../../scripts/fault-drills.ts";
import { openDatabase } from "../src/db/connect.ts";
import { freshPgDatabase, home, ok, startApi, type TestApi, TINY_CONFIG, waitFor } from "./helpers.ts";

const DATASET = "tiny-resume";
const CONFIG = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 12, checkpointEvery: 4 } };
const RL = {
  steps: 24,
  imagesPerStep: 8,
  group: 4,
  evalEvery: 12,
  valLimit: 16,
  checkpointEvery: 4,
  reward: "exp:500",
};
const apiDir = fileURLToPath(new URL("..", import.meta.url));

type Exp = {
  status: string;
  attempts: number;
  error: string | null;
  stages: Array<{ name: string; status: string; step: number; totalSteps: number | null }>;
  logs: Array<{ line: string }>;
};
const EXP = `query($id: ID!) { experiment(id: $id) { status attempts error stages { name status step totalSteps } logs(last: 500) { line } } }`;

async function buildAndCreate(api: TestApi, config: Record<string, unknown> = CONFIG): Promise<string> {
  await ok(api, `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }`, {
    i: { name: DATASET, limit: 300, seed: 3, options: { minPerCell: 10, maxPerCell: 60 }, overwrite: true },
  });
  const d = await ok<{ createExperiment: { id: string } }>(
    api,
    `mutation($c: JSON) { createExperiment(input: { name: "resume", dataset: "${DATASET}", config: $c }) { id } }`,
    { c: config },
  );
  return d.createExperiment.id;
}

/** Past two checkpoints, so one is certainly on disk. */
async function pastCheckpoint(api: TestApi, id: string): Promise<number> {
  return waitFor(
    "the run to pass its second checkpoint",
    async () => {
      const e = (await ok<{ experiment: Exp }>(api, EXP, { id })).experiment;
      const sft = e.stages.find((s) => s.name === "SFT");
      return e.status === "RUNNING" && sft && sft.step > 2 * CONFIG.train.checkpointEvery ? sft.step : null;
    },
    60_000,
  );
}

async function assertResumed(
  api: TestApi,
  id: string,
  atLeastStep = CONFIG.train.checkpointEvery,
  attempts = 2,
): Promise<Exp> {
  const e = await waitFor(
    "the resumed run to finish",
    async () => {
      const x = (await ok<{ experiment: Exp }>(api, EXP, { id })).experiment;
      return x.status !== "RUNNING" && x.status !== "QUEUED" ? x : null;
    },
    120_000,
  );
  assert.equal(e.status, "SUCCEEDED", e.error ?? "");
  assert.equal(e.attempts, attempts);
  const resumed = e.logs.map((l) => /resuming from the checkpoint at step (\d+)/.exec(l.line)).find(Boolean);
  assert.ok(resumed, `a log line says it resumed: ${e.logs.map((l) => l.line).join(" | ")}`);
  assert.ok(Number(resumed[1]) >= atLeastStep, `resumed at step ${resumed[1]}, expected ≥ ${atLeastStep}`);
  return e;
}

type Series = Map<string, number[]>;

/** Metric rows and checkpoint rows of an experiment, read from the database itself. */
async function rowsOf(api: TestApi, id: string): Promise<{ series: Series; rows: number; checkpoints: string[] }> {
  const db = await openDatabase(api.config, { migrate: false, poolSize: 1 });
  try {
    const metrics = await db.db
      .selectFrom("metrics")
      .select(["stage", "name", "step"])
      .where("experiment_id", "=", id)
      .orderBy("id")
      .execute();
    const series: Series = new Map();
    for (const m of metrics) {
      const key = `${m.stage}/${m.name}`;
      series.set(key, [...(series.get(key) ?? []), m.step]);
    }
    const checkpoints = await db.db
      .selectFrom("checkpoints")
      .select(["stage", "step"])
      .where("experiment_id", "=", id)
      .execute();
    return { series, rows: metrics.length, checkpoints: checkpoints.map((c) => `${c.stage}@${c.step}`) };
  } finally {
    await db.close();
  }
}

/**
 * Every series of every finished training stage holds each step 1…totalSteps exactly once, in
 * the order written (the trainers log every step); no checkpoint is listed twice. Returns the
 * number of metric rows.
 */
async function assertMetricRowsExact(api: TestApi, id: string, e: Exp): Promise<number> {
  const { series, rows, checkpoints } = await rowsOf(api, id);
  for (const stage of e.stages.filter((s) => s.name !== "EVAL" && s.status === "SUCCEEDED")) {
    assert.equal(stage.step, stage.totalSteps);
    const ofStage = [...series].filter(([key]) => key.startsWith(`${stage.name}/`));
    assert.ok(ofStage.length >= 3, `${stage.name} has its series: ${[...series.keys()].join(", ")}`);
    const expected = Array.from({ length: stage.totalSteps ?? 0 }, (_, i) => i + 1);
    for (const [key, steps] of ofStage) assert.deepEqual(steps, expected, `${key}: each step once, in order`);
  }
  assert.equal(new Set(checkpoints).size, checkpoints.length, `no checkpoint listed twice: ${checkpoints.join(" ")}`);
  return rows;
}

describe("an interrupted job resumes from its last checkpoint", () => {
  test("sqlite: the API stops mid-run (its run saves a checkpoint as it stops); its next start resumes there", async () => {
    const first = await startApi("sqlite");
    const id = await buildAndCreate(first);
    const seen = await pastCheckpoint(first, id);
    await first.stop();
    const second = await startApi("sqlite", { home: first.config.home });
    try {
      // A graceful stop loses no step: the resume starts at or after the last step seen.
      const e = await assertResumed(second, id, seen);
      await assertMetricRowsExact(second, id, e);
    } finally {
      await second.stop();
    }
  });

  describe("postgres: worker processes killed with SIGKILL mid-SFT and mid-RL", () => {
    let api: TestApi;
    let url: string;
    const workers: ChildProcess[] = [];
    const startWorker = () => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/worker-main.ts"], {
        cwd: apiDir,
        env: { ...process.env, DATABASE_URL: url, GEOR_HOME: home, GEOR_JOB_STALE_MS: "3000" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      workers.push(child);
      return child;
    };
    before(async () => {
      url = await freshPgDatabase();
      api = await startApi("postgres", {}, { pgWorker: false, databaseUrl: url });
    });
    after(async () => {
      for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
      await api?.stop();
    });

    /**
     * Kills `worker` as soon as the database lists a second checkpoint of `stage`: the moment the
     * runner has most likely not written the last second of metric points yet.
     */
    async function killAfterCheckpoint(worker: ChildProcess, id: string, stage: "SFT" | "RL", every: number) {
      const step = await waitFor(
        `a checkpoint of ${stage} past step ${every}`,
        async () => {
          const { checkpoints } = await rowsOf(api, id);
          const steps = checkpoints.filter((c) => c.startsWith(`${stage}@`)).map((c) => Number(c.split("@")[1]));
          return steps.some((s) => s > every) ? Math.max(...steps) : null;
        },
        120_000,
        25,
      );
      worker.kill("SIGKILL");
      await new Promise((r) => worker.once("exit", r));
      const { series, rows } = await rowsOf(api, id);
      const loss = series.get(`${stage}/loss`) ?? [];
      return { checkpointStep: step, rowsAtKill: rows, lastStepInDatabase: loss.length > 0 ? Math.max(...loss) : 0 };
    }

    test("each next worker finds the dead one's experiment and resumes it; no metric row repeated or lost", async () => {
      const id = await buildAndCreate(api, { ...CONFIG, rl: RL });
      const sftKill = await killAfterCheckpoint(startWorker(), id, "SFT", CONFIG.train.checkpointEvery);
      const rlKill = await killAfterCheckpoint(startWorker(), id, "RL", RL.checkpointEvery);
      startWorker();
      const e = await assertResumed(api, id, CONFIG.train.checkpointEvery, 3);
      const resumes = e.logs.filter((l) => /resuming from the checkpoint at step \d+/.test(l.line));
      assert.equal(resumes.length, 2, "SFT and RL each resumed once");
      const rows = await assertMetricRowsExact(api, id, e);
      const stepsOf = (name: string) => e.stages.find((s) => s.name === name)?.totalSteps ?? 0;
      recordFaultDrill("worker-killed-mid-training", {
        title: "Worker process killed (SIGKILL) mid-SFT, then its successor mid-RL (PostgreSQL mode)",
        method: `tiny SFT (${stepsOf("SFT")} steps) → RL (${stepsOf("RL")} steps) → EVAL, checkpoints every 4 steps; each worker is killed as soon as the database lists its stage's second checkpoint; a third worker finishes; every metric series is checked to hold each step once`,
        command: "cd apps/api && node --import tsx test/run.ts test/resume.test.ts",
        figures: {
          killsSurvived: 2,
          attempts: e.attempts,
          sftCheckpointStepAtKill: sftKill.checkpointStep,
          sftLastMetricStepInDatabaseAtKill: sftKill.lastStepInDatabase,
          rlCheckpointStepAtKill: rlKill.checkpointStep,
          rlLastMetricStepInDatabaseAtKill: rlKill.lastStepInDatabase,
          metricRowsAfterFirstKill: sftKill.rowsAtKill,
          metricRowsAfterSecondKill: rlKill.rowsAtKill,
          metricRowsAtEnd: rows,
          metricRowsDuplicated: 0,
          metricRowsLost: 0,
        },
      });
    });
  });
});
