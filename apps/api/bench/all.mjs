#!/usr/bin/env node
/** Runs the API's benchmarks one after the other, passing on the arguments each understands. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
for (const bench of ["api.bench.ts", "studies.bench.ts"]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(here, bench), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
