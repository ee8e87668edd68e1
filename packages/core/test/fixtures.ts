/** Shared fixtures for the model tests: one tiny Blue Marble dataset per process, built on demand. */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildBlueMarble } from "../src/data/bluemarble/build.ts";
import type { AblationRow } from "../src/eval/ablation-config.ts";

let built: Promise<string> | null = null;

/** A 1,500-sample Blue Marble dataset in a temp dir (built once per test process). */
export function tinyBlueMarble(): Promise<string> {
  built ??= (async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "geor-model-test-"));
    process.env.GEOR_HOME = home;
    const { dir } = await buildBlueMarble(
      { limit: 1500, seed: 1, minPerCell: 10, maxPerCell: 60 },
      { outDir: path.join(home, "datasets", "tiny") },
    );
    return dir;
  })();
  return built;
}

let overlapping: Promise<string> | null = null;

/**
 * A 1,500-sample Blue Marble dataset split by 1° blocks WITHOUT the footprint guard, so val
 * patches may share ground with train patches: the regime where a short run must clearly learn
 * (on the strict split a model has to generalise to unseen terrain, see docs/datasets.md).
 */
export function tinyOverlappingBlueMarble(): Promise<string> {
  overlapping ??= (async () => {
    await tinyBlueMarble();
    const home = process.env.GEOR_HOME as string;
    const { dir } = await buildBlueMarble(
      { limit: 1500, seed: 1, minPerCell: 10, maxPerCell: 60, blockDeg: 1, splitGuard: false },
      { outDir: path.join(home, "datasets", "tiny-overlapping") },
    );
    return dir;
  })();
  return overlapping;
}

/** A fresh temp directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An ablation row of the heads section whose headline metrics are set (the rest fixed). */
export function ablationRow(arm: string, seed: number, medianKm: number, acc750: number, country: number): AblationRow {
  return {
    arm,
    section: "heads",
    seed,
    head: arm.slice(4),
    stage: "sft",
    reward: null,
    group: null,
    metrics: {
      medianKm,
      meanKm: medianKm * 2,
      geoScore: 3000,
      acc: { 1: 0, 25: 0.01, 200: 0.4, 750: acc750, 2500: 0.9 },
    },
    levels: { country, admin1: 0.3, city: 0.3 },
    wallSeconds: 60,
    steps: 700,
    run: `/runs/${arm}-s${seed}`,
  };
}
