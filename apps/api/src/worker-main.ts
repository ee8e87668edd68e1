/**
 * `npm run worker -w @geor/api`: a job worker for PostgreSQL mode. Any number of them, on any
 * machine that shares the database and GEOR_HOME, take experiments from pg-boss.
 */
// First: NODE_ENV before graphql loads.
import "./production.ts";
import os from "node:os";
import { loadConfig } from "./config.ts";
import { openDatabase } from "./db/connect.ts";
import { PgWorker, startBoss } from "./jobs/queue.ts";
import { JobRunner } from "./jobs/runner.ts";
import { Store } from "./store/index.ts";

const config = loadConfig();
if (!config.databaseUrl) {
  console.error(
    "npm run worker needs DATABASE_URL (a postgres:// URL); with SQLite the API server runs experiments itself",
  );
  process.exit(2);
}
const store = new Store(await openDatabase(config));
const name = `${os.hostname()}-${process.pid}`;
const log = (line: string) => console.log(`[worker ${name}] ${line}`);
const worker = new PgWorker(
  await startBoss(config.databaseUrl),
  store,
  new JobRunner(store, name, log, config.predictionBatchRows),
  config.staleAfterMs,
  log,
);
await worker.start();
log(`taking experiments from ${store.database.where}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping; a running experiment is resumed by the next worker`);
    worker
      .stop()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
