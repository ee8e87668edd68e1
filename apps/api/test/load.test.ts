/**
 * A bounded load drill: 200 GraphQL clients on loopback, each sending its next request as soon
 * as the last one answered, for 30 s against an API (SQLite, its own process) whose compute
 * thread trains an experiment meanwhile. Every request must succeed, and the job must keep
 * stepping through every third of the load window.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { recordFaultDrill } from "../../../scripts/fault-drills.ts";
import { home, ok, spawnApi, TINY_CONFIG, waitFor } from "./helpers.ts";

const CLIENTS = 200;
const LOAD_MS = 30_000;
const BEFORE_MS = 10_000;

/** What a dashboard asks while a run trains. */
const QUERIES = [
  `query($id: ID!) { experiment(id: $id) { status stages { name step totalSteps progress } } }`,
  `query($id: ID!) { experiment(id: $id) { metrics(names: ["loss", "lr"], maxPoints: 200) { name points { step value } } } }`,
  `query($id: ID!) { experiment(id: $id) { logs(last: 20) { line } checkpoints { stage step } } }`,
  `query { experiments(first: 20) { totalCount edges { node { id name status } } } }`,
  `query { datasets { name counts { train val test total } } }`,
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("200 clients for 30 s: every request answered, and the running job keeps stepping", async () => {
  const apiHome = mkdtempSync(path.join(home, "load-"));
  const api = await spawnApi({ GEOR_HOME: apiHome });
  try {
    await ok(api, `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }`, {
      i: { name: "load", limit: 300, seed: 5, options: { minPerCell: 10, maxPerCell: 60 }, overwrite: true },
    });
    // Far more epochs than the drill lasts; cancelled at the end.
    const config = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 5000, checkpointEvery: 50 } };
    const { createExperiment } = await ok<{ createExperiment: { id: string } }>(
      api,
      `mutation($c: JSON) { createExperiment(input: { name: "under load", dataset: "load", config: $c }) { id } }`,
      { c: config },
    );
    const id = createExperiment.id;
    const db = new SQLite(path.join(apiHome, "geor.db"), { readonly: true });
    const sftStep = () =>
      (db.prepare("select step from stages where experiment_id = ? and name = 'SFT'").get(id) as { step: number }).step;
    await waitFor("the SFT stage to start stepping", async () => sftStep() > 0, 60_000);

    const s0 = sftStep();
    await sleep(BEFORE_MS);
    const s1 = sftStep();

    const latencies: number[] = [];
    const byQuery = QUERIES.map(() => [] as number[]);
    const errors: string[] = [];
    const thirds: number[] = [sftStep()];
    const end = Date.now() + LOAD_MS;
    const marks = [1, 2, 3].map((k) =>
      setTimeout(() => thirds.push(sftStep()), (k * LOAD_MS) / 3 - (k === 3 ? 50 : 0)),
    );
    const client = async (c: number) => {
      for (let i = c; Date.now() < end; i++) {
        const query = QUERIES[i % QUERIES.length];
        const t0 = performance.now();
        try {
          const res = await fetch(api.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query, variables: query.includes("$id") ? { id } : {} }),
          });
          const body = (await res.json()) as { errors?: unknown[] };
          if (res.status !== 200 || body.errors) errors.push(`${res.status} ${JSON.stringify(body.errors)}`);
        } catch (err) {
          const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
          errors.push(`${(err as Error).message}: ${cause?.code ?? ""} ${cause?.message ?? ""}`);
        }
        latencies.push(performance.now() - t0);
        byQuery[i % QUERIES.length].push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    for (const m of marks) clearTimeout(m);
    const s2 = sftStep();
    db.close();
    const health = await fetch(new URL("/healthz", api.url));
    assert.equal(health.status, 200);
    await ok(api, `mutation($id: ID!) { cancelExperiment(id: $id) { status } }`, { id });

    latencies.sort((a, b) => a - b);
    const stepsBefore = s1 - s0;
    const stepsDuring = s2 - s1;
    const perThird = thirds.slice(1).map((s, k) => s - thirds[k]);
    recordFaultDrill("load-200-clients", {
      title: `${CLIENTS} concurrent GraphQL clients for ${LOAD_MS / 1000} s against an API training an experiment (SQLite)`,
      method: `the API runs as its own process with its compute thread training a tiny SFT run; ${CLIENTS} clients on 127.0.0.1 each send the next of ${QUERIES.length} dashboard queries (experiment status, metric series, logs, experiment list, datasets) as soon as the last answered; SFT steps counted from the database over ${BEFORE_MS / 1000} s before and over the load`,
      command: "cd apps/api && node --import tsx test/run.ts test/load.test.ts",
      figures: {
        clients: CLIENTS,
        seconds: LOAD_MS / 1000,
        requestsServed: latencies.length,
        requestsPerSecond: Math.round(latencies.length / (LOAD_MS / 1000)),
        errors: errors.length,
        p50Ms: Math.round(percentile(latencies, 0.5)),
        p95Ms: Math.round(percentile(latencies, 0.95)),
        p99Ms: Math.round(percentile(latencies, 0.99)),
        maxMs: Math.round(latencies[latencies.length - 1]),
        jobStepsPerSecondBefore: Number((stepsBefore / (BEFORE_MS / 1000)).toFixed(2)),
        jobStepsPerSecondDuringLoad: Number((stepsDuring / (LOAD_MS / 1000)).toFixed(2)),
        jobStepsPerThirdOfLoad: perThird.join(" / "),
        p95MsPerQuery: byQuery
          .map((l) =>
            Math.round(
              percentile(
                l.sort((a, b) => a - b),
                0.95,
              ),
            ),
          )
          .join(" / "),
      },
    });
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} failed requests`);
    assert.ok(stepsBefore > 0, "the job stepped before the load");
    for (const [k, n] of perThird.entries()) assert.ok(n > 0, `the job made no step in third ${k + 1} of the load`);
  } finally {
    await api.kill();
  }
});
