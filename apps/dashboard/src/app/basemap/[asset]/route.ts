// Serves the offline basemap data from the npm packages that ship it: Natural Earth country
// outlines (world-atlas TopoJSON), the raster of them the maps draw (rendered here on first use,
// see lib/country-raster.ts) and NASA's Blue Marble image (three-globe).
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { Topology } from "topojson-specification";
import { countriesFromTopology } from "@/lib/countries";
import { encodeGreyPng, rasterizeCountries } from "@/lib/country-raster";
import { COUNTRY_RASTER_SIZE, type CountryRasterIndex } from "@/lib/country-raster-client";

const ASSETS: Record<string, { module: string; type: string }> = {
  "countries-50m.json": { module: "world-atlas/countries-50m.json", type: "application/json" },
  "countries-110m.json": { module: "world-atlas/countries-110m.json", type: "application/json" },
  "blue-marble.jpg": { module: "three-globe/example/img/earth-blue-marble.jpg", type: "image/jpeg" },
};

/** Finds `node_modules/<file>` from the server's working directory upwards (workspaces hoist). */
async function findInNodeModules(file: string): Promise<string> {
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

function countryRaster(): Promise<{ png: Uint8Array; index: string }> {
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

const IMMUTABLE = "public, max-age=86400, immutable";

export async function GET(_request: Request, ctx: { params: Promise<{ asset: string }> }): Promise<Response> {
  const { asset } = await ctx.params;
  if (asset === "countries-raster.png" || asset === "countries-raster.json") {
    try {
      const built = await countryRaster();
      return asset.endsWith(".png")
        ? new Response(built.png as Uint8Array<ArrayBuffer>, {
            headers: { "content-type": "image/png", "cache-control": IMMUTABLE },
          })
        : new Response(built.index, { headers: { "content-type": "application/json", "cache-control": IMMUTABLE } });
    } catch (error) {
      return new Response(`the country raster could not be built: ${(error as Error).message}`, { status: 500 });
    }
  }
  const entry = ASSETS[asset];
  if (!entry) return new Response(`unknown basemap asset "${asset}"`, { status: 404 });
  let bytes: Buffer;
  try {
    bytes = await readFile(await findInNodeModules(entry.module));
  } catch (error) {
    return new Response(`basemap asset ${entry.module} is not installed: ${(error as Error).message}`, { status: 500 });
  }
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": entry.type, "cache-control": IMMUTABLE },
  });
}
