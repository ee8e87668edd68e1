#!/usr/bin/env node
// `npm test -w @geor/e2e`: make sure Debian's Chromium is there (installing it with apt when
// missing: Playwright's own browser download cannot work offline), build the dashboard for
// production, run Playwright, and write .test-results/summary.json in the shape the root
// `npm test` sums (passed, failed, skipped, failures) from Playwright's JSON report.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const results = path.join(here, ".test-results");
const CHROMIUM = process.env.GEOR_CHROMIUM ?? "/usr/bin/chromium";

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function summary(counts) {
  writeFileSync(path.join(results, "summary.json"), `${JSON.stringify(counts)}\n`);
}

function fail(step, message) {
  console.error(`e2e: ${step} failed: ${message}`);
  summary({ passed: 0, failed: 1, skipped: 0, failures: [`e2e setup: ${step}: ${message}`] });
  process.exit(1);
}

function run(cmd, args, options = {}) {
  console.log(`e2e: ${cmd} ${args.join(" ")}`);
  return spawnSync(cmd, args, { stdio: "inherit", ...options });
}

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0)
    fail("chromium", `${CHROMIUM} is missing; install it with: sudo apt-get install -y chromium`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (run("apt-get", ["update", "-q"], { env }).status !== 0) fail("chromium", "apt-get update failed");
  if (run("apt-get", ["install", "-y", "-q", "chromium"], { env }).status !== 0)
    fail("chromium", "apt-get install chromium failed");
  if (!existsSync(CHROMIUM)) fail("chromium", `apt installed chromium but ${CHROMIUM} is still missing`);
}

const nextEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const build = run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
  cwd: path.join(root, "apps/dashboard"),
  env: nextEnv,
});
if (build.status !== 0) fail("dashboard build", `next build exited with ${build.status}`);

// The servers' GEOR_HOME (support/env.ts): made here, unless given, so it can be removed once
// Playwright has stopped the servers (a run at scale leaves hundreds of MB of database in it).
const ownHome = !process.env.GEOR_E2E_HOME;
const home = process.env.GEOR_E2E_HOME ?? mkdtempSync(path.join(os.tmpdir(), "geor-e2e-"));
const reportFile = path.join(results, "playwright.json");
const pw = run(
  process.execPath,
  [path.join(root, "node_modules/@playwright/test/cli.js"), "test", ...process.argv.slice(2)],
  {
    cwd: here,
    env: { ...nextEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile, GEOR_E2E_HOME: home },
  },
);
if (ownHome && !process.env.GEOR_E2E_KEEP_HOME) rmSync(home, { recursive: true, force: true });

if (!existsSync(reportFile)) fail("playwright", `no JSON report (exit ${pw.status})`);
const report = JSON.parse(readFileSync(reportFile, "utf8"));
const failures = [];
let passed = 0;
let failed = 0;
let skipped = 0;
function walk(suite, titles) {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      const name = [...titles, spec.title].filter(Boolean).join(" › ");
      if (t.status === "skipped") skipped++;
      else if (t.status === "expected" || t.status === "flaky") passed++;
      else {
        failed++;
        failures.push(`${spec.file}: ${name}`);
      }
    }
  }
  for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
}
for (const suite of report.suites ?? []) walk(suite, []);
for (const error of report.errors ?? []) {
  failed++;
  failures.push(`playwright: ${String(error.message ?? error).split("\n")[0]}`);
}
summary({ passed, failed, skipped, failures });
console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || pw.status !== 0 ? 1 : 0);
