/**
 * API benchmark on SQLite and PostgreSQL: ingest of 1,000,000 synthetic predictions (rows/s,
 * one transaction per batch as the job runner writes them), then p50/p95 latency over HTTP of
 * a page of 100 filtered predictions, errorHistogram, countryBreakdown, accuracyAtThresholds
 * and the error map's mapView (bench/map-view.ts) on those 1M rows; then externalIngest
 * (external.ts): predictions of a model trained elsewhere through addPredictions, as rows and as a
 * 1M-row upload, with the API's memory. Writes bench/results/api.json at the repo root.
 * Usage: npm run bench -w @geor/api [-- --rows 200000] [--quick] [--only queries|external]
 *   [--profile-api DIR]   (--quick: 100,000 rows each; --only: one part, the other kept from the
 *   last api.json; --profile-api: the externalIngest API processes write a --cpu-prof profile to DIR)
 * PostgreSQL: DATABASE_URL if set, else a throw-away cluster (as in the tests).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "@geor/core";
import { sql } from "kysely";
import { loadConfig } from "../src/config.ts";
import { startServer } from "../src/server.ts";
import { BUILTIN_ANSWER_COLUMNS, type NewPrediction } from "../src/store/index.ts";
import { startPgCluster } from "../test/pg-cluster.ts";
import { benchExternalIngest } from "./external.ts";
import { mapViewCached, mapViewUncached, trueLocation } from "./map-view.ts";
import { timeQuery as timeQueryOf } from "./timing.ts";

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const arg = (name: string, fallback: number) => Number(option(name) ?? fallback);
const QUICK = process.argv.includes("--quick");
const ONLY = option("--only");
if (ONLY !== undefined && ONLY !== "queries" && ONLY !== "external")
  throw new Error(`--only ${ONLY}: expected queries or external`);
const PROFILE_DIR = option("--profile-api");
const ROWS = arg("--rows", QUICK ? 100_000 : 1_000_000);
const BATCH = 10_000;
const REPEATS = arg("--repeats", QUICK ? 10 : 40);
const TOKEN = "bench-token-0123456789abcdef";
const root = fileURLToPath(new URL("../../../", import.meta.url));

// Sixty real countries with Zipf-like weights: a few large, a long tail, as in real test sets.
const COUNTRIES =
  "US CN IN BR RU JP DE GB FR IT ES CA AU MX ID TR IR SA AR ZA EG NG PK BD VN TH PH KR PL UA CO PE VE CL KZ DZ MA SD ET KE TZ CD AO ML NE TD MN NO SE FI NZ PG MG MZ ZM BO PY UY IS GL".split(
    " ",
  );

function syntheticRows(n: number, seed: number): Generator<NewPrediction[]> {
  const rand = mulberry32(seed);
  const weights = COUNTRIES.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let u = rand() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u <= 0) return i;
    }
    return weights.length - 1;
  };
  return (function* () {
    for (let start = 0; start < n; start += BATCH) {
      const rows: NewPrediction[] = [];
      for (let k = start; k < Math.min(n, start + BATCH); k++) {
        const t = pick();
        const hitCountry = rand() < 0.6;
        const p = hitCountry ? t : pick();
        // Errors log-uniform from 0.5 km to 15,000 km, smaller when the country is right.
        const errorKm = 10 ** (hitCountry ? -0.3 + rand() * 3.3 : 2 + rand() * 2.2);
        const hitAdmin1 = hitCountry && rand() < 0.5;
        const truth = trueLocation(rand);
        rows.push({
          ...BUILTIN_ANSWER_COLUMNS,
          sample_id: `s${k}`,
          split: "test",
          true_lat: truth.lat,
          true_lon: truth.lon,
          true_continent: "EU",
          true_country: COUNTRIES[t],
          true_country_name: COUNTRIES[t],
          true_admin1: `${COUNTRIES[t]}-${Math.floor(rand() * 20)}`,
          true_admin1_name: "Region",
          true_city: "City",
          true_cell: Math.floor(rand() * 2000),
          pred_country: COUNTRIES[p],
          pred_country_name: COUNTRIES[p],
          pred_country_p: rand(),
          pred_admin1: `${COUNTRIES[p]}-${Math.floor(rand() * 20)}`,
          pred_admin1_name: "Region",
          pred_admin1_p: rand(),
          pred_cell: Math.floor(rand() * 2000),
          pred_place_name: "Place",
          pred_place_p: rand(),
          pred_lat: rand() * 140 - 60,
          pred_lon: rand() * 360 - 180,
          confidence: rand() * 0.5,
          error_km: errorKm,
          hit_country: hitCountry ? 1 : 0,
          hit_admin1: hitAdmin1 ? 1 : 0,
          hit_place: hitAdmin1 && rand() < 0.3 ? 1 : 0,
        });
      }
      yield rows;
    }
  })();
}

const timeQuery = (url: string, query: string, variables: (i: number) => Record<string, unknown>) =>
  timeQueryOf(url, query, variables, REPEATS);

async function benchOne(dialect: "sqlite" | "postgres", databaseUrl: string | null) {
  const home = mkdtempSync(path.join(os.tmpdir(), `geor-api-bench-${dialect}-`));
  process.env.GEOR_HOME = home;
  const server = await startServer(
    loadConfig({ host: "127.0.0.1", port: 0, databaseUrl, apiToken: TOKEN, home }),
    () => {},
  );
  try {
    const { store } = server.services;
    const exp = await store.experiments.create({
      name: "bench",
      dataset: "synthetic",
      config: {},
      skipped: { SFT: "synthetic", RL: "synthetic", EVAL: "synthetic" },
      tags: [],
      notes: "",
      runDirOf: (id) => path.join(home, "runs", id),
      createdBy: null,
    });
    // RUNNING while it is measured cold (aggregates computed by the database every time; the
    // in-process queue only takes QUEUED experiments), SUCCEEDED for the warm series.
    await store.experiments.claim(exp.id, "bench");
    let ingestMs = 0;
    for (const batch of syntheticRows(ROWS, 7)) {
      const t0 = performance.now();
      await store.predictions.insertBatch(exp.id, batch);
      ingestMs += performance.now() - t0;
    }
    if (dialect === "postgres") await sql`analyze predictions`.execute(store.database.db);
    const f = { experimentId: exp.id };
    const pick = mulberry32(11);
    const page = await timeQuery(
      server.url,
      `query($f: PredictionFilter!) { predictions(filter: $f, orderBy: ERROR_DESC, first: 100) { edges { cursor node { id sampleId errorKm trueChain { lat lon country { code name } } predictedChain { country { code probability } lat lon } hits { country admin1 city } } } pageInfo { hasNextPage endCursor } } }`,
      () => ({ f: { ...f, trueCountry: COUNTRIES[Math.floor(pick() * 20)], level: "COUNTRY", hit: false } }),
    );
    const aggregates = {
      errorHistogram: `query($f: PredictionFilter!) { errorHistogram(filter: $f) { loKm hiKm count } }`,
      countryBreakdown: `query($f: PredictionFilter!) { countryBreakdown(filter: $f) { iso2 n medianKm thresholds { km accuracy } countryAccuracy } }`,
      accuracyAtThresholds: `query($f: PredictionFilter!) { accuracyAtThresholds(filter: $f) { n medianKm meanKm thresholds { km accuracy } } }`,
    };
    const cold: Record<string, unknown> = {};
    for (const [name, q] of Object.entries(aggregates)) cold[name] = await timeQuery(server.url, q, () => ({ f }));
    console.log(`${dialect}: ${ROWS} rows stored; mapView next`);
    const mapUncached = await mapViewUncached(server.url, exp.id, REPEATS);
    console.log(`${dialect}: mapView ${JSON.stringify(mapUncached)}`);
    await store.experiments.finish(exp.id, "SUCCEEDED");
    const warm: Record<string, unknown> = {};
    for (const [name, q] of Object.entries(aggregates)) warm[name] = await timeQuery(server.url, q, () => ({ f }));
    return {
      rows: ROWS,
      ingest: { rowsPerSecond: Math.round(ROWS / (ingestMs / 1000)), batchRows: BATCH },
      pageOf100Filtered: page,
      aggregatesComputed: cold,
      aggregatesOfFinishedExperiment: warm,
      mapView: { ...mapUncached, cached: await mapViewCached(server.url, exp.id, REPEATS) },
    };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const resultFile = path.join(root, "bench", "results", "api.json");
const previous = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, "utf8")) : {};
let queries: Record<string, unknown> | null = null;
let externalIngest: Awaited<ReturnType<typeof benchExternalIngest>> | null = null;
if (ONLY !== "external") {
  const sqlite = await benchOne("sqlite", null);
  console.log("sqlite", JSON.stringify(sqlite));
  queries = { sqlite };
}
const cluster = process.env.DATABASE_URL ? null : await startPgCluster();
try {
  const pgUrl = process.env.DATABASE_URL ?? (cluster as { url: string }).url;
  if (queries) {
    const postgres = await benchOne("postgres", pgUrl);
    console.log("postgres", JSON.stringify(postgres));
    queries.postgres = postgres;
  }
  if (ONLY !== "queries")
    externalIngest = await benchExternalIngest({
      rows: QUICK ? 100_000 : 1_000_000,
      token: TOKEN,
      pgUrl,
      ownDatabase: cluster !== null,
      nodeArgs: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [],
      log: console.log,
    });
} finally {
  cluster?.stop();
}
const result = {
  benchmark: "api",
  ...(queries
    ? {
        date: new Date().toISOString(),
        machine: { cores: os.cpus().length, node: process.version, loadAverage1m: os.loadavg()[0] },
        method: `${ROWS} synthetic predictions of one experiment (60 countries, Zipf weights); latencies over HTTP on 127.0.0.1 through GraphQL, ${REPEATS} runs after 3 warm-ups; the page filters by a random top-20 true country and country misses, ordered by error. aggregatesComputed: the experiment is running, so every request is computed by the database; aggregatesOfFinishedExperiment: it has ended, so results come from the API's in-memory cache after the first request. mapView: true locations 70% in 200 Zipf-weighted towns (σ 0.3°), 30% anywhere from 60°S to 80°N; views of a 1280 × 800 px map (world at zoom 1.32, Europe at zoom 3, a town at zoom 11); firstBuildMs is the first request, which builds the experiment's map source; world/continent/city are computed afresh while the experiment runs (each run panned by up to 300 px), apiAggregateMs pools the world and continent runs; cached repeats each view once the experiment has ended; worldResponseBytes is the world view's JSON response. The machine is shared: load average during the run is recorded.`,
        targets: {
          pageP95Ms: 50,
          aggregateP95Ms: 300,
          sqliteIngestRowsPerSecond: 50_000,
          mapViewP95Ms: 300,
          mapWorldResponseBytes: 2_000_000,
        },
        ...queries,
      }
    : Object.fromEntries(Object.entries(previous).filter(([k]) => k !== "benchmark" && k !== "externalIngest"))),
  externalIngest: externalIngest ?? previous.externalIngest,
};
mkdirSync(path.dirname(resultFile), { recursive: true });
writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${resultFile}`);
process.exit(0);
