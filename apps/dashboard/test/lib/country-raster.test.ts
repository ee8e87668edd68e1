import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { deflateSync, inflateSync } from "node:zlib";
import { WebMercatorViewport } from "@deck.gl/core";
import type { Polygon } from "geojson";
import type { Topology } from "topojson-specification";
import { countriesFromTopology } from "../../src/lib/countries.ts";
import { crc32, encodeGreyPng, rasterizeCountries, rasterX, rasterY } from "../../src/lib/country-raster.ts";
import {
  countryAtLonLat,
  countryAtPixel,
  paintCountryRaster,
  rasterPlacements,
} from "../../src/lib/country-raster-client.ts";

const require = createRequire(import.meta.url);

const square = (w: number, s: number, e: number, n: number): Polygon["coordinates"][number] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

/** The pixels set to `value`, as "x,y" strings. */
function pixelsOf(raster: Uint8Array, size: number, value: number): Set<string> {
  const out = new Set<string>();
  for (const [i, v] of raster.entries()) if (v === value) out.add(`${i % size},${Math.floor(i / size)}`);
  return out;
}

test("the equator and the prime meridian cross at the raster's centre; the Mercator square's edges at its borders", () => {
  assert.equal(rasterX(0, 256), 128);
  assert.equal(rasterX(-180, 256), 0);
  assert.ok(Math.abs(rasterY(0, 256) - 128) < 1e-9);
  assert.ok(Math.abs(rasterY(85.0511287798066, 256)) < 1e-9);
  assert.ok(Math.abs(rasterY(-90, 256) - 256) < 1e-9, "beyond the square: clamped to its edge");
});

test("a square fills exactly the pixels whose centres it holds, and a hole in it stays empty", () => {
  // At size 8 columns are 45° wide: 0°–90° E holds the centres of columns 4 and 5.
  const size = 8;
  const raster = rasterizeCountries([{ type: "Polygon", coordinates: [square(0, -40, 90, 40)] }], size);
  const rows = [...pixelsOf(raster, size, 1)].map((p) => Number(p.split(",")[1]));
  const cols = new Set([...pixelsOf(raster, size, 1)].map((p) => Number(p.split(",")[0])));
  assert.deepEqual([...cols].sort(), [4, 5]);
  // ±40° is y = 0.5 ∓ 0.1211 of the side: rows 3 and 4 (centres 3.5 / 8 and 4.5 / 8) only.
  assert.deepEqual([...new Set(rows)].sort(), [3, 4]);

  const holed = rasterizeCountries(
    [{ type: "Polygon", coordinates: [square(-180, -80, 180, 80), square(-90, -40, 90, 40)] }],
    size,
  );
  assert.equal(holed[4 * size + 3], 0, "inside the hole");
  assert.equal(holed[4 * size + 1], 1, "outside the hole");
});

test("a ring running on past 180° (unwrapped) wraps to the raster's western edge", () => {
  const size = 8;
  const raster = rasterizeCountries([{ type: "Polygon", coordinates: [square(135, -40, 225, 40)] }], size);
  const cols = new Set([...pixelsOf(raster, size, 1)].map((p) => Number(p.split(",")[0])));
  assert.deepEqual([...cols].sort(), [0, 7]);
});

test("later countries win where two overlap, and more than 255 do not fit", () => {
  const a: Polygon = { type: "Polygon", coordinates: [square(-90, -40, 90, 40)] };
  const b: Polygon = { type: "Polygon", coordinates: [square(0, -40, 90, 40)] };
  const raster = rasterizeCountries([a, b], 8);
  assert.equal(raster[3 * 8 + 3], 1);
  assert.equal(raster[3 * 8 + 4], 2);
  assert.throws(() => rasterizeCountries(new Array(256).fill(a), 8), /256 countries do not fit one byte/);
});

test("the PNG holds the raster: signature, header, rows behind filter bytes, and valid CRCs", () => {
  const pixels = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
  const png = encodeGreyPng(pixels, 4, 3, (raw) => deflateSync(raw));
  const buf = Buffer.from(png);
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(buf.toString("latin1", 12, 16), "IHDR");
  assert.equal(buf.readUInt32BE(16), 4);
  assert.equal(buf.readUInt32BE(20), 3);
  assert.deepEqual([...buf.subarray(24, 29)], [8, 0, 0, 0, 0], "8-bit greyscale, no interlace");
  assert.equal(buf.readUInt32BE(29), crc32(buf.subarray(12, 29)));
  const idatLength = buf.readUInt32BE(33);
  assert.equal(buf.toString("latin1", 37, 41), "IDAT");
  const raw = inflateSync(buf.subarray(41, 41 + idatLength));
  assert.deepEqual([...raw], [0, 0, 20, 40, 60, 0, 80, 100, 120, 140, 0, 160, 180, 200, 220]);
  // The IEND chunk's CRC is the same in every PNG.
  assert.equal(buf.readUInt32BE(buf.length - 4), 0xae426082);
  assert.throws(() => encodeGreyPng(pixels, 5, 3, deflateSync), /12 pixels, expected 5 × 3/);
});

test("the 50m outlines' raster puts Paris in France, Russia on both sides of 180° and the mid-Atlantic at sea", () => {
  const topology = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8")) as Topology;
  const countries = countriesFromTopology(topology).features;
  const size = 1024;
  const ids = rasterizeCountries(
    countries.map((f) => f.geometry),
    size,
  );
  const raster = { size, ids, countries: countries.map((f) => f.properties) };
  const at = (lat: number, lon: number) => countryAtPixel(raster, rasterX(lon, size), rasterY(lat, size))?.iso2 ?? null;
  assert.equal(at(48.86, 2.35), "FR");
  assert.equal(at(-23.5, -46.6), "BR");
  assert.equal(at(64, 175), "RU");
  assert.equal(at(65, -175), "RU", "Chukotka east of 180°");
  assert.equal(at(30, -40), null);
  assert.equal(at(-80, 0), "AQ");
  // The map's hover reads it by coordinate, on any world copy.
  assert.equal(countryAtLonLat(raster, 2.35, 48.86)?.iso2, "FR");
  assert.equal(countryAtLonLat(raster, 2.35 + 360, 48.86)?.iso2, "FR");
  assert.equal(countryAtLonLat(raster, -46.6 - 720, -23.5)?.iso2, "BR");
  assert.equal(countryAtLonLat(raster, -40, 30), null);
});

/** Where a raster pixel lands on the screen through a placement (CSS px). */
function screenOf(p: ReturnType<typeof rasterPlacements>[number], px: number, py: number): [number, number] {
  return [p.dx + ((px - p.sx) * p.dw) / p.sw, p.dy + ((py - p.sy) * p.dh) / p.sh];
}

test("the raster's world copies tile a world view edge to edge, each at the world's scale", () => {
  const size = 2048;
  const placements = rasterPlacements({ longitude: 0, latitude: 0, zoom: 0 }, 1400, 900, size);
  // A 512-px world in a 1,400-px view: a clipped copy, a whole one, a clipped one.
  assert.deepEqual(
    placements.map((p) => [p.dx, p.dw]),
    [
      [0, 444],
      [444, 512],
      [956, 444],
    ],
  );
  for (const p of placements) {
    assert.equal(p.dy, 194);
    assert.equal(p.dh, 512);
    assert.ok(Math.abs(p.sw / p.dw - size / 512) < 1e-9 && Math.abs(p.sh / p.dh - size / 512) < 1e-9);
    assert.ok(p.sx >= 0 && p.sx + p.sw <= size + 1e-9, "source inside the raster");
  }
  assert.equal(placements[0]!.sx, 68 * 4, "the first copy starts 68 px into the world");
});

test("a raster pixel lands where deck.gl projects its coordinate, zoomed in and across 180°", () => {
  const size = 2048;
  const cases = [
    { view: { longitude: 2.35, latitude: 48.85, zoom: 5 }, at: [2.35, 48.85] },
    { view: { longitude: 2.35, latitude: 48.85, zoom: 5 }, at: [-1.55, 47.22] },
    { view: { longitude: 179, latitude: 60, zoom: 3 }, at: [-175, 65] },
    { view: { longitude: -60, latitude: -20, zoom: 1.4 }, at: [151.2, -33.9] },
  ] as const;
  for (const { view, at } of cases) {
    const viewport = new WebMercatorViewport({ ...view, width: 1400, height: 900 });
    const [ex, ey] = viewport.project([at[0], at[1]]) as [number, number];
    const placements = rasterPlacements(view, 1400, 900, size);
    const px = rasterX(at[0], size);
    const py = rasterY(at[1], size);
    // The copy that holds the expected point (deck.gl projects onto the copy nearest the centre).
    const hits = placements
      .map((p) => screenOf(p, px, py))
      .filter(([x, y]) => Math.abs(x - ex) < 0.01 && Math.abs(y - ey) < 0.01);
    assert.equal(hits.length, 1, `${JSON.stringify(view)}: (${at}) at ${ex}, ${ey} is drawn there by one copy`);
  }
  assert.deepEqual(rasterPlacements({ longitude: 0, latitude: 0, zoom: 0 }, 0, 900, size), [], "an empty view");
});

test("painting colours countries by their fill, the sea transparent, and outlines where neighbours differ", () => {
  // 4 × 4: sea on the left column and the top row, country 1 elsewhere, country 2 at the bottom right.
  // biome-ignore format: the raster's rows
  const ids = Uint8Array.from([
    0, 0, 0, 0,
    0, 1, 1, 1,
    0, 1, 1, 1,
    0, 1, 1, 2,
  ]);
  const raster = {
    size: 4,
    ids,
    countries: [
      { iso2: "AA", name: "A" },
      { iso2: "BB", name: "B" },
    ],
  };
  const fills: Record<string, [number, number, number, number]> = { AA: [10, 20, 30, 255], BB: [40, 50, 60, 255] };
  const rgba = paintCountryRaster(raster, (c) => fills[c.iso2!]!, [1, 2, 3, 4]);
  const at = (x: number, y: number) => [...rgba.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
  assert.deepEqual(at(3, 0), [1, 2, 3, 4], "sea above land: outline");
  assert.deepEqual(at(2, 0), [1, 2, 3, 4]);
  assert.deepEqual(at(0, 0), [0, 0, 0, 0], "sea beside sea: transparent");
  assert.deepEqual(at(1, 1), [10, 20, 30, 255], "inside country A");
  assert.deepEqual(at(2, 2), [10, 20, 30, 255], "A with A to the right and below");
  assert.deepEqual(at(2, 3), [1, 2, 3, 4], "A left of B: outline");
  assert.deepEqual(at(3, 2), [1, 2, 3, 4], "A above B: outline");
  assert.deepEqual(at(3, 3), [40, 50, 60, 255], "B at the raster's corner");
});
