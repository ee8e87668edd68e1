/**
 * Studies bench (PostgreSQL): the same tiny chain-vs-flat study run by one worker process and by
 * three, in alternating rounds so both see the machine's load alike. Records runs per minute with
 * each, and the study's wall time with one worker over its wall time with three. Writes
 * bench/results/studies.json at the repo root.
 * Usage: npm run bench:studies -w @geor/api [-- --seeds 4 --rounds 2] [-- --quick: 2 seeds, 1 round]
 * (`npm run bench -w @geor/api` runs it after api.bench.ts, `npm run bench` at the root with every bench).
 * PostgreSQL: a throw-away cluster (as in the tests), or the server at GEOR_TEST_PG_URL.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DATASET, TINY_DATASET_INPUT } from "../test/api-fixtures.ts";
import { freshPgDatabase, home, ok, startApi } from "../test/helpers.ts";
import { startPgCluster } from "../test/pg-cluster.ts";
import { createStudy, type Study, studyEnded, tinyArm } from "../test/study-fixtures.ts";
import { maxConcurrent, startWorkers } from "../test/worker-processes.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes("--quick");
const SEEDS = Array.from({ length: arg("--seeds", quick ? 2 : 4) }, (_, i) => i);
const ROUNDS = arg("--rounds", quick ? 1 : 2);
const ARMS = [tinyArm("chain", "chain"), tinyArm("flat", "flat")];
const BUDGET = { sftSteps: 40, stepCost: { flat: 0.8 } };
const root = fileURLToPath(new URL("../../../", import.meta.url));

const cluster = process.env.GEOR_TEST_PG_URL ? null : await startPgCluster();
if (cluster) process.env.GEOR_TEST_PG_URL = cluster.url;
const databaseUrl = await freshPgDatabase();
const api = await startApi("postgres", {}, { pgWorker: false, databaseUrl });

interface Measured {
  workers: number;
  round: number;
  runs: number;
  studyWallSeconds: number;
  runsPerMinute: number;
  maxRunsAtOnce: number;
  loadAverage1mBefore: number;
}

const measured: Measured[] = [];
const studies: Study[] = [];
try {
  await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const n of [1, 3]) {
      const pool = startWorkers(n, { databaseUrl, home, staleMs: 30_000 });
      try {
        await pool.ready;
        const load = os.loadavg()[0];
        const t0 = performance.now();
        const created = await createStudy(api, {
          name: `bench-${n}-workers-round-${round}`,
          dataset: DATASET,
          arms: ARMS,
          seeds: SEEDS,
          budget: BUDGET,
        });
        const study = await studyEnded(api, created.id, 3_600_000);
        const wall = (performance.now() - t0) / 1000;
        if (study.status !== "SUCCEEDED") throw new Error(`study ${study.name} ended ${study.status}`);
        studies.push(study);
        const spans = study.runs.map((r) => ({
          startedAt: r.experiment.startedAt as string,
          finishedAt: r.experiment.finishedAt as string,
        }));
        const m: Measured = {
          workers: n,
          round,
          runs: study.runs.length,
          studyWallSeconds: +wall.toFixed(1),
          runsPerMinute: +(study.runs.length / (wall / 60)).toFixed(2),
          maxRunsAtOnce: maxConcurrent(spans),
          loadAverage1mBefore: +load.toFixed(2),
        };
        measured.push(m);
        console.log(JSON.stringify(m));
      } finally {
        await pool.stopAll();
      }
    }
  }
} finally {
  await api.stop();
  cluster?.stop();
  // The test helpers' GEOR_HOME (made when they load): the study's runs and dataset, not kept.
  rmSync(home, { recursive: true, force: true });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = (n: number) => {
  const ms = measured.filter((m) => m.workers === n);
  return {
    runsPerMinute: +mean(ms.map((m) => m.runsPerMinute)).toFixed(2),
    studyWallSeconds: +mean(ms.map((m) => m.studyWallSeconds)).toFixed(1),
    maxRunsAtOnce: Math.max(...ms.map((m) => m.maxRunsAtOnce)),
  };
};
const one = summary(1);
const three = summary(3);
// Every study ran the same arms and seeds: their comparisons must agree, whoever ran the runs.
const numbers = (s: Study) => JSON.stringify(s.comparisons.map(({ note: _note, ...c }) => c));
const result = {
  benchmark: "studies",
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, node: process.version, loadAverage1m: +os.loadavg()[0].toFixed(2) },
  method: `a tiny chain-vs-flat study (${ARMS.length} arms × ${SEEDS.length} seeds = ${ARMS.length * SEEDS.length} runs; SFT ${BUDGET.sftSteps} chain steps, flat ${BUDGET.sftSteps / BUDGET.stepCost.flat} steps at step cost ${BUDGET.stepCost.flat}; eval on 25 test samples) on PostgreSQL, run by 1 and by 3 worker processes (npm run worker) in ${ROUNDS} alternating round(s); wall time from createStudy to the study's end, workers started and listening before. runsPerMinute = runs / wall minutes. The machine is shared: the 1-minute load average before each study is recorded.`,
  oneWorker: one,
  threeWorkers: three,
  runsPerMinuteRatio: +(three.runsPerMinute / one.runsPerMinute).toFixed(2),
  /** The study's wall time with one worker over its wall time with three. */
  wallTimeRatio: +(one.studyWallSeconds / three.studyWallSeconds).toFixed(2),
  comparisonsEqualAcrossStudies: studies.every((s) => numbers(s) === numbers(studies[0])),
  rounds: measured,
};
mkdirSync(path.join(root, "bench", "results"), { recursive: true });
writeFileSync(path.join(root, "bench", "results", "studies.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${path.join(root, "bench", "results", "studies.json")}`);
process.exit(0);
