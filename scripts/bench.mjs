#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: every workspace's benchmark, one at a time (they measure
 * throughput and must not share the cores), then bench/REPORT.md from the JSON results.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const turbo = spawnSync(
  "npx",
  ["turbo", "run", "bench", "--concurrency=1", "--no-update-notifier", ...(args.length > 0 ? ["--", ...args] : [])],
  { cwd: root, stdio: "inherit" },
);
const report = spawnSync(process.execPath, [path.join(root, "scripts", "bench-report.mjs")], { stdio: "inherit" });
process.exit(turbo.status || report.status || 0);
