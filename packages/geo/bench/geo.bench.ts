/**
 * Geo benchmark: Chain-of-Region index build and load time, memory, locate throughput on
 * 200,000 uniformly random points on the sphere, haversineKmBatch throughput, and the
 * place-name table's build and load time and stated-chain resolution throughput.
 * Writes bench/results/geo.json at the repo root. Usage: npm run bench -w @geor/geo [-- --quick]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { haversineKmBatch, loadChainOfRegion, loadPlaceNames } from "../src/index.ts";
import { statedMix } from "./stated-mix.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");

if (process.argv[2] === "--load-once") {
  // Child mode: one cached load (of the CoR index, or with "names" the place-name table) in a
  // fresh process, reported as JSON.
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const cacheDir = process.argv[3];
  await (process.argv[4] === "names" ? loadPlaceNames({ cacheDir }) : loadChainOfRegion({ cacheDir }));
  const loadMs = performance.now() - t0;
  process.stdout.write(JSON.stringify({ loadMs, rssMiB: (process.memoryUsage().rss - rss0) / 2 ** 20 }));
  process.exit(0);
}

function uniformSphere(n: number, seed: number): { lats: Float64Array; lons: Float64Array } {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const lats = new Float64Array(n);
  const lons = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lats[i] = (Math.asin(2 * rand() - 1) * 180) / Math.PI;
    lons[i] = rand() * 360 - 180;
  }
  return { lats, lons };
}

const cacheDir = mkdtempSync(path.join(os.tmpdir(), "geor-geo-bench-"));
try {
  const t0 = performance.now();
  const cor = await loadChainOfRegion({ cacheDir, onProgress: () => {} });
  const buildMs = performance.now() - t0;
  const loadOnce = (what: "cor" | "names") =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), "--load-once", cacheDir, what],
        {
          encoding: "utf8",
        },
      ),
    ) as { loadMs: number; rssMiB: number };
  const child = loadOnce("cor");

  const n = quick ? 50_000 : 200_000;
  const { lats, lons } = uniformSphere(n, 12345);
  for (let i = 0; i < 5000; i++) cor.locate(lats[i], lons[i]); // warm-up
  let land = 0;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) if (cor.locate(lats[i], lons[i]).country) land++;
  const locateS = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  for (let i = 0; i < n; i++) cor.countryOf(lats[i], lons[i]);
  const countryS = (performance.now() - t2) / 1000;

  const m = quick ? 1_000_000 : 5_000_000;
  const a = uniformSphere(m, 1);
  const b = uniformSphere(m, 2);
  const t3 = performance.now();
  haversineKmBatch(a.lats, a.lons, b.lats, b.lons);
  const havS = (performance.now() - t3) / 1000;

  // Stated chains: the first pass resolves every distinct chain once, the second hits the memo.
  const t4 = performance.now();
  const names = await loadPlaceNames({ cacheDir, onProgress: () => {} });
  const namesBuildMs = performance.now() - t4;
  const namesChild = loadOnce("names");
  const rows = statedMix(cor, quick ? 50_000 : 200_000, 7);
  const distinct = new Set(rows.map((r) => JSON.stringify(r.stated))).size;
  const resolvePass = () => {
    const t = performance.now();
    let cities = 0;
    for (const r of rows) {
      const units = names.resolve(r.stated);
      if (units.city && r.truth && names.sameCity(units.city.name, r.truth)) cities++;
    }
    return { seconds: (performance.now() - t) / 1000, cities };
  };
  const cold = resolvePass();
  const warm = resolvePass();

  const result = {
    benchmark: "geo",
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version },
    indexBuildMs: Math.round(buildMs),
    indexLoadMs: Math.round(child.loadMs),
    indexLoadRssMiB: Math.round(child.rssMiB),
    locate: { points: n, landFraction: land / n, pointsPerSecond: Math.round(n / locateS) },
    countryOf: { points: n, pointsPerSecond: Math.round(n / countryS) },
    haversineKmBatch: { pairs: m, pairsPerSecond: Math.round(m / havS) },
    placeNames: {
      tableBuildMs: Math.round(namesBuildMs),
      tableLoadMs: Math.round(namesChild.loadMs),
      tableLoadRssMiB: Math.round(namesChild.rssMiB),
      rows: rows.length,
      distinctChains: distinct,
      sameCityFraction: cold.cities / rows.length,
      rowsPerSecondFirstPass: Math.round(rows.length / cold.seconds),
      rowsPerSecondMemoised: Math.round(rows.length / warm.seconds),
    },
    targets: { locatePointsPerSecond: 200_000, indexLoadMs: 3000, placeNamesRowsPerSecond: 300_000 },
    ratios: {
      locateVsTarget: n / locateS / 200_000,
      countryOfVsLocate: locateS / countryS,
      // In-run ratios, which hold on a loaded machine where the absolute figures do not.
      placeNamesFirstPassVsLocate: rows.length / cold.seconds / (n / locateS),
      placeNamesLoadVsIndexLoad: namesChild.loadMs / child.loadMs,
    },
  };
  const outDir = path.resolve(here, "../../../bench/results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "geo.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
