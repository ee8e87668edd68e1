import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { hashUnit } from "../../util/random.ts";
import type { Split } from "../format.ts";
import { Dataset } from "../store.ts";
import { importDataset } from "./index.ts";
import { BLUE, GREEN, near, pixel, RED, type Rgb, tempHome, writeImage, writeLines } from "./test-fixtures.ts";

const root = tempHome("geor-import-formats-");
after(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 16;
const PARIS = { lat: 48.8566, lon: 2.3522 };
const NEW_YORK = { lat: 40.7128, lon: -74.006 };
const SYDNEY = { lat: -33.8688, lon: 151.2093 };
const TOKYO = { lat: 35.6762, lon: 139.6503 };
const PLACES365_HEADER = "IMG_ID,AUTHOR,LAT,LON,S3_Label,S16_Label,S365_Label,Prob_indoor,Prob_natural,Prob_urban";
const OSV5M_HEADER =
  "id,latitude,longitude,thumb_original_url,country,sequence,captured_at,lon_bin,lat_bin,cell,region,sub-region,city,land_cover,road_index,drive_side,climate,soil,dist_sea,quadtree_10_5000,quadtree_10_25000,quadtree_10_1000,quadtree_10_50000,quadtree_10_12500,quadtree_10_500,quadtree_10_2500,unique_region,unique_sub-region,unique_city,unique_country,creator_username,creator_id";

/** The auto split computed independently: 2° blocks, hashUnit("row:col", seed), 80/10/10. */
function expectedAutoSplit(lat: number, lon: number, seed: number): Split {
  const u = hashUnit(`${Math.floor((lat + 90) / 2)}:${Math.floor((lon + 180) / 2)}`, seed);
  return u < 0.8 ? "train" : u < 0.9 ? "val" : "test";
}

function open(dir: string): Dataset {
  return Dataset.open(dir);
}

/** Every pixel of sample i's patch is near `color`. */
function assertSolid(ds: Dataset, i: number, color: Rgb, tol = 6): void {
  const patch = ds.readPatches([i]);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const p = pixel(patch, SIZE, x, y);
      assert.ok(near(p, color, tol), `sample ${i} pixel (${x},${y}) = ${p}, expected ≈ ${color}`);
    }
  }
}

describe("importDataset: benchmark formats", () => {
  it("im2gps3k: IMG_ID under the images dir, test split, places365 columns kept as meta, chains from the CoR", async () => {
    const dir = path.join(root, "im2gps3k");
    await writeImage(path.join(dir, "images", "100_a_1_x@N00.jpg"), { color: RED });
    await writeImage(path.join(dir, "images", "200_b_2_y@N00.jpg"), { color: BLUE });
    await writeImage(path.join(dir, "images", "300_c_3_z@N00.jpg"), { color: GREEN });
    const csv = writeLines(path.join(dir, "im2gps3k_places365.csv"), [
      PLACES365_HEADER,
      `100_a_1_x@N00.jpg,x@N00,${PARIS.lat},${PARIS.lon},2,12,353,0.27,0.04,0.68`,
      `200_b_2_y@N00.jpg,y@N00,${NEW_YORK.lat},${NEW_YORK.lon},0,4,325,0.41,0.22,0.36`,
      `300_c_3_z@N00.jpg,z@N00,${SYDNEY.lat},${SYDNEY.lon},1,8,36,0.01,0.97,0.02`,
    ]);
    const progress: Array<[number, number]> = [];
    const r = await importDataset({
      format: "im2gps3k",
      csv,
      images: path.join(dir, "images"),
      name: "im2gps3k-test",
      imageSize: SIZE,
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.equal(r.dir, path.join(process.env.GEOR_HOME as string, "datasets", "im2gps3k-test"));
    assert.equal(r.imported, 3);
    assert.equal(r.rejected, 0);
    assert.deepEqual(r.problems, []);
    assert.equal(r.report, undefined);
    assert.deepEqual(progress, [
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);

    const m = r.manifest;
    assert.equal(m.kind, "im2gps3k");
    assert.deepEqual(m.counts, { train: 0, val: 0, test: 3, total: 3 });
    assert.deepEqual(m.channels, ["r", "g", "b"]);
    assert.deepEqual(m.patch, { height: SIZE, width: SIZE, channels: 3 });
    assert.deepEqual(m.sources, [
      {
        name: "im2gps3k_places365.csv",
        path: csv,
        sha256: createHash("sha256").update(readFileSync(csv)).digest("hex"),
        bytes: statSync(csv).size,
      },
    ]);
    assert.equal(m.config.split, "test");
    assert.deepEqual(m.config.columns, { image: "IMG_ID", lat: "LAT", lon: "LON" });

    const ds = open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.image, s.split, s.lat, s.lon]),
      [
        ["100_a_1_x@N00.jpg", "100_a_1_x@N00.jpg", "test", PARIS.lat, PARIS.lon],
        ["200_b_2_y@N00.jpg", "200_b_2_y@N00.jpg", "test", NEW_YORK.lat, NEW_YORK.lon],
        ["300_c_3_z@N00.jpg", "300_c_3_z@N00.jpg", "test", SYDNEY.lat, SYDNEY.lon],
      ],
    );
    const paris = ds.samples[0].chain;
    assert.equal(paris.continent?.code, "EU");
    assert.deepEqual(paris.country, { iso2: "FR", name: "France" });
    assert.equal(paris.admin1?.code, "FR-75");
    assert.equal(paris.city?.name, "Paris");
    assert.deepEqual(
      ds.samples.map((s) => [s.chain.country?.iso2, s.chain.city?.name]),
      [
        ["FR", "Paris"],
        ["US", "New York City"],
        ["AU", "Sydney"],
      ],
    );
    assert.deepEqual(ds.samples[0].meta, {
      AUTHOR: "x@N00",
      S3_Label: "2",
      S16_Label: "12",
      S365_Label: "353",
      Prob_indoor: "0.27",
      Prob_natural: "0.04",
      Prob_urban: "0.68",
    });
    assertSolid(ds, 0, RED);
    assertSolid(ds, 1, BLUE);
    assertSolid(ds, 2, GREEN);
    ds.close();
  });

  it("yfcc4k: same columns, test split by default; an explicit split wins", async () => {
    const dir = path.join(root, "yfcc4k");
    await writeImage(path.join(dir, "images", "9001.jpg"), { color: GREEN });
    await writeImage(path.join(dir, "images", "9002.jpg"), { color: RED });
    const csv = writeLines(path.join(dir, "yfcc4k_places365.csv"), [
      PLACES365_HEADER,
      `9001.jpg,a@N01,${TOKYO.lat},${TOKYO.lon},1,6,191,0.2,0.5,0.3`,
      `9002.jpg,b@N01,${PARIS.lat},${PARIS.lon},2,14,364,0.01,0.01,0.98`,
    ]);
    const images = path.join(dir, "images");
    const r = await importDataset({ format: "yfcc4k", csv, images, name: "yfcc4k-test", imageSize: SIZE });
    assert.deepEqual(r.manifest.counts, { train: 0, val: 0, test: 2, total: 2 });
    assert.equal(r.manifest.kind, "yfcc4k");
    const ds = open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.chain.country?.iso2, s.chain.admin1?.code, s.meta?.AUTHOR]),
      [
        ["9001.jpg", "JP", "JP-13", "a@N01"],
        ["9002.jpg", "FR", "FR-75", "b@N01"],
      ],
    );
    assertSolid(ds, 0, GREEN);
    ds.close();

    const val = await importDataset({
      format: "yfcc4k",
      csv,
      images,
      name: "yfcc4k-val",
      imageSize: SIZE,
      split: "val",
    });
    assert.deepEqual(val.manifest.counts, { train: 0, val: 2, test: 0, total: 2 });
  });

  it("mp16: IMG_ID,LAT,LON with paths into subfolders, train split; id,lat,lon is accepted too", async () => {
    const dir = path.join(root, "mp16");
    await writeImage(path.join(dir, "images", "e4", "21", "3183435093.jpg"), { color: BLUE });
    await writeImage(path.join(dir, "images", "0a", "7f", "8722613344.jpg"), { color: RED });
    const images = path.join(dir, "images");
    const upper = writeLines(path.join(dir, "MP16_Pro_filtered.csv"), [
      "IMG_ID,AUTHOR,LAT,LON",
      `e4/21/3183435093.jpg,35034347371@N01,${NEW_YORK.lat},${NEW_YORK.lon}`,
      `0a/7f/8722613344.jpg,12345678@N02,${PARIS.lat},${PARIS.lon}`,
    ]);
    const r = await importDataset({ format: "mp16", csv: upper, images, name: "mp16-test", imageSize: SIZE });
    assert.deepEqual(r.manifest.counts, { train: 2, val: 0, test: 0, total: 2 });
    let ds = open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.image, s.chain.country?.iso2, s.meta]),
      [
        ["e4/21/3183435093.jpg", "e4/21/3183435093.jpg", "US", { AUTHOR: "35034347371@N01" }],
        ["0a/7f/8722613344.jpg", "0a/7f/8722613344.jpg", "FR", { AUTHOR: "12345678@N02" }],
      ],
    );
    assertSolid(ds, 0, BLUE);
    assertSolid(ds, 1, RED);
    ds.close();

    const lower = writeLines(path.join(dir, "mp16-lower.csv"), [
      "id,lat,lon",
      `0a/7f/8722613344.jpg,${PARIS.lat},${PARIS.lon}`,
    ]);
    const r2 = await importDataset({ format: "mp16", csv: lower, images, name: "mp16-lower", imageSize: SIZE });
    assert.deepEqual(r2.manifest.config.columns, { image: "id", lat: "lat", lon: "lon" });
    ds = open(r2.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.chain.country?.iso2, s.meta]),
      [["0a/7f/8722613344.jpg", "FR", undefined]],
    );
    ds.close();
  });

  it("osv5m: <id>.jpg found in numbered subfolders, region columns kept, country report against the CoR", async () => {
    const dir = path.join(root, "osv5m");
    const images = path.join(dir, "images", "test");
    // [id, lat, lon, source country, region, sub-region, city, folder]
    const rows: Array<[string, number, number, string, string, string, string, string]> = [
      ["3859149887465501", PARIS.lat, PARIS.lon, "FR", "Île-de-France", "Paris", "Paris", "00"],
      ["1111", 52.52, 13.405, "DE", "Berlin", "", "Berlin", "00"],
      ["2222", 48.5734, 7.7521, "DE", "Grand Est", "Bas-Rhin", "Strasbourg", "01"],
      ["3333", 48.58, 7.75, "DE", "Grand Est", "Bas-Rhin", "Strasbourg", "01"],
      ["4444", 30, -40, "PT", "", "", "", "02"],
      ["5555", 41.9028, 12.4964, "", "Lazio", "Roma", "Rome", "02"],
    ];
    const colours: Rgb[] = [RED, BLUE, GREEN, RED, BLUE, GREEN];
    for (const [i, r] of rows.entries())
      await writeImage(path.join(images, r[7], `${r[0]}.jpg`), { color: colours[i] });
    const csv = writeLines(path.join(dir, "test.csv"), [
      OSV5M_HEADER,
      ...rows.map(([id, lat, lon, country, region, sub, city]) =>
        [
          id,
          lat,
          lon,
          "",
          country,
          "seq1",
          "1553590185000",
          "12",
          "34",
          '"(12, 34)"',
          region,
          sub,
          city,
          "4",
          "4.66",
          "1",
          "15",
          "3",
          "0.0068",
          "0",
          "0",
          "0",
          "0",
          "0",
          "0",
          "0",
          `${region}_${country}`,
          `${sub}_${region}_${country}`,
          `${city}_${sub}_${region}_${country}`,
          country,
          "someone",
          "111336221091714.0",
        ].join(","),
      ),
    ]);
    const r = await importDataset({ format: "osv5m", csv, images, name: "osv5m-test", imageSize: SIZE, seed: 5 });
    assert.equal(r.imported, 6);
    const ds = open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.image, s.chain.country?.iso2 ?? null]),
      [
        ["3859149887465501", "00/3859149887465501.jpg", "FR"],
        ["1111", "00/1111.jpg", "DE"],
        ["2222", "01/2222.jpg", "FR"],
        ["3333", "01/3333.jpg", "FR"],
        ["4444", "02/4444.jpg", null],
        ["5555", "02/5555.jpg", "IT"],
      ],
    );
    assert.deepEqual(ds.samples[2].meta, {
      country: "DE",
      region: "Grand Est",
      "sub-region": "Bas-Rhin",
      city: "Strasbourg",
    });
    assert.deepEqual(
      ds.samples.map((s) => s.split),
      rows.map(([, lat, lon]) => expectedAutoSplit(lat, lon, 5)),
    );
    assertSolid(ds, 2, GREEN);
    ds.close();

    const expected = {
      n: 5,
      agreed: 2,
      agreement: 0.4,
      withoutSource: 1,
      topDisagreements: [
        { source: "DE", ours: "FR", n: 2 },
        { source: "PT", ours: "", n: 1 },
      ],
    };
    assert.deepEqual(r.report, expected);
    assert.deepEqual(JSON.parse(readFileSync(path.join(r.dir, "osv5m-report.json"), "utf8")), expected);
  });

  it("csv: custom column flags, an id column, PNG images stored exactly, spatially blocked auto split", async () => {
    const dir = path.join(root, "generic-csv");
    const images = path.join(dir, "photos");
    const places = [PARIS, NEW_YORK, SYDNEY, TOKYO];
    const colours: Rgb[] = [RED, GREEN, BLUE, [10, 20, 30]];
    for (const [i, c] of colours.entries())
      await writeImage(path.join(images, `p${i}.png`), { color: c, format: "png" });
    const csv = writeLines(path.join(dir, "list.csv"), [
      "key,photo,latitude_deg,longitude_deg,note",
      ...places.map((p, i) => `k${i},p${i}.png,${p.lat},${p.lon},"note, with comma ${i}"`),
    ]);
    const r = await importDataset({
      format: "csv",
      csv,
      images,
      name: "generic-csv",
      imageSize: SIZE,
      imageColumn: "photo",
      latColumn: "latitude_deg",
      lonColumn: "longitude_deg",
      idColumn: "key",
      seed: 3,
    });
    const ds = open(r.dir);
    const splits = ds.samples.map((s) => s.split);
    // Seed 3 spreads these four cities over all three splits.
    assert.deepEqual(splits, ["val", "train", "test", "val"]);
    assert.deepEqual(
      splits,
      places.map((p) => expectedAutoSplit(p.lat, p.lon, 3)),
    );
    assert.deepEqual(r.manifest.counts, { train: 1, val: 2, test: 1, total: 4 });
    assert.deepEqual(r.manifest.config.columns, {
      id: "key",
      image: "photo",
      lat: "latitude_deg",
      lon: "longitude_deg",
    });
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.image, s.meta, s.chain.country?.iso2]),
      [
        ["k0", "p0.png", { note: "note, with comma 0" }, "FR"],
        ["k1", "p1.png", { note: "note, with comma 1" }, "US"],
        ["k2", "p2.png", { note: "note, with comma 2" }, "AU"],
        ["k3", "p3.png", { note: "note, with comma 3" }, "JP"],
      ],
    );
    // PNG is lossless: the stored pixels are the exact colours.
    for (const [i, c] of colours.entries()) assertSolid(ds, i, c, 0);
    ds.close();
  });

  it("jsonl: default columns image/lat/lon, id = image path, other keys as string meta", async () => {
    const dir = path.join(root, "jsonl");
    const images = path.join(dir, "img");
    await writeImage(path.join(images, "a", "one.jpg"), { color: BLUE });
    await writeImage(path.join(images, "two.jpg"), { color: RED });
    const file = writeLines(path.join(dir, "list.jsonl"), [
      JSON.stringify({ image: "a/one.jpg", lat: PARIS.lat, lon: PARIS.lon, tags: ["eiffel", "night"], n: 3 }),
      "",
      JSON.stringify({ image: "./two.jpg", lat: String(SYDNEY.lat), lon: String(SYDNEY.lon), caption: null }),
    ]);
    const r = await importDataset({
      format: "jsonl",
      csv: file,
      images,
      name: "jsonl-test",
      imageSize: SIZE,
      split: "train",
    });
    const ds = open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.image, s.split, s.lat, s.lon, s.meta, s.chain.country?.iso2]),
      [
        ["a/one.jpg", "a/one.jpg", "train", PARIS.lat, PARIS.lon, { tags: '["eiffel","night"]', n: "3" }, "FR"],
        ["two.jpg", "two.jpg", "train", SYDNEY.lat, SYDNEY.lon, { caption: "" }, "AU"],
      ],
    );
    assertSolid(ds, 0, BLUE);
    assertSolid(ds, 1, RED);
    ds.close();
  });

  it("an outDir path is used as given and nothing lands under $GEOR_HOME", async () => {
    const dir = path.join(root, "outdir");
    await writeImage(path.join(dir, "images", "x.jpg"), { color: RED });
    const csv = writeLines(path.join(dir, "m.csv"), ["image,lat,lon", `x.jpg,${PARIS.lat},${PARIS.lon}`]);
    const outDir = path.join(dir, "elsewhere", "ds");
    const r = await importDataset({
      format: "csv",
      csv,
      images: path.join(dir, "images"),
      name: "named",
      outDir,
      imageSize: SIZE,
    });
    assert.equal(r.dir, outDir);
    assert.equal(r.manifest.name, "named");
    assert.ok(existsSync(path.join(outDir, "manifest.json")));
    assert.equal(existsSync(path.join(process.env.GEOR_HOME as string, "datasets", "named")), false);
  });
});
