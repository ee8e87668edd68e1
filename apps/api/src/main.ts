/** `npm run start -w @geor/api`: the API server (and, on SQLite, the experiment runner). */
// First: NODE_ENV before graphql loads.
import "./production.ts";
import { loadConfig } from "./config.ts";
import { startServer } from "./server.ts";

const config = loadConfig();
const server = await startServer(config);
console.log(
  `Geo-R Lab API on ${server.url} (database: ${server.services.store.database.where}; GEOR_HOME ${config.home})`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: stopping (running experiments resume on the next start)`);
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
