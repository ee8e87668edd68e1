#!/usr/bin/env node
// `npm test`: lint, type-check and test every workspace, then print one closing line
// "N passed, N failed" that sums every workspace's node:test counts plus the lint and
// type-check steps (one check each).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };

let passed = 0;
let failed = 0;
const failures = [];

function run(label, cmd, args) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  return r.status === 0;
}

function check(label, ok) {
  if (ok) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

const bin = (name) => path.join(root, "node_modules", ".bin", name);

check("lint (biome check)", run("lint", bin("biome"), ["check", "."]));
check(
  "typecheck (all workspaces)",
  run("typecheck", bin("turbo"), ["run", "typecheck", "--continue", "--no-update-notifier"]),
);

const workspaces = ["packages", "apps"]
  .flatMap((dir) => (existsSync(dir) ? readdirSync(dir).map((d) => path.join(dir, d)) : []))
  .concat(existsSync("e2e") ? ["e2e"] : [])
  .filter((dir) => existsSync(path.join(dir, "package.json")));
const testsOk = run("tests", bin("turbo"), ["run", "test", "--concurrency=1", "--continue", "--no-update-notifier"]);

let counted = 0;
for (const dir of workspaces) {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  if (!pkg.scripts?.test) continue;
  const file = path.join(dir, ".test-results", "summary.json");
  if (!existsSync(file)) {
    check(`${pkg.name}: test run produced no summary (crashed before reporting)`, false);
    continue;
  }
  const s = JSON.parse(readFileSync(file, "utf8"));
  passed += s.passed;
  failed += s.failed;
  counted += s.passed + s.failed;
  for (const f of s.failures) failures.push(`${pkg.name}: ${f}`);
}
if (!testsOk && failures.length === 0) check("turbo run test exited non-zero", false);
if (counted === 0) check("no test ran", false);

console.log("");
if (failures.length > 0) {
  console.log("Failed:");
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
