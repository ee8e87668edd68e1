// The browser's side of the country raster (lib/country-raster.ts): loads it once, paints it
// (land or a choropleth's colours, with the outlines wherever two neighbouring pixels differ)
// into RGBA, says where its world copies fall in a view (the map draws it on a 2D canvas under
// deck.gl's), and answers which country a pixel or a coordinate lies in.
import type { RGBA } from "./colors";
import type { CountryProperties } from "./countries";
import { rasterLat, rasterX, rasterY } from "./country-raster";

/** Pixels a side: native at deck.gl zoom 2 (a 2,048-px world), 4 MB of indices, 16 MB painted. */
export const COUNTRY_RASTER_SIZE = 2048;

/** What /basemap/countries-raster.json holds: the raster's side and its countries by index − 1. */
export type CountryRasterIndex = { size: number; countries: CountryProperties[] };

export type CountryRaster = CountryRasterIndex & {
  /** size × size country indices + 1 (0: sea), rows from the north. */
  ids: Uint8Array;
};

let loading: Promise<CountryRaster> | null = null;

async function fetchRaster(): Promise<CountryRaster> {
  const [png, index] = await Promise.all([
    fetch("/basemap/countries-raster.png"),
    fetch("/basemap/countries-raster.json"),
  ]);
  if (!png.ok) throw new Error(`basemap raster: HTTP ${png.status} ${await png.text()}`);
  if (!index.ok) throw new Error(`basemap raster index: HTTP ${index.status} ${await index.text()}`);
  const { size, countries } = (await index.json()) as CountryRasterIndex;
  // No colour-space conversion: the grey levels are indices, not colours.
  const bitmap = await createImageBitmap(await png.blob(), {
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  if (bitmap.width !== size || bitmap.height !== size)
    throw new Error(`basemap raster is ${bitmap.width} × ${bitmap.height} px, its index says ${size}`);
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("basemap raster: no 2D canvas to decode it");
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const ids = new Uint8Array(size * size);
  for (let i = 0; i < ids.length; i++) ids[i] = rgba[i * 4]!;
  return { size, countries, ids };
}

/** Fetches and decodes the raster once per page load. */
export function loadCountryRaster(): Promise<CountryRaster> {
  loading ??= fetchRaster();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/**
 * RGBA pixels of the raster: each country in `fill(iso2)` (or `land`), the sea transparent, and
 * `border` on every pixel whose right or lower neighbour is another country or the sea.
 */
export function paintCountryRaster(
  raster: CountryRaster,
  fill: (country: CountryProperties) => RGBA,
  border: RGBA,
): Uint8ClampedArray<ArrayBuffer> {
  const { size, ids } = raster;
  // One 32-bit write a pixel (RGBA bytes in little-endian order, as every browser platform is):
  // the loop runs over 4 M pixels on each change of colours.
  const word = ([r, g, b, a]: RGBA) => (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
  const palette = new Uint32Array(256);
  for (const [i, c] of raster.countries.entries()) palette[i + 1] = word(fill(c));
  const edge = word(border);
  const out = new Uint8ClampedArray(size * size * 4);
  const pixels = new Uint32Array(out.buffer);
  for (let y = 0; y < size; y++) {
    const last = y + 1 === size;
    for (let x = 0, i = y * size; x < size; x++, i++) {
      const id = ids[i]!;
      const right = x + 1 < size ? ids[i + 1]! : id;
      const below = last ? id : ids[i + size]!;
      pixels[i] = (id !== right || id !== below) && (id | right | below) !== 0 ? edge : palette[id]!;
    }
  }
  return out;
}

/** The country at a pixel of the raster, or null at sea. */
export function countryAtPixel(raster: CountryRaster, x: number, y: number): CountryProperties | null {
  if (!(x >= 0 && y >= 0 && x < raster.size && y < raster.size)) return null;
  const id = raster.ids[Math.floor(y) * raster.size + Math.floor(x)]!;
  return id === 0 ? null : (raster.countries[id - 1] ?? null);
}

/** The country at a longitude and latitude, read from the raster (null at sea). */
export function countryAtLonLat(raster: CountryRaster, lon: number, lat: number): CountryProperties | null {
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return countryAtPixel(raster, rasterX(wrapped, raster.size), rasterY(lat, raster.size));
}

/** One copy of the world raster on the screen: which part of the raster goes where, in CSS pixels. */
export type RasterPlacement = {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dx: number;
  dy: number;
  dw: number;
  dh: number;
};

/**
 * Where the raster's world copies fall in a view of `width` × `height` CSS pixels centred on
 * (longitude, latitude) at deck.gl's `zoom` (a world of 512 · 2^zoom pixels, as deck.gl's
 * WebMercatorViewport has it): each visible copy clipped to the view, as drawImage's source and
 * destination rectangles, so that a city zoom draws a few source pixels, not a million-pixel quad.
 */
export function rasterPlacements(
  view: { longitude: number; latitude: number; zoom: number },
  width: number,
  height: number,
  size: number,
): RasterPlacement[] {
  const world = 512 * 2 ** view.zoom;
  const left = width / 2 - ((view.longitude + 180) / 360) * world;
  const top = height / 2 - rasterY(view.latitude, world);
  const scale = size / world;
  const out: RasterPlacement[] = [];
  const y0 = Math.max(0, top);
  const y1 = Math.min(height, top + world);
  if (y1 <= y0) return out;
  for (let k = Math.floor(-left / world); left + k * world < width; k++) {
    const x = left + k * world;
    const x0 = Math.max(0, x);
    const x1 = Math.min(width, x + world);
    if (x1 <= x0) continue;
    out.push({
      sx: (x0 - x) * scale,
      sy: (y0 - top) * scale,
      sw: (x1 - x0) * scale,
      sh: (y1 - y0) * scale,
      dx: x0,
      dy: y0,
      dw: x1 - x0,
      dh: y1 - y0,
    });
  }
  return out;
}

let blueMarble: Promise<HTMLCanvasElement> | null = null;

/**
 * NASA's Blue Marble (an equirectangular image, latitudes ±90° top to bottom) reprojected once
 * per page load onto the Web Mercator square of the country raster, row by row: each row of the
 * square takes the image's row at its latitude, so the map draws both with the same placements.
 */
export function loadBlueMarble(size = COUNTRY_RASTER_SIZE): Promise<HTMLCanvasElement> {
  blueMarble ??= (async () => {
    const res = await fetch("/basemap/blue-marble.jpg");
    if (!res.ok) throw new Error(`Blue Marble: HTTP ${res.status}`);
    const image = await createImageBitmap(await res.blob());
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("Blue Marble: no 2D canvas to draw it");
    for (let y = 0; y < size; y++) {
      const lat = rasterLat(y + 0.5, size);
      const sourceRow = Math.min(image.height - 1, Math.floor(((90 - lat) / 180) * image.height));
      ctx.drawImage(image, 0, sourceRow, image.width, 1, 0, y, size, 1);
    }
    image.close();
    return canvas;
  })();
  blueMarble.catch(() => {
    blueMarble = null;
  });
  return blueMarble;
}
