// The basemap as one raster: every pixel of a square Web Mercator image of the world (the map
// grid's ±85.0511°, so deck.gl draws it with no reprojection) holds the index + 1 of the country
// it lies in, 0 for the sea. Built once from the Natural Earth outlines on the server; the
// browser colours it (land, borders, a choropleth) and reads countries under the pointer from it,
// so the basemap costs one textured quad a frame whatever the number of predictions or vertices.
//
// Filling is by scanline with the even-odd rule (holes and islands alike), sampling each pixel at
// its centre: for every row, the crossings of the row's centre line with the polygon's edges are
// sorted and the pixels between pairs of them are set (Foley, van Dam et al., "Computer
// Graphics: Principles and Practice", 2nd ed., §3.6 "Filling polygons").
import type { Geometry, Position } from "geojson";

/** atan(sinh(π)) in degrees: the Web Mercator square's northern and southern edges. */
export const RASTER_MAX_LAT = 85.0511287798066;

/** Image x of a longitude on a raster `size` pixels wide (beyond ±180°: beyond the image's edges). */
export function rasterX(lon: number, size: number): number {
  return ((lon + 180) / 360) * size;
}

/** Image y of a latitude (0 at the raster's north edge), clamped to the Mercator square. */
export function rasterY(lat: number, size: number): number {
  const phi = (Math.min(RASTER_MAX_LAT, Math.max(-RASTER_MAX_LAT, lat)) * Math.PI) / 180;
  return (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * size;
}

/** The latitude at image y (rasterY's inverse). */
export function rasterLat(y: number, size: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / size))) * 180) / Math.PI;
}

function rings(geometry: Geometry): Position[][] {
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

/**
 * Fills each geometry with its index + 1 into a size × size raster (later geometries win where
 * two overlap). Rings are in longitude / latitude and continuous: one crossing the antimeridian
 * runs on past ±180° (countries.ts unwrapRing) and is wrapped here pixel by pixel.
 */
export function rasterizeCountries(geometries: readonly Geometry[], size: number): Uint8Array {
  if (geometries.length > 255) throw new RangeError(`${geometries.length} countries do not fit one byte (max 255)`);
  const out = new Uint8Array(size * size);
  const crossings: number[] = [];
  geometries.forEach((geometry, g) => {
    // Edges as flat [x0, y0, x1, y1] in pixels, with their row span.
    const edges: number[] = [];
    let top = Number.POSITIVE_INFINITY;
    let bottom = Number.NEGATIVE_INFINITY;
    for (const ring of rings(geometry)) {
      for (let i = 0; i < ring.length; i++) {
        const a = ring[i]!;
        const b = ring[(i + 1) % ring.length]!;
        const y0 = rasterY(a[1]!, size);
        const y1 = rasterY(b[1]!, size);
        if (y0 === y1) continue;
        edges.push(rasterX(a[0]!, size), y0, rasterX(b[0]!, size), y1);
        top = Math.min(top, y0, y1);
        bottom = Math.max(bottom, y0, y1);
      }
    }
    const value = g + 1;
    const firstRow = Math.max(0, Math.floor(top - 0.5));
    const lastRow = Math.min(size - 1, Math.ceil(bottom - 0.5));
    for (let row = firstRow; row <= lastRow; row++) {
      const y = row + 0.5;
      crossings.length = 0;
      for (let e = 0; e < edges.length; e += 4) {
        const [x0, y0, x1, y1] = [edges[e]!, edges[e + 1]!, edges[e + 2]!, edges[e + 3]!];
        // Half-open in y, so a vertex on the line is crossed once.
        if (y0 <= y ? y1 > y : y1 <= y) crossings.push(x0 + ((y - y0) / (y1 - y0)) * (x1 - x0));
      }
      crossings.sort((p, q) => p - q);
      const base = row * size;
      for (let c = 0; c + 1 < crossings.length; c += 2) {
        // Pixels whose centre x + 0.5 lies in [from, to), wrapped around the antimeridian.
        const from = Math.ceil(crossings[c]! - 0.5);
        const to = Math.min(from + size, Math.ceil(crossings[c + 1]! - 0.5));
        for (let x = from; x < to; ) {
          const start = ((x % size) + size) % size;
          const end = Math.min(size, start + (to - x));
          out.fill(value, base + start, base + end);
          x += end - start;
        }
      }
    }
  });
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of PNG chunks (ISO 3309, as the PNG specification's section 5.5 gives it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * An 8-bit greyscale PNG (colour type 0, no gamma chunk, so a browser's canvas returns the bytes
 * unchanged) of a width × height raster; `deflate` is zlib's (node:zlib deflateSync).
 */
export function encodeGreyPng(
  pixels: Uint8Array,
  width: number,
  height: number,
  deflate: (raw: Uint8Array) => Uint8Array,
): Uint8Array {
  if (pixels.length !== width * height)
    throw new RangeError(`raster has ${pixels.length} pixels, expected ${width} × ${height}`);
  // Every row starts with its filter byte (0: none).
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflate(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}
