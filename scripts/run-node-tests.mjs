#!/usr/bin/env node
// Runs a workspace's tests with node's test runner through tsx: every *.test.ts under src/ and
// test/, the spec reporter on stdout, and the counting reporter into .test-results/summary.json
// (read by scripts/test.mjs for the repo-wide "N passed, N failed" line). Every temporary
// directory the tests make (homes, databases, uploads, clusters) goes under one of this run's,
// removed when the run ends, so a test that forgets its own leaves nothing in the system's
// temp directory; GEOR_TEST_KEEP_TMP=1 keeps it and prints where it is.
// Usage (from a workspace): node ../../scripts/run-node-tests.mjs [extra test files or dirs]
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["src", "test"];

function collect(p, out) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return out;
  }
  if (st.isFile()) {
    if (p.endsWith(".test.ts")) out.push(p);
  } else if (st.isDirectory() && !p.endsWith("node_modules")) {
    for (const name of readdirSync(p).sort()) collect(path.join(p, name), out);
  }
  return out;
}

const files = roots.flatMap((r) => collect(r, []));
rmSync(".test-results", { recursive: true, force: true });
mkdirSync(".test-results", { recursive: true });
if (files.length === 0) {
  console.error(`no *.test.ts files under ${roots.join(", ")}`);
  process.exit(1);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "geor-tests-"));
// Readable by others: a PostgreSQL cluster a test starts here runs as the postgres user (test/pg-cluster.ts).
chmodSync(tmp, 0o755);
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    `--test-reporter=${path.join(here, "count-reporter.mjs")}`,
    "--test-reporter-destination=.test-results/summary.json",
    ...files,
  ],
  { stdio: "inherit", env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "test", TMPDIR: tmp } },
);
if (process.env.GEOR_TEST_KEEP_TMP) console.log(`the tests' temporary files are in ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
process.exit(result.status ?? 1);
