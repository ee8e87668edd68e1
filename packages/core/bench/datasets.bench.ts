/**
 * Dataset benchmark: bluemarble build throughput (samples/s) and bytes per sample, time to
 * open `medium` (one read of the patch tensor), and photo import throughput.
 * Writes bench/results/datasets.json at the repo root. Usage: npm run bench -w @geor/core [-- --quick]
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { buildBlueMarble } from "../src/data/bluemarble/build.ts";
import { importDataset } from "../src/data/importers/index.ts";
import { Dataset } from "../src/data/store.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const work = mkdtempSync(path.join(os.tmpdir(), "geor-datasets-bench-"));

function dirBytes(dir: string, files: string[]): number {
  return files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

try {
  const size = quick ? "small" : "medium";
  const t0 = performance.now();
  const { manifest, dir } = await buildBlueMarble({ size }, { outDir: path.join(work, `bluemarble-${size}`) });
  const buildS = (performance.now() - t0) / 1000;
  const bytes = dirBytes(dir, ["patches.bin", "samples.jsonl", "geocells.json"]);

  const loads: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const ds = Dataset.open(dir);
    loads.push(performance.now() - t);
    ds.close();
  }

  // Photo import: synthetic 640×480 JPEGs with a CSV, decoded and resized to 224×224.
  const nPhotos = quick ? 100 : 400;
  const images = path.join(work, "photos");
  mkdirSync(images);
  const rows = ["image,lat,lon"];
  for (let i = 0; i < nPhotos; i++) {
    const file = `p${i}.jpg`;
    await sharp({
      create: { width: 640, height: 480, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: 120 } },
    })
      .jpeg({ quality: 85 })
      .toFile(path.join(images, file));
    rows.push(`${file},${(-60 + ((i * 7.3) % 120)).toFixed(4)},${(-170 + ((i * 13.7) % 340)).toFixed(4)}`);
  }
  writeFileSync(path.join(work, "photos.csv"), `${rows.join("\n")}\n`);
  const t1 = performance.now();
  const imported = await importDataset({
    format: "csv",
    csv: path.join(work, "photos.csv"),
    images,
    name: "photos",
    outDir: path.join(work, "photos-ds"),
    split: "test",
  });
  const importS = (performance.now() - t1) / 1000;

  const result = {
    benchmark: "datasets",
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version },
    bluemarble: {
      size,
      samples: manifest.counts.total,
      buildSeconds: Number(buildS.toFixed(2)),
      samplesPerSecond: Math.round(manifest.counts.total / buildS),
      bytesPerSample: Math.round(bytes / manifest.counts.total),
      openMs: { min: Math.round(Math.min(...loads)), all: loads.map((x) => Math.round(x)) },
    },
    photoImport: {
      photos: imported.imported,
      sourceSize: "640×480 JPEG",
      storedSize: "224×224×3",
      seconds: Number(importS.toFixed(2)),
      samplesPerSecond: Math.round(imported.imported / importS),
    },
    targets: { mediumBuildSeconds: 60, mediumOpenMs: 1000 },
  };
  const outDir = path.resolve(here, "../../../bench/results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "datasets.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
