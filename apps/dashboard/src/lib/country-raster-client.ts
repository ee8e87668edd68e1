// The browser's side of the country raster (lib/country-raster.ts): loads it once, paints it
// (land or a choropleth's colours, with the outlines wherever two neighbouring pixels differ)
// into RGBA for a deck.gl BitmapLayer, and answers which country a pixel lies in.
import type { RGBA } from "./colors";
import type { CountryProperties } from "./countries";

/** Pixels a side: native at deck.gl zoom 2 (a 2,048-px world), 4 MB of indices, 16 MB painted. */
export const COUNTRY_RASTER_SIZE = 2048;

/** What /basemap/countries-raster.json holds: the raster's side and its countries by index − 1. */
export type CountryRasterIndex = { size: number; countries: CountryProperties[] };

export type CountryRaster = CountryRasterIndex & {
  /** size × size country indices + 1 (0: sea), rows from the north. */
  ids: Uint8Array;
};

/** The raster's bounds for deck.gl: the Web Mercator square. */
export const COUNTRY_RASTER_BOUNDS: [number, number, number, number] = [-180, -85.0511287798066, 180, 85.0511287798066];

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

/** The country at a pixel of the raster (deck.gl's BitmapLayer picking gives it), or null at sea. */
export function countryAtPixel(raster: CountryRaster, x: number, y: number): CountryProperties | null {
  if (!(x >= 0 && y >= 0 && x < raster.size && y < raster.size)) return null;
  const id = raster.ids[Math.floor(y) * raster.size + Math.floor(x)]!;
  return id === 0 ? null : (raster.countries[id - 1] ?? null);
}
