import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import sharp from "sharp";
import { decodeImage } from "./decode.ts";
import { BLUE, GREEN, near, pixel, RED, tempHome, writeImage, writeTruncatedJpeg } from "./test-fixtures.ts";

const root = tempHome("geor-import-decode-");
after(() => rmSync(root, { recursive: true, force: true }));

describe("decodeImage", () => {
  it("centre-crops a landscape image to the square (cover), keeping both halves", async () => {
    // 60×20, left half red, right half blue. Cover-resizing to 8×8 scales to 24×8 and keeps
    // the middle 8 columns: 4 red, 4 blue (a squash would keep 8 columns of each colour's edge).
    const file = await writeImage(path.join(root, "wide.png"), {
      width: 60,
      height: 20,
      color: [RED, BLUE],
      format: "png",
    });
    const out = await decodeImage(file, 8);
    assert.equal(out.length, 8 * 8 * 3);
    // Within a few levels: the Lanczos kernel rings slightly next to the colour edge.
    for (const [x, y, c] of [
      [0, 0, RED],
      [2, 7, RED],
      [5, 0, BLUE],
      [7, 7, BLUE],
    ] as const) {
      assert.ok(near(pixel(out, 8, x, y), c, 4), `(${x},${y}) = ${pixel(out, 8, x, y)}, expected ≈ ${c}`);
    }
  });

  it("gives 3 channels for greyscale input and white for transparent pixels", async () => {
    const grey = path.join(root, "grey.png");
    await sharp(Buffer.alloc(30 * 20, 90), { raw: { width: 30, height: 20, channels: 1 } })
      .toColourspace("b-w")
      .png()
      .toFile(grey);
    assert.equal((await sharp(grey).metadata()).channels, 1);
    const g = await decodeImage(grey, 4);
    assert.deepEqual([...g], new Array(4 * 4 * 3).fill(90));

    const clear = path.join(root, "clear.png");
    await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 30, g: 200, b: 60, alpha: 0 } } })
      .png()
      .toFile(clear);
    assert.deepEqual([...(await decodeImage(clear, 4))], new Array(4 * 4 * 3).fill(255));
    const opaque = await writeImage(path.join(root, "opaque.jpg"), { color: GREEN });
    assert.ok(near(pixel(await decodeImage(opaque, 4), 4, 1, 1), GREEN));
  });

  it("rejects a truncated JPEG that sharp's lenient mode would half-decode", async () => {
    const file = await writeTruncatedJpeg(path.join(root, "cut.jpg"));
    await assert.rejects(decodeImage(file, 8), /premature end of JPEG image/);
    // The same file decodes "fine" without failOn, which is why the importer sets it.
    const lenient = await sharp(file, { failOn: "none" }).resize(8, 8).raw().toBuffer();
    assert.equal(lenient.length, 8 * 8 * 3);
  });
});
