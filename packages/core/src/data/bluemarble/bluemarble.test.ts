import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type ChainOfRegion, loadChainOfRegion } from "@geor/geo";
import { Dataset, writeDataset } from "../store.ts";
import { buildBlueMarble } from "./build.ts";
import { type EarthImagery, loadEarthImagery } from "./imagery.ts";
import { BLUEMARBLE_CHANNELS, cutPatch, footprintsOverlap, patchFootprint } from "./patch.ts";
import { blockSplit } from "./splits.ts";

const home = mkdtempSync(path.join(os.tmpdir(), "geor-bm-test-"));
const LIMIT = 1500;
const GEOMETRY = { size: 32, kmAcross: 300 };

describe("bluemarble dataset", () => {
  let ds: Dataset;
  let cor: ChainOfRegion;
  let hash: string;
  before(async () => {
    const built = await buildBlueMarble({ limit: LIMIT, seed: 3 }, { outDir: path.join(home, "bm-a") });
    hash = built.manifest.contentHash;
    ds = Dataset.open(built.dir);
    cor = await loadChainOfRegion();
  });
  after(() => {
    ds.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("has the requested counts, 80/10/10, on land only, with the manifest filled in", () => {
    const m = ds.manifest;
    assert.equal(ds.size, LIMIT);
    assert.deepEqual(m.counts, { train: 1200, val: 150, test: 150, total: LIMIT });
    assert.deepEqual(m.channels, [...BLUEMARBLE_CHANNELS]);
    assert.deepEqual(m.patch, { height: 32, width: 32, channels: 5 });
    assert.equal(m.sources.length, 3);
    for (const s of m.sources) assert.match(s.sha256, /^[0-9a-f]{64}$/);
    assert.ok(ds.samples.every((s) => s.chain.country !== null && s.chain.country.iso2 !== "AQ"));
    const perCountry = Object.values(m.countries).reduce((n, c) => n + c.train + c.val + c.test, 0);
    assert.equal(perCountry, LIMIT);
    const cities = ds.samples.filter((s) => s.meta?.source === "city").length;
    assert.ok(cities > LIMIT * 0.35 && cities < LIMIT * 0.65, `${cities} city-sampled points, expected about half`);
  });

  it("is deterministic: same seed, same content hash; another seed, another hash", async () => {
    const again = await buildBlueMarble({ limit: LIMIT, seed: 3 }, { outDir: path.join(home, "bm-b") });
    assert.equal(again.manifest.contentHash, hash);
    const other = await buildBlueMarble({ limit: LIMIT, seed: 4 }, { outDir: path.join(home, "bm-c") });
    assert.notEqual(other.manifest.contentHash, hash);
  });

  it("keeps splits spatially apart: whole blocks, and no test or val patch overlaps a train patch", () => {
    for (const s of ds.samples) assert.equal(blockSplit(s.lat, s.lon, 5, 3, { train: 0.8, val: 0.1 }), s.split);
    const train = ds.samples.filter((s) => s.split === "train").map((s) => patchFootprint(s.lat, s.lon, GEOMETRY));
    let overlaps = 0;
    for (const s of ds.samples) {
      if (s.split === "train") continue;
      const fp = patchFootprint(s.lat, s.lon, GEOMETRY);
      for (const t of train) if (footprintsOverlap(fp, t)) overlaps++;
    }
    assert.equal(overlaps, 0);
    const val = ds.samples.filter((s) => s.split === "val").map((s) => patchFootprint(s.lat, s.lon, GEOMETRY));
    for (const s of ds.samples.filter((x) => x.split === "test")) {
      const fp = patchFootprint(s.lat, s.lon, GEOMETRY);
      assert.ok(!val.some((v) => footprintsOverlap(fp, v)), `test sample ${s.id} overlaps a val patch`);
    }
  });

  it("labels every sample with its Chain of Region and geocell", () => {
    for (const s of ds.samples) {
      const { lat, lon, ...chain } = cor.locate(s.lat, s.lon);
      assert.deepEqual(s.chain, chain, `chain of ${s.id}`);
      assert.equal(s.cell, ds.geocells.assign(s.lat, s.lon, s.chain), `cell of ${s.id}`);
      const cell = ds.geocells.cells[s.cell];
      if (s.split === "train") assert.equal(cell.country, s.chain.country?.iso2);
    }
  });

  it("stores exactly the patch cut at each location, and batches cover a split once in a seeded order", async () => {
    const img = await loadEarthImagery();
    const fresh = new Uint8Array(32 * 32 * 5);
    for (const i of [0, 17, LIMIT - 1]) {
      cutPatch(img, ds.samples[i].lat, ds.samples[i].lon, GEOMETRY, fresh);
      assert.deepEqual(ds.readPatches([i]), fresh);
    }
    const seen: number[] = [];
    for (const b of ds.batches({ split: "val", batchSize: 64, seed: 1 })) {
      assert.equal(b.patches.length, b.indices.length * 32 * 32 * 5);
      seen.push(...b.indices);
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [...ds.indicesOf("val")],
    );
    const order = (seed: number, epoch: number) =>
      [...ds.batches({ split: "val", batchSize: 64, seed, epoch })].flatMap((b) => [...b.indices]);
    assert.deepEqual(order(1, 0), seen);
    assert.notDeepEqual(order(1, 1), seen);
  });

  it("writes one sprite tile per sample", () => {
    const sp = ds.manifest.sprites;
    assert.equal(sp.tileSize, 32);
    assert.equal(sp.sheets, 1);
    assert.equal(sp.tilesPerSheet, 64 * 64);
  });

  it("refuses to overwrite by accident and reports missing or damaged files", async () => {
    await assert.rejects(buildBlueMarble({ limit: 20 }, { outDir: path.join(home, "bm-a") }), /already exists/);
    assert.throws(() => Dataset.open(path.join(home, "nope")), /no dataset at .*nope \(manifest.json missing\)/);
    const small = await buildBlueMarble({ limit: 20 }, { outDir: path.join(home, "bm-d") });
    truncateSync(path.join(small.dir, "patches.bin"), 1000);
    assert.throws(() => Dataset.open(small.dir), /patches.bin: truncated/);
    await assert.rejects(
      writeDataset(path.join(home, "bm-e"), {
        name: "x",
        kind: "test",
        config: {},
        channels: ["r"],
        patch: { height: 1, width: 1, channels: 1 },
        sources: [],
        samples: [],
        patches: new Uint8Array(0),
      }),
      /has no samples/,
    );
  });
});

describe("Blue Marble imagery sanity", () => {
  let img: EarthImagery;
  let cor: ChainOfRegion;
  before(async () => {
    img = await loadEarthImagery();
    cor = await loadChainOfRegion();
  });
  const meanChannel = (lat: number, lon: number, ch: number, g = GEOMETRY) => {
    const out = new Uint8Array(g.size * g.size * 5);
    cutPatch(img, lat, lon, g, out);
    let sum = 0;
    for (let p = ch; p < out.length; p += 5) sum += out[p];
    return sum / (g.size * g.size);
  };

  it("night lights at the 50 largest cities are far brighter than in the Sahara", () => {
    const cities = cor.cityIndex.largest(0).slice(0, 50);
    const centre = { size: 4, kmAcross: 20 };
    const cityNight = cities.reduce((s, c) => s + meanChannel(c.lat, c.lon, 3, centre), 0) / cities.length;
    let seed = 11;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let sahara = 0;
    for (let i = 0; i < 50; i++) sahara += meanChannel(20 + rand() * 8, 0 + rand() * 20, 3, centre);
    sahara /= 50;
    assert.ok(cityNight > 4 * sahara + 20, `city night ${cityNight.toFixed(1)} vs Sahara ${sahara.toFixed(1)}`);
  });

  it("the Himalaya are higher than the Netherlands", () => {
    const himalaya = meanChannel(28.0, 86.9, 4); // Everest region
    const netherlands = meanChannel(52.2, 5.3, 4);
    assert.ok(himalaya > netherlands + 50, `Himalaya ${himalaya.toFixed(1)} vs Netherlands ${netherlands.toFixed(1)}`);
  });

  it("Cairo on the Nile is greener than the desert 100 km west", () => {
    // Excess green on chromatic coordinates, 2g − r − b with g = G/(R+G+B), over the central
    // 40 km: brightness-independent, so pale desert and dark fields compare fairly.
    const centre = { size: 8, kmAcross: 40 };
    const excessGreen = (lat: number, lon: number) => {
      const [r, g, b] = [0, 1, 2].map((ch) => meanChannel(lat, lon, ch, centre));
      return (2 * g - r - b) / (r + g + b);
    };
    const cairo = excessGreen(30.0444, 31.2357);
    const west = excessGreen(30.0444, 31.2357 - 100 / (111.195 * Math.cos((30.0444 * Math.PI) / 180)));
    assert.ok(cairo > west + 0.02, `excess green Cairo ${cairo.toFixed(3)} vs 100 km west ${west.toFixed(3)}`);
  });
});
