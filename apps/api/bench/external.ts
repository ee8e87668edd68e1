/**
 * The externalIngest section of the API benchmark (issue 27): predictions of a model trained
 * elsewhere through addPredictions, as JSON rows and as one JSON-lines upload, on SQLite and
 * PostgreSQL, with the API's resident memory. Builds its dataset and prediction file under a
 * throw-away GEOR_HOME, runs the API as its own process per database (external-ingest.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { makeBenchDataset } from "./external-dataset.ts";
import { measureExternalIngest } from "./external-ingest.ts";
import { writePredictionMix } from "./external-mix.ts";

export const EXTERNAL_TARGETS = {
  sqliteRowsPerSecond: 30_000,
  postgresRowsPerSecond: 20_000,
  uploadRssGrowthMiB: 300,
};

export interface ExternalBenchOptions {
  /** Test samples, and so rows per path (1,000,000; 100,000 with --quick). */
  rows: number;
  token: string;
  /** A PostgreSQL server to make a fresh database on, or a database to use as it is (ownDatabase false). */
  pgUrl: string;
  ownDatabase: boolean;
  /** Node flags for the API processes (--cpu-prof …). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function benchExternalIngest(o: ExternalBenchOptions) {
  const home = mkdtempSync(path.join(os.tmpdir(), "geor-api-bench-external-"));
  try {
    const trainSamples = Math.round(o.rows / 20);
    const ds = await makeBenchDataset(home, "external-bench", o.rows, trainSamples);
    o.log(
      `externalIngest: dataset of ${o.rows} test + ${trainSamples} train samples in ${ds.buildSeconds.toFixed(1)} s`,
    );
    const mixFile = path.join(home, "predictions.jsonl");
    const mix = writePredictionMix(ds, mixFile, 31);
    const common = { home, dataset: ds.name, mixFile, mix, token: o.token, nodeArgs: o.nodeArgs };
    const loadBefore = os.loadavg()[0];
    const sqlite = await measureExternalIngest({ ...common, databaseUrl: null });
    o.log(`externalIngest sqlite ${JSON.stringify(sqlite)}`);
    const databaseUrl = o.ownDatabase ? await freshDatabase(o.pgUrl, "geor_external_bench") : o.pgUrl;
    const postgres = await measureExternalIngest({ ...common, databaseUrl });
    o.log(`externalIngest postgres ${JSON.stringify(postgres)}`);
    return {
      date: new Date().toISOString(),
      loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
      method: `A dataset of ${o.rows} test and ${trainSamples} train samples (1×1×3 patches; coordinates within ~15 km of the 20,000 most populous places, Chain of Region chains; geocells from the train split) and one prediction per test sample: half coordinates, half raw answers (78% Geo-R <think>…</think><answer>{Country, State, City, Coordinates}</answer> with the true, another place's or lower-cased names, 6% "(lat, lon)" in prose, 8% no coordinate, 8% names only). Each path is a new external run of the API as its own process (with npm start's heap flags: --max-old-space-size of GEOR_API_HEAP_MB, default 1024, and --max-semi-space-size=24): the lines as one JSON-lines file through addPredictions(file:), multipart streamed from disk, three times, each into a run of its own, the first straight after the API's first call (upload: the median of the three; upload.each: all three), then the same rows through addPredictions(predictions:) sent as the Python client sends them (the file's lines as bytes, never decoded, by node:http; rows.clientCpuUsPerRow: the bench's own CPU a row meanwhile, on the same two cores): in calls of the rows the server says it stores fastest (ingestSettings.chunkRows, rows.rowsPerCall: 20,000 on SQLite, 10,000 on PostgreSQL) or 8 MiB of JSON (the first alone, then each while the last is stored, with its expectStored; rows.resent: calls the server heard before the one they follow, sent again). firstCallMs: the first call of a fresh API (loads the dataset's truth, the Chain of Region and the place names), before the timed runs. RSS: VmRSS of the API process every 100 ms; growth = the largest of the uploads' peak − RSS just before that upload: the first upload's is a fresh API's, its page caches and heaps filling. apiCpuUsPerRow: the API process's CPU time (all its threads; not the PostgreSQL server's) per row, which other load on the machine disturbs less than wall time; threadCpuUsPerRow: the same split into the API's main thread, its busiest other thread (SQLite: the prediction writer's; PostgreSQL: a V8 helper) and the rest (V8's garbage-collection helpers). machineCpuPercent: the whole machine's CPU time meanwhile by state (steal: taken by the host). The machine is shared: load average recorded.`,
      targets: EXTERNAL_TARGETS,
      dataset: { testSamples: o.rows, trainSamples, buildSeconds: Number(ds.buildSeconds.toFixed(1)) },
      predictions: {
        rows: mix.rows,
        answers: mix.answers,
        unparsed: mix.unparsed,
        fileMiB: Math.round(mix.bytes / 2 ** 20),
      },
      sqlite,
      postgres,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
