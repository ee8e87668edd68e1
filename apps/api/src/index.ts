/** @geor/api as a library: start the server or a worker from code (tests, scripts, the root start script). */
export { type ApiConfig, ConfigError, loadConfig } from "./config.ts";
export { openDatabase } from "./db/connect.ts";
export { PgWorker, startBoss } from "./jobs/queue.ts";
export { JobRunner } from "./jobs/runner.ts";
export { type RunningServer, startServer } from "./server.ts";
export { BUILTIN_ANSWER_COLUMNS, type NewPrediction, Store } from "./store/index.ts";
