/** Test harness: an API server on 127.0.0.1 (SQLite or a fresh PostgreSQL database), a GraphQL client, a subscription client. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { type ApiConfig, loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/connect.ts";
import { PgWorker, startBoss } from "../src/jobs/queue.ts";
import { JobRunner } from "../src/jobs/runner.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { BUILTIN_ANSWER_COLUMNS, type NewPrediction, Store } from "../src/store/index.ts";
import { type ApiProcess, spawnApiProcess } from "./api-process.ts";

export const TOKEN = "test-token-0123456789abcdef";
export type DialectName = "sqlite" | "postgres";
export const DIALECTS: DialectName[] = ["sqlite", "postgres"];

/** One GEOR_HOME per test process (core reads it from the environment). */
export const home = mkdtempSync(path.join(os.tmpdir(), "geor-api-test-"));
process.env.GEOR_HOME = home;
export const importRoot = path.join(home, "imports");
mkdirSync(importRoot, { recursive: true });

/** A new, empty database on the test cluster. */
export async function freshPgDatabase(): Promise<string> {
  const admin = process.env.GEOR_TEST_PG_URL;
  if (!admin)
    throw new Error("GEOR_TEST_PG_URL is not set: run the API tests with `npm test` (test/run.ts starts PostgreSQL)");
  const name = `geor_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestApi {
  server: RunningServer;
  url: string;
  wsUrl: string;
  dialect: DialectName;
  config: ApiConfig;
  stop(): Promise<void>;
}

export async function startApi(
  dialect: DialectName,
  overrides: Partial<ApiConfig> = {},
  opts: { pgWorker?: boolean; databaseUrl?: string } = {},
): Promise<TestApi> {
  const databaseUrl = dialect === "postgres" ? (opts.databaseUrl ?? (await freshPgDatabase())) : null;
  const sqliteHome = dialect === "sqlite" ? mkdtempSync(path.join(home, "db-")) : home;
  const config = loadConfig({
    host: "127.0.0.1",
    port: 0,
    databaseUrl,
    apiToken: TOKEN,
    importRoots: [importRoot],
    ...overrides,
    // The SQLite file lives in `home`; each server gets its own so suites do not share rows.
    home: overrides.home ?? sqliteHome,
  });
  const server = await startServer(config, () => {});
  let worker: PgWorker | null = null;
  let workerStore: Store | null = null;
  if (databaseUrl && opts.pgWorker !== false) {
    workerStore = new Store(await openDatabase(config));
    worker = new PgWorker(
      await startBoss(databaseUrl),
      workerStore,
      new JobRunner(workerStore, "test-worker"),
      30_000,
      () => {},
    );
    await worker.start();
  }
  return {
    server,
    url: server.url,
    wsUrl: server.url.replace(/^http/, "ws"),
    dialect,
    config,
    async stop() {
      await worker?.stop();
      await workerStore?.close();
      await server.close();
    },
  };
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function gql<T = Record<string, unknown>>(
  api: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = null,
): Promise<GqlResult<T>> {
  const res = await fetch(api.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: GqlResult["errors"] };
  // No error response carries a stack trace (GEOR_DEBUG is off in every test).
  for (const e of body.errors ?? []) assert.equal(e.extensions?.stacktrace, undefined, `a stack trace in ${e.message}`);
  return { status: res.status, data: body.data ?? null, errors: body.errors };
}

/** Like gql with the token, but throws on any GraphQL error. */
export async function ok<T = Record<string, unknown>>(
  api: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const r = await gql<T>(api, query, variables, TOKEN);
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** How many predictions match the filter (`predictions`' totalCount). */
export async function predictionCount(api: { url: string }, filter: Record<string, unknown>): Promise<number> {
  const r = await ok<{ predictions: { totalCount: number } }>(
    api,
    `query($f: PredictionFilter!) { predictions(filter: $f, first: 1) { totalCount } }`,
    { f: filter },
  );
  return r.predictions.totalCount;
}

/** Collects a subscription's events until it completes (or timeoutMs). */
export function subscribe<T>(
  api: TestApi,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs: number,
): Promise<T[]> {
  const client = createClient({ url: api.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
  const events: T[] = [];
  return new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      void client.dispose();
      reject(new Error(`subscription did not complete in ${timeoutMs} ms (${events.length} events)`));
    }, timeoutMs);
    client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) reject(new Error(JSON.stringify(v.errors)));
          else events.push(v.data as T);
        },
        error: (e) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
        },
        complete: () => {
          clearTimeout(timer);
          void client.dispose();
          resolve(events);
        },
      },
    );
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  pollMs = 200,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A tiny model and run: seconds on one core. */
export const TINY_CONFIG = {
  model: { convWidths: [8, 8], convStrides: [2, 2], featureDim: 16, embedDim: 4, headHidden: 16 },
  train: { epochs: 1, batchSize: 32, checkpointEvery: 3, valLimit: 16, warmupSteps: 1 },
  eval: { split: "test", limit: 25 },
};

export type { ApiProcess } from "./api-process.ts";

/** The API as its own process with the test token (api-process.ts). */
export function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  return spawnApiProcess({ GEOR_API_TOKEN: TOKEN, ...env });
}

/** A row as migrations 0001–0003 stored it: no answer columns yet, the place hit under its old name. */
export function oldPredictionRow(row: NewPrediction): Record<string, unknown> {
  const answerColumns = new Set(Object.keys(BUILTIN_ANSWER_COLUMNS));
  const { hit_place, ...rest } = row;
  return { ...Object.fromEntries(Object.entries(rest).filter(([k]) => !answerColumns.has(k))), hit_city: hit_place };
}

/** A prediction row for seeding a store: open water, no predicted regions, unless overridden. */
/** A QUEUED experiment (RL skipped) with nothing to run: a parent for store-level prediction rows. */
export function createTestExperiment(store: Store, name = "e") {
  return store.experiments.create({
    name,
    dataset: "d",
    config: {},
    skipped: { RL: "no rl" },
    tags: [],
    notes: "",
    runDirOf: (id) => `/tmp/${id}`,
    createdBy: null,
  });
}

export function predictionRow(fields: Partial<NewPrediction> & Pick<NewPrediction, "sample_id">): NewPrediction {
  return {
    ...BUILTIN_ANSWER_COLUMNS,
    split: "test",
    true_lat: 0,
    true_lon: 0,
    true_continent: null,
    true_country: null,
    true_country_name: null,
    true_admin1: null,
    true_admin1_name: null,
    true_city: null,
    true_cell: 0,
    pred_country: null,
    pred_country_name: null,
    pred_country_p: null,
    pred_admin1: null,
    pred_admin1_name: null,
    pred_admin1_p: null,
    pred_cell: null,
    pred_place_name: null,
    pred_place_p: null,
    pred_lat: 0,
    pred_lon: 0,
    confidence: null,
    error_km: 0,
    hit_country: 0,
    hit_admin1: 0,
    hit_place: 0,
    ...fields,
  };
}

/** Deep equality, numbers to 1e-9 relative (sums and averages add in different orders). */
export function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    assert.ok(
      Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
      `${where}: ${actual} ≠ ${expected}`,
    );
  } else if (expected && typeof expected === "object") {
    assert.equal(typeof actual, "object", where);
    const keys = Object.keys(expected as object);
    assert.deepEqual(Object.keys(actual as object), keys, where);
    for (const k of keys)
      assertClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}
