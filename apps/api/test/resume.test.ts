/**
 * A job whose runner dies mid-run is taken up again and resumes from its last checkpoint: on
 * SQLite by the next start of the API (whose thread ran it), on PostgreSQL by another worker
 * process after the first was killed with SIGKILL.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freshPgDatabase, home, ok, startApi, type TestApi, TINY_CONFIG, waitFor } from "./helpers.ts";

const DATASET = "tiny-resume";
const CONFIG = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 12, checkpointEvery: 4 } };
const apiDir = fileURLToPath(new URL("..", import.meta.url));

type Exp = {
  status: string;
  attempts: number;
  error: string | null;
  stages: Array<{ name: string; status: string; step: number; totalSteps: number | null }>;
  logs: Array<{ line: string }>;
};
const EXP = `query($id: ID!) { experiment(id: $id) { status attempts error stages { name status step totalSteps } logs(last: 500) { line } } }`;

async function buildAndCreate(api: TestApi): Promise<string> {
  await ok(api, `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }`, {
    i: { name: DATASET, limit: 300, seed: 3, options: { minPerCell: 10, maxPerCell: 60 }, overwrite: true },
  });
  const d = await ok<{ createExperiment: { id: string } }>(
    api,
    `mutation($c: JSON) { createExperiment(input: { name: "resume", dataset: "${DATASET}", config: $c }) { id } }`,
    { c: CONFIG },
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

async function assertResumed(api: TestApi, id: string, atLeastStep = CONFIG.train.checkpointEvery): Promise<void> {
  const e = await waitFor(
    "the resumed run to finish",
    async () => {
      const x = (await ok<{ experiment: Exp }>(api, EXP, { id })).experiment;
      return x.status !== "RUNNING" && x.status !== "QUEUED" ? x : null;
    },
    120_000,
  );
  assert.equal(e.status, "SUCCEEDED", e.error ?? "");
  assert.equal(e.attempts, 2);
  const resumed = e.logs.map((l) => /resuming from the checkpoint at step (\d+)/.exec(l.line)).find(Boolean);
  assert.ok(resumed, `a log line says it resumed: ${e.logs.map((l) => l.line).join(" | ")}`);
  assert.ok(Number(resumed[1]) >= atLeastStep, `resumed at step ${resumed[1]}, expected ≥ ${atLeastStep}`);
  const sft = e.stages.find((s) => s.name === "SFT");
  assert.equal(sft?.step, sft?.totalSteps);
  const m = await ok<{ experiment: { metrics: Array<{ points: Array<{ step: number }> }> } }>(
    api,
    `query($id: ID!) { experiment(id: $id) { metrics(names: ["loss"]) { points { step } } } }`,
    { id },
  );
  const steps = m.experiment.metrics[0].points.map((p) => p.step);
  assert.equal(new Set(steps).size, steps.length, "no step recorded twice after the resume");
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
      await assertResumed(second, id, seen);
    } finally {
      await second.stop();
    }
  });

  describe("postgres: a worker process killed with SIGKILL", () => {
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

    test("another worker finds the dead one's experiment and resumes it", async () => {
      const first = startWorker();
      const id = await buildAndCreate(api);
      await pastCheckpoint(api, id);
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      startWorker();
      await assertResumed(api, id);
    });
  });
});
