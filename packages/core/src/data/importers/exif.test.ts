import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import exifr from "exifr";
import sharp from "sharp";
import { Dataset } from "../store.ts";
import { heicSupported } from "./decode.ts";
import { ImportError, importDataset } from "./index.ts";
import {
  BLUE,
  GREEN,
  near,
  pixel,
  RED,
  readText,
  tempHome,
  writeImage,
  writeNotAnImage,
  writeTruncatedJpeg,
} from "./test-fixtures.ts";

const root = tempHome("geor-import-exif-");
after(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 16;
const PARIS = { lat: 48.8566, lon: 2.3522 };
const SYDNEY = { lat: -33.8688, lon: 151.2093 };
const RIO = { lat: -22.9711, lon: -43.1822 };

describe("importDataset: exif (a folder of photos)", () => {
  const photos = path.join(root, "photos");
  // Sorted relative paths: the import order and the ids.
  const files = {
    rotated: "a-rotated.jpg",
    nested: "trip/day1/b.JPEG",
    west: "trip/c.jpg",
    plainPng: "d-no-gps.png",
    plainJpg: "e-no-gps.jpg",
    truncated: "f-truncated.jpg",
    text: "g-text.jpg",
    heic: "h-phone.heic",
  };

  before(async () => {
    // 40×20, red left half, blue right half, shot with the camera turned (orientation 6).
    await writeImage(path.join(photos, files.rotated), {
      width: 40,
      height: 20,
      color: [RED, BLUE],
      orientation: 6,
      gps: PARIS,
    });
    await writeImage(path.join(photos, files.nested), { color: GREEN, gps: SYDNEY });
    await writeImage(path.join(photos, files.west), { color: BLUE, gps: RIO });
    await writeImage(path.join(photos, files.plainPng), { format: "png" });
    await writeImage(path.join(photos, files.plainJpg));
    await writeTruncatedJpeg(path.join(photos, files.truncated));
    writeNotAnImage(path.join(photos, files.text));
    writeFileSync(path.join(photos, files.heic), "not really a heic");
    writeFileSync(path.join(photos, "notes.txt"), "not an image extension: ignored");
  });

  it("the fixtures carry what they claim: exifr reads the GPS sharp wrote, and the orientation tag", async () => {
    const gps = await exifr.gps(path.join(photos, files.rotated));
    assert.ok(Math.abs(gps.latitude - PARIS.lat) < 1e-6 && Math.abs(gps.longitude - PARIS.lon) < 1e-6);
    const rio = await exifr.gps(path.join(photos, files.west));
    assert.ok(Math.abs(rio.latitude - RIO.lat) < 1e-6 && Math.abs(rio.longitude - RIO.lon) < 1e-6);
    assert.equal(await exifr.gps(path.join(photos, files.plainJpg)), undefined);
    const meta = await sharp(path.join(photos, files.rotated)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.orientation], [40, 20, 6]);
  });

  it("without skipBad: photos without GPS and broken files are problems named by path", async () => {
    const err = await importDataset({ format: "exif", images: photos, name: "photos", imageSize: SIZE }).then(
      () => assert.fail("expected an ImportError"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImportError);
    assert.deepEqual(
      err.problems.map((p) => [p.file, p.line, p.reason.replace(/: Unknown file format$/, ": <exifr>")]),
      [
        [path.join(photos, files.plainPng), null, "no EXIF GPS"],
        [path.join(photos, files.plainJpg), null, "no EXIF GPS"],
        [path.join(photos, files.truncated), null, "no EXIF GPS"],
        [path.join(photos, files.text), null, "unreadable or truncated image: <exifr>"],
        // Prebuilt sharp cannot decode HEIC, so the .heic is skipped rather than reported.
        ...(heicSupported() ? [[path.join(photos, files.heic), null, "unreadable or truncated image: <exifr>"]] : []),
      ],
    );
    const [bad, total] = heicSupported() ? [5, 8] : [4, 7];
    assert.match(
      err.message,
      new RegExp(`^cannot import "photos": ${bad} of ${total} images are bad, nothing was stored`),
    );
    assert.ok(err.message.includes(`\n  ${path.join(photos, files.plainPng)}: no EXIF GPS\n`));
    assert.equal(existsSync(path.join(process.env.GEOR_HOME as string, "datasets", "photos")), false);
  });

  it("with skipBad: GPS from EXIF, id = relative path, EXIF rotation applied, folder listing as the source", async () => {
    const r = await importDataset({
      format: "exif",
      images: photos,
      name: "photos-ok",
      imageSize: SIZE,
      skipBad: true,
    });
    assert.equal(r.imported, 3);
    assert.equal(r.rejected, heicSupported() ? 5 : 4);
    const ds = Dataset.open(r.dir);
    assert.deepEqual(
      ds.samples.map((s) => [s.id, s.image, s.chain.country?.iso2, s.chain.city?.name, s.meta]),
      [
        [files.rotated, files.rotated, "FR", "Paris", undefined],
        [files.west, files.west, "BR", "Rio de Janeiro", undefined],
        [files.nested, files.nested, "AU", "Sydney", undefined],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
    const paris = ds.samples.find((s) => s.id === files.rotated);
    assert.ok(paris && Math.abs(paris.lat - PARIS.lat) < 1e-6 && Math.abs(paris.lon - PARIS.lon) < 1e-6);
    const rio = ds.samples.find((s) => s.id === files.west);
    assert.ok(rio && rio.lat < 0 && rio.lon < 0, "S and W refs give negative coordinates");

    // Orientation 6 turns the 40×20 landscape into a 20×40 portrait (red on top, blue below)
    // before the cover-resize; without the rotation red would be left and blue right.
    const patch = ds.readPatches([ds.samples.indexOf(paris)]);
    for (const x of [2, 8, 13]) {
      assert.ok(near(pixel(patch, SIZE, x, 2), RED), `top row pixel x=${x}: ${pixel(patch, SIZE, x, 2)}`);
      assert.ok(near(pixel(patch, SIZE, x, 13), BLUE), `bottom row pixel x=${x}: ${pixel(patch, SIZE, x, 13)}`);
    }
    ds.close();

    // The source pins the folder: sha256 of the sorted "relpath:size" lines of the listed images.
    const listed = Object.values(files)
      .filter((f) => f !== files.heic || heicSupported())
      .sort();
    const lines = listed.map((f) => `${f}:${statSync(path.join(photos, f)).size}\n`).join("");
    assert.deepEqual(r.manifest.sources, [
      {
        name: "photos",
        path: photos,
        sha256: createHash("sha256").update(lines).digest("hex"),
        bytes: listed.reduce((n, f) => n + statSync(path.join(photos, f)).size, 0),
      },
    ]);
    if (!heicSupported()) {
      assert.deepEqual(r.skipped, [
        { file: path.join(photos, files.heic), line: null, reason: "HEIC, which this sharp build cannot decode" },
      ]);
    }
    const rejected = readText(path.join(r.dir, "rejected.csv")).split("\n");
    assert.equal(rejected[0], "file,line,reason,row");
    assert.equal(rejected[1], `${path.join(photos, files.plainPng)},,no EXIF GPS,`);
    assert.equal(rejected.length, r.rejected + 2); // header, the rows, final newline
  });

  it("a folder with no GPS-tagged photo at all is an error even with skipBad", async () => {
    const empty = path.join(root, "no-gps");
    await writeImage(path.join(empty, "x.jpg"));
    await assert.rejects(
      importDataset({ format: "exif", images: empty, name: "no-gps", imageSize: SIZE, skipBad: true }),
      (err: Error) =>
        err instanceof ImportError &&
        err.message ===
          `cannot import "no-gps": none of its 1 image is usable, nothing was stored\n  ${path.join(empty, "x.jpg")}: no EXIF GPS`,
    );
  });
});
