/**
 * The fault drills' record: each drill (a test that kills, fills or floods the platform on
 * purpose) writes what it did and what it measured to .test-results/faults/<drill>.json, one
 * file per drill so drills running in parallel processes never overwrite each other. With
 * GEOR_RECORD_FAULTS=1 the record goes to bench/results/faults/ instead (committed), which
 * scripts/bench-report.mjs renders as the "Fault drills" section of bench/REPORT.md:
 *   GEOR_RECORD_FAULTS=1 npm test -w @geor/api -w @geor/core && node scripts/bench-report.mjs
 * (so an ordinary test run leaves the committed figures alone).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const FAULTS_DIR =
  process.env.GEOR_RECORD_FAULTS === "1"
    ? path.join(ROOT, "bench", "results", "faults")
    : path.join(ROOT, ".test-results", "faults");

export interface FaultDrillRecord {
  /** One line: what was done to the platform. */
  title: string;
  /** How: sizes, durations, what was checked. */
  method: string;
  /** The command that runs the drill. */
  command: string;
  figures: Record<string, number | string | boolean>;
}

/** Writes one drill's record, e.g. recordFaultDrill("disk-full-checkpoint", {…}). */
export function recordFaultDrill(drill: string, record: FaultDrillRecord): void {
  mkdirSync(FAULTS_DIR, { recursive: true });
  const file = path.join(FAULTS_DIR, `${drill}.json`);
  const body = {
    drill,
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version, loadAverage1m: Number(os.loadavg()[0].toFixed(2)) },
    ...record,
  };
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(tmp, file);
}
