/** Shared fixtures for the model tests: one tiny Blue Marble dataset per process, built on demand. */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { selectBackend } from "../src/backend/select.ts";
import { buildBlueMarble } from "../src/data/bluemarble/build.ts";
import { Dataset } from "../src/data/store.ts";
import type { AblationRow } from "../src/eval/ablation-config.ts";
import { ModelConfig } from "../src/model/config.ts";
import { GeoModel } from "../src/model/network.ts";
import { buildVocab } from "../src/model/vocab.ts";

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

/** The model tests' small network: a two-layer CNN and narrow heads, quick on the wasm backend. */
export const SMALL_MODEL = {
  convWidths: [8, 16],
  convStrides: [2, 2] as Array<1 | 2>,
  featureDim: 32,
  embedDim: 8,
  headHidden: 32,
};

/**
 * The tiny dataset and an untrained small chain model (seed 7) over its train samples'
 * vocabulary, with admin-1 groups (each holds one place, so the place is implied), on wasm.
 */
export async function tinyChainModel(): Promise<{ ds: Dataset; model: GeoModel }> {
  await selectBackend({ backend: "wasm" });
  const ds = Dataset.open(await tinyBlueMarble());
  const train = Array.from(ds.indicesOf("train"), (i) => ds.samples[i]);
  const vocab = buildVocab(train, ds.geocells.cells, "groups");
  const model = new GeoModel(
    ModelConfig.parse(SMALL_MODEL),
    vocab,
    { height: 32, width: 32, channels: 5, mean: [100, 100, 100, 20, 50], std: [50, 50, 50, 30, 40] },
    7,
  );
  return { ds, model };
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
    levels: { country, admin1: 0.3, place: 0.3 },
    wallSeconds: 60,
    steps: 700,
    run: `/runs/${arm}-s${seed}`,
  };
}
