/**
 * The API's test command: starts a throw-away PostgreSQL cluster, runs every *.test.ts with
 * node's runner (scripts/run-node-tests.mjs) so each suite runs on SQLite and on PostgreSQL,
 * and stops the cluster whatever happened.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startPgCluster } from "./pg-cluster.ts";

const runner = fileURLToPath(new URL("../../../scripts/run-node-tests.mjs", import.meta.url));
const cluster = await startPgCluster();
let status = 1;
try {
  const r = spawnSync(process.execPath, [runner, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, GEOR_TEST_PG_URL: cluster.url },
  });
  status = r.status ?? 1;
} finally {
  cluster.stop();
}
process.exit(status);
