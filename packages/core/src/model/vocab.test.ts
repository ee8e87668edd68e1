import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { buildGeocells, haversineKm } from "@geor/geo";
import { tempDir } from "../../test/fixtures.ts";
import { selectBackend } from "../backend/select.ts";
import type { Sample } from "../data/format.ts";
import { loadModel, saveCheckpoint } from "../train/checkpoint.ts";
import { ModelConfig } from "./config.ts";
import { GeoModel } from "./network.ts";
import { admin1Unit, buildVocab, chainMasks, VocabIndex } from "./vocab.ts";

/** `n` train samples of one admin-1 unit on a small grid around (lat, lon). */
function unit(iso2: string, code: string, n: number, lat: number, lon: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${code}-${i}`,
    split: "train",
    lat: lat + (i % 5) * 0.02,
    lon: lon + Math.floor(i / 5) * 0.02,
    chain: {
      continent: null,
      country: { iso2, name: `Country ${iso2}` },
      admin1: { code, name: `Unit ${code}` },
      city: null,
    },
    cell: -1,
  }));
}

// XA-2 and XA-3 are sparse (5 samples): the geocell rule merges them into XA-1, and the merged
// group (60 samples) is split into two places. XB-1 is one group of two places.
const TRAIN = [
  ...unit("XA", "XA-1", 50, 10, 10),
  ...unit("XA", "XA-2", 5, 10, 11),
  ...unit("XA", "XA-3", 5, 10.5, 10.5),
  ...unit("XB", "XB-1", 40, -20, 30),
];
const CELLS = buildGeocells(
  TRAIN.map((s) => ({ lat: s.lat, lon: s.lon, chain: s.chain })),
  { minPerCell: 20, maxPerCell: 30 },
).cells;

describe("admin-1 classes", () => {
  it("units: one class per unit, and a place of a merged group lies under several", () => {
    const v = buildVocab(TRAIN, CELLS, "units");
    assert.deepEqual(
      v.admin1.map((a) => a.code),
      ["XA-1", "XA-2", "XA-3", "XB-1"],
    );
    assert.ok(v.admin1.every((a) => a.units === undefined));
    const xa = v.cells.filter((c) => c.country === 0);
    assert.equal(xa.length, 2);
    for (const c of xa) assert.deepEqual(c.admin1, [0, 1, 2]);
  });

  it("groups: one class per geocell group, named after its largest unit, each place under exactly one", () => {
    const v = buildVocab(TRAIN, CELLS, "groups");
    assert.equal(v.cells.length, 4);
    assert.deepEqual(
      v.admin1.map((a) => [a.code, a.country, a.units?.map((u) => u.code) ?? null]),
      [
        ["XA-1", 0, ["XA-1", "XA-2", "XA-3"]],
        ["XB-1", 1, null],
      ],
    );
    for (const c of v.cells) assert.deepEqual(c.admin1, [c.country]);
    const index = new VocabIndex(v);
    assert.equal(index.admin1Of("XA-2"), 0);
    assert.equal(index.admin1Of("XA-3"), 0);
    assert.equal(index.admin1Of("XB-1"), 1);
    assert.equal(index.admin1Of("XC-9"), -1);
    // The masks allow each place under its one class and nowhere else.
    const { admin1Cell, countryAdmin1 } = chainMasks(v);
    const allowed = (a: number) => v.cells.flatMap((_, k) => (admin1Cell[a * v.cells.length + k] === 0 ? [k] : []));
    assert.deepEqual([...allowed(0), ...allowed(1)].sort(), [0, 1, 2, 3]);
    assert.equal(allowed(0).length, 2);
    assert.deepEqual(Array.from(countryAdmin1), [0, -1e9, -1e9, 0]);
  });

  it("a merged class names the member unit whose train centroid is nearest the coordinate", () => {
    const v = buildVocab(TRAIN, CELLS, "groups");
    const xa2 = v.admin1[0].units?.find((u) => u.code === "XA-2");
    assert.ok(xa2 && haversineKm(xa2, { lat: 10.04, lon: 11.01 }) < 5, "the centroid is the mean of XA-2's samples");
    assert.deepEqual(admin1Unit(v, 0, 10.05, 10.95), { code: "XA-2", name: "Unit XA-2" });
    assert.deepEqual(admin1Unit(v, 0, 10.6, 10.5), { code: "XA-3", name: "Unit XA-3" });
    assert.deepEqual(admin1Unit(v, 0, 9.9, 9.9), { code: "XA-1", name: "Unit XA-1" });
    assert.deepEqual(admin1Unit(v, 1, 0, 0), { code: "XB-1", name: "Unit XB-1" });
    assert.equal(admin1Unit(v, -1, 0, 0), null);
    // The unit that contains the coordinate wins over the nearest centroid; a non-member is ignored.
    assert.deepEqual(
      admin1Unit(v, 0, 9.9, 9.9, () => "XA-3"),
      { code: "XA-3", name: "Unit XA-3" },
    );
    assert.deepEqual(
      admin1Unit(v, 0, 9.9, 9.9, () => "XB-1"),
      { code: "XA-1", name: "Unit XA-1" },
    );
    assert.deepEqual(
      admin1Unit(v, 0, 9.9, 9.9, () => null),
      { code: "XA-1", name: "Unit XA-1" },
    );
  });

  it("a checkpoint written before ModelConfig.regions existed loads as units", async () => {
    await selectBackend({ backend: "wasm" });
    const vocab = buildVocab(TRAIN, CELLS, "units");
    const config = ModelConfig.parse({ convWidths: [4], convStrides: [2], featureDim: 8, embedDim: 4, headHidden: 8 });
    assert.equal(config.regions, "groups", "new models default to groups");
    const model = new GeoModel(config, vocab, { height: 8, width: 8, channels: 3, mean: [0, 0, 0], std: [1, 1, 1] }, 1);
    const dir = path.join(tempDir("geor-vocab-"), "checkpoint");
    await saveCheckpoint(dir, model, null, 0);
    model.dispose();
    const metaFile = path.join(dir, "checkpoint.json");
    const meta = JSON.parse(readFileSync(metaFile, "utf8"));
    delete meta.model.regions;
    writeFileSync(metaFile, JSON.stringify(meta));
    const { model: loaded } = loadModel(dir);
    assert.equal(loaded.config.regions, "units");
    assert.equal(loaded.vocab.admin1.length, 4);
    loaded.dispose();
  });

  it("a checkpoint written before ModelConfig.headSkip, countryHead and placeHead existed loads as it was; a missing variable is an error", async () => {
    await selectBackend({ backend: "wasm" });
    const vocab = buildVocab(TRAIN, CELLS, "groups");
    const small = { convWidths: [4], convStrides: [2] as Array<1 | 2>, featureDim: 8, embedDim: 4, headHidden: 8 };
    assert.equal(ModelConfig.parse(small).headSkip, true, "new chain models have the skip term");
    const input = { height: 8, width: 8, channels: 3, mean: [0, 0, 0], std: [1, 1, 1] };
    const save = async (headSkip: boolean, old = false) => {
      const fields = old ? { countryHead: "linear" as const, placeHead: "always" as const } : {};
      const model = new GeoModel(ModelConfig.parse({ ...small, headSkip, ...fields }), vocab, input, 1);
      const dir = path.join(tempDir("geor-skip-"), "checkpoint");
      await saveCheckpoint(dir, model, null, 0);
      model.dispose();
      const metaFile = path.join(dir, "checkpoint.json");
      return { dir, metaFile, meta: JSON.parse(readFileSync(metaFile, "utf8")) };
    };
    const old = await save(false, true);
    delete old.meta.model.headSkip;
    delete old.meta.model.countryHead;
    delete old.meta.model.placeHead;
    writeFileSync(old.metaFile, JSON.stringify(old.meta));
    const { model: loaded } = loadModel(old.dir);
    assert.equal(loaded.config.headSkip, false);
    assert.equal(loaded.config.countryHead, "linear");
    assert.equal(loaded.config.placeHead, "always");
    assert.ok(loaded.variables.has("cell/w"), "an old chain keeps its place head");
    loaded.dispose();
    // A checkpoint that claims the skip term but has lost its weights is refused, not half-loaded.
    const cut = await save(true);
    cut.meta.variables = cut.meta.variables.filter((e: { name: string }) => e.name !== "admin1/skip");
    writeFileSync(cut.metaFile, JSON.stringify(cut.meta));
    assert.throws(() => loadModel(cut.dir), /lacks the model's variable\(s\) admin1\/skip/);
  });
});
