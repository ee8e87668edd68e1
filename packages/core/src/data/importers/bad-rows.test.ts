import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Dataset, DatasetError } from "../store.ts";
import { imageExtensions } from "./decode.ts";
import { ImportError, importDataset, type Problem } from "./index.ts";
import {
  BLUE,
  RED,
  readText,
  tempHome,
  writeImage,
  writeLines,
  writeNotAnImage,
  writeTruncatedJpeg,
} from "./test-fixtures.ts";

const root = tempHome("geor-import-bad-");
after(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 16;
const datasets = () => path.join(process.env.GEOR_HOME as string, "datasets");

/** Awaits a rejection and returns the error, asserting its class. */
async function rejection<E extends Error>(p: Promise<unknown>, cls: new (...a: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${(err as Error).name}: ${(err as Error).message}`);
    return err;
  }
  assert.fail(`expected ${cls.name}, but the import succeeded`);
}

describe("importDataset: bad rows, all or nothing", () => {
  const dir = path.join(root, "mixed");
  const images = path.join(dir, "images");
  const csv = path.join(dir, "meta.csv");
  // One bad row per reason, plus two good rows (lines 2 and 13).
  const DATA_ROWS = [
    "ok.jpg,48.8566,2.3522",
    "missing.jpg,10,10",
    "trunc.jpg,10,10",
    "text.jpg,10,10",
    "ok.jpg,91,0",
    "x.jpg,abc,0",
    "y.jpg,0,-181.5",
    "ok.jpg,1,1",
    "z.jpg,,5",
    "../outside.jpg,1,1",
    '"a,b",1',
    "sub/ok2.jpg,52.52,13.405",
  ];
  const expected: Problem[] = [
    { file: csv, line: 3, reason: `missing image "missing.jpg" (no such file under ${images})` },
    { file: csv, line: 4, reason: 'unreadable or truncated image "trunc.jpg": VipsJpeg: premature end of JPEG image' },
    {
      file: csv,
      line: 5,
      reason: 'unreadable or truncated image "text.jpg": Input file contains unsupported image format',
    },
    { file: csv, line: 6, reason: "latitude 91 out of range [-90, 90]" },
    { file: csv, line: 7, reason: 'latitude NaN out of range [-90, 90] (lat is "abc")' },
    { file: csv, line: 8, reason: "longitude -181.5 out of range [-180, 180]" },
    { file: csv, line: 9, reason: 'duplicate id "ok.jpg" (first on line 2)' },
    { file: csv, line: 10, reason: 'latitude NaN out of range [-90, 90] (lat is "")' },
    { file: csv, line: 11, reason: 'missing image "../outside.jpg" (the path leaves the images directory)' },
    { file: csv, line: 12, reason: "malformed row: 2 fields, the header has 3" },
  ];

  before(async () => {
    await writeImage(path.join(images, "ok.jpg"), { color: RED });
    await writeImage(path.join(images, "sub", "ok2.jpg"), { color: BLUE });
    await writeTruncatedJpeg(path.join(images, "trunc.jpg"));
    writeNotAnImage(path.join(images, "text.jpg"));
    await writeImage(path.join(dir, "outside.jpg"));
    writeLines(csv, ["image,lat,lon", ...DATA_ROWS]);
  });

  it("without skipBad: an ImportError lists every problem as file:line: reason and nothing is stored", async () => {
    const err = await rejection(
      importDataset({ format: "csv", csv, images, name: "mixed", imageSize: SIZE }),
      ImportError,
    );
    assert.deepEqual(err.problems, expected);
    assert.equal(
      err.message,
      [
        `cannot import "mixed": 10 of 12 rows are bad, nothing was stored (fix them, or pass --skip-bad to import the 2 rows that are good and list the bad ones in rejected.csv)`,
        ...expected.map((p) => `  ${p.file}:${p.line}: ${p.reason}`),
      ].join("\n"),
    );
    // No dataset dir, and no temporary dir left behind either.
    assert.equal(existsSync(path.join(datasets(), "mixed")), false);
    assert.deepEqual(existsSync(datasets()) ? readdirSync(datasets()) : [], []);
  });

  it("with skipBad: the good rows are stored and the bad ones go to rejected.csv with their original rows", async () => {
    const r = await importDataset({ format: "csv", csv, images, name: "mixed-skip", imageSize: SIZE, skipBad: true });
    assert.equal(r.imported, 2);
    assert.equal(r.rejected, 10);
    assert.deepEqual(r.problems, expected);
    assert.equal(r.manifest.config.rejected, 10);
    const ds = Dataset.open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.chain.country?.iso2]),
      [
        ["ok.jpg", "FR"],
        ["sub/ok2.jpg", "DE"],
      ],
    );
    ds.close();
    // The row column re-encodes the parsed fields; for these rows that is the original text.
    const rowOf = (line: number) => DATA_ROWS[line - 2];
    const quote = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    assert.equal(
      readText(path.join(r.dir, "rejected.csv")),
      [
        "file,line,reason,row",
        ...expected.map((p) => [p.file, String(p.line), p.reason, rowOf(p.line as number)].map(quote).join(",")),
        "",
      ].join("\n"),
    );
  });

  it("caps the message at 20 problems plus '… and N more', but keeps all of them on the error", async () => {
    const lines = ["image,lat,lon", "ok.jpg,48.8566,2.3522"];
    for (let i = 0; i < 25; i++) lines.push(`bad${i}.jpg,${100 + i},0`);
    const many = writeLines(path.join(dir, "many.csv"), lines);
    const err = await rejection(
      importDataset({ format: "csv", csv: many, images, name: "many", imageSize: SIZE }),
      ImportError,
    );
    assert.equal(err.problems.length, 25);
    const listed = err.message.split("\n").slice(1);
    assert.equal(listed.length, 21);
    assert.equal(listed[0], `  ${many}:3: latitude 100 out of range [-90, 90]`);
    assert.equal(listed[19], `  ${many}:22: latitude 119 out of range [-90, 90]`);
    assert.equal(listed[20], "  … and 5 more");
    assert.equal(existsSync(path.join(datasets(), "many")), false);
  });

  it("zero good rows is an error even with skipBad", async () => {
    const none = writeLines(path.join(dir, "none.csv"), ["image,lat,lon", "missing.jpg,1,1", "trunc.jpg,2,2"]);
    const err = await rejection(
      importDataset({ format: "csv", csv: none, images, name: "none", imageSize: SIZE, skipBad: true }),
      ImportError,
    );
    assert.equal(
      err.message,
      [
        `cannot import "none": none of its 2 rows is usable, nothing was stored`,
        `  ${none}:2: missing image "missing.jpg" (no such file under ${images})`,
        `  ${none}:3: unreadable or truncated image "trunc.jpg": VipsJpeg: premature end of JPEG image`,
      ].join("\n"),
    );
    assert.equal(existsSync(path.join(datasets(), "none")), false);
  });

  it("a header without rows, or a folder without images, is an error too", async () => {
    const headerOnly = writeLines(path.join(dir, "header-only.csv"), ["image,lat,lon"]);
    await assert.rejects(importDataset({ format: "csv", csv: headerOnly, images, name: "h", skipBad: true }), {
      name: "ImportError",
      message: `cannot import "h": ${headerOnly} has nothing to import`,
    });
    const emptyDir = path.join(dir, "empty-folder");
    writeLines(path.join(emptyDir, "readme.txt"), ["no photos here"]);
    await assert.rejects(importDataset({ format: "exif", images: emptyDir, name: "e" }), {
      name: "ImportError",
      message: `cannot import "e": ${emptyDir} (no ${imageExtensions().join(", ")} files) has nothing to import`,
    });
  });

  it("duplicate ids from an id column are caught even when the images differ", async () => {
    const dup = writeLines(path.join(dir, "dup.csv"), [
      "id,image,lat,lon",
      "a,ok.jpg,48.8566,2.3522",
      "b,sub/ok2.jpg,52.52,13.405",
      "a,sub/ok2.jpg,52.52,13.405",
      "b,ok.jpg,48.8566,2.3522",
      ",ok.jpg,48.8566,2.3522",
    ]);
    const err = await rejection(
      importDataset({ format: "csv", csv: dup, images, name: "dup", imageSize: SIZE, idColumn: "id" }),
      ImportError,
    );
    assert.deepEqual(err.problems, [
      { file: dup, line: 4, reason: 'duplicate id "a" (first on line 2)' },
      { file: dup, line: 5, reason: 'duplicate id "b" (first on line 3)' },
      { file: dup, line: 6, reason: 'missing id (empty "id" cell)' },
    ]);
  });

  it("a missing column is reported once, on the header line, and is fatal even with skipBad", async () => {
    const noLat = writeLines(path.join(dir, "im2gps3k_places365.csv"), [
      "IMG_ID,AUTHOR,LON",
      "ok.jpg,a,2.35",
      "ok2.jpg,b,2.35",
    ]);
    const err = await rejection(
      importDataset({ format: "im2gps3k", csv: noLat, images, name: "nolat", imageSize: SIZE, skipBad: true }),
      ImportError,
    );
    assert.equal(
      err.message,
      `cannot import "nolat": ${noLat} lacks a required column, nothing was stored (check --format or the column flags)\n` +
        `  ${noLat}:1: missing column "LAT" (header: IMG_ID,AUTHOR,LON)`,
    );
    assert.equal(existsSync(path.join(datasets(), "nolat")), false);

    const mp16 = writeLines(path.join(dir, "mp16.csv"), ["IMG_ID,latitude,longitude", "ok.jpg,1,1"]);
    const err2 = await rejection(
      importDataset({ format: "mp16", csv: mp16, images, name: "mp16-bad", imageSize: SIZE }),
      ImportError,
    );
    assert.deepEqual(err2.problems, [
      { file: mp16, line: 1, reason: 'missing column "LAT" (or "lat") (header: IMG_ID,latitude,longitude)' },
      { file: mp16, line: 1, reason: 'missing column "LON" (or "lon") (header: IMG_ID,latitude,longitude)' },
    ]);

    const generic = writeLines(path.join(dir, "generic.csv"), ["photo,lat,lon", "ok.jpg,1,1"]);
    const err3 = await rejection(
      importDataset({ format: "csv", csv: generic, images, name: "generic-bad", imageSize: SIZE }),
      ImportError,
    );
    assert.deepEqual(err3.problems, [
      { file: generic, line: 1, reason: 'missing column "image" (header: photo,lat,lon)' },
    ]);
  });

  it("osv5m: an id without <id>.jpg anywhere below the images dir, and a file without the country column", async () => {
    const osvImages = path.join(dir, "osv");
    await writeImage(path.join(osvImages, "00", "1.jpg"), { color: RED });
    const osv = writeLines(path.join(dir, "osv-test.csv"), [
      "id,latitude,longitude,country,region,sub-region,city",
      "1,48.8566,2.3522,FR,Île-de-France,Paris,Paris",
      "2,48.8566,2.3522,FR,Île-de-France,Paris,Paris",
    ]);
    const err = await rejection(
      importDataset({ format: "osv5m", csv: osv, images: osvImages, name: "osv-bad", imageSize: SIZE }),
      ImportError,
    );
    assert.deepEqual(err.problems, [
      { file: osv, line: 3, reason: `missing image "2.jpg" (not found anywhere under ${osvImages})` },
    ]);
    const noCountry = writeLines(path.join(dir, "osv-nocountry.csv"), ["id,latitude,longitude", "1,48.8566,2.3522"]);
    const err2 = await rejection(
      importDataset({ format: "osv5m", csv: noCountry, images: osvImages, name: "osv-bad", imageSize: SIZE }),
      ImportError,
    );
    assert.deepEqual(err2.problems, [
      { file: noCountry, line: 1, reason: 'missing column "country" (header: id,latitude,longitude)' },
    ]);
  });

  it("jsonl: invalid JSON, a non-object and a missing field are bad lines, numbered as in the file", async () => {
    const jsonl = writeLines(path.join(dir, "list.jsonl"), [
      JSON.stringify({ image: "ok.jpg", lat: 48.8566, lon: 2.3522 }),
      "",
      "{not json",
      "[1, 2]",
      JSON.stringify({ image: "sub/ok2.jpg", lon: 13.405 }),
      JSON.stringify({ image: "sub/ok2.jpg", lat: "north", lon: 13.405 }),
    ]);
    const err = await rejection(
      importDataset({ format: "jsonl", csv: jsonl, images, name: "jsonl-bad", imageSize: SIZE }),
      ImportError,
    );
    assert.equal(err.problems.length, 4);
    assert.deepEqual(
      err.problems.map((p) => [p.line, p.reason.replace(/^invalid JSON: .*/, "invalid JSON")]),
      [
        [3, "invalid JSON"],
        [4, "not a JSON object"],
        [5, 'missing column "lat"'],
        [6, 'latitude NaN out of range [-90, 90] (lat is "north")'],
      ],
    );
  });

  it("refuses an existing dataset before decoding anything, and replaces it with overwrite", async () => {
    const one = writeLines(path.join(dir, "one.csv"), ["image,lat,lon", "ok.jpg,48.8566,2.3522"]);
    const first = await importDataset({ format: "csv", csv: one, images, name: "again", imageSize: SIZE });
    let calls = 0;
    const err = await rejection(
      importDataset({ format: "csv", csv: one, images, name: "again", imageSize: SIZE, onProgress: () => calls++ }),
      DatasetError,
    );
    assert.equal(err.message, `dataset directory ${first.dir} already exists (use --overwrite to replace it)`);
    assert.equal(calls, 0);
    const second = await importDataset({
      format: "csv",
      csv: one,
      images,
      name: "again",
      imageSize: 8,
      overwrite: true,
    });
    assert.deepEqual(second.manifest.patch, { height: 8, width: 8, channels: 3 });
  });

  it("rejects bad options with a message naming each option", async () => {
    await assert.rejects(
      importDataset({ format: "im2gps3k", images, name: "x" }),
      (err: Error) =>
        err.message === "invalid import options:\n  csv: a metadata file (--csv) is required for im2gps3k",
    );
    await assert.rejects(
      // @ts-expect-error: an unknown format, as a CLI user could type it
      importDataset({ format: "geojson", csv, images, name: "x", imageSize: 4 }),
      (err: Error) => /^invalid import options:\n {2}format: .*\n {2}imageSize: .*>=8/.test(err.message),
    );
    await assert.rejects(
      importDataset({ format: "csv", csv, images: path.join(dir, "nope"), name: "x" }),
      (err: Error) => err.message === `images directory ${path.join(dir, "nope")} does not exist or is not a directory`,
    );
  });
});
