// The basemap raster as the server serves it (server only): the Natural Earth 1:50m outlines
// (world-atlas) rendered by lib/country-raster.ts once per process — when the server starts
// (instrumentation.ts), or on the first request if that has not finished — and kept in memory.
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { Topology } from "topojson-specification";
import { countriesFromTopology } from "./countries";
import { encodeGreyPng, rasterizeCountries } from "./country-raster";
import { COUNTRY_RASTER_SIZE, type CountryRasterIndex } from "./country-raster-client";

/** Finds `node_modules/<file>` from the server's working directory upwards (workspaces hoist). */
export async function findInNodeModules(file: string): Promise<string> {
  let dir = process.cwd();
  for (;;) {
    const candidate = path.join(dir, "node_modules", file);
    try {
      await access(candidate);
      return candidate;
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`node_modules/${file} not found from ${process.cwd()}`);
      dir = parent;
    }
  }
}

/** The raster and its index, built once per server process from the 50m outlines. */
let raster: Promise<{ png: Uint8Array; index: string }> | null = null;

export function countryRaster(): Promise<{ png: Uint8Array; index: string }> {
  raster ??= (async () => {
    const topology = JSON.parse(
      await readFile(await findInNodeModules("world-atlas/countries-50m.json"), "utf8"),
    ) as Topology;
    const countries = countriesFromTopology(topology).features;
    const pixels = rasterizeCountries(
      countries.map((f) => f.geometry),
      COUNTRY_RASTER_SIZE,
    );
    const index: CountryRasterIndex = {
      size: COUNTRY_RASTER_SIZE,
      countries: countries.map((f) => f.properties),
    };
    const png = encodeGreyPng(pixels, COUNTRY_RASTER_SIZE, COUNTRY_RASTER_SIZE, (raw) =>
      deflateSync(raw, { level: 9 }),
    );
    return { png, index: JSON.stringify(index) };
  })();
  raster.catch(() => {
    raster = null;
  });
  return raster;
}
