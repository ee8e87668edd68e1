/**
 * The fault drills' record: each drill (a test that kills, fills or floods the platform on
 * purpose) writes what it did and what it measured to bench/results/faults/<drill>.json, one
 * file per drill so drills running in parallel processes never overwrite each other.
 * scripts/bench-report.mjs renders them as the "Fault drills" section of bench/REPORT.md.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const FAULTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "bench",
  "results",
  "faults",
);

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
