// Serves the offline basemap data from the npm packages that ship it: Natural Earth country
// outlines (world-atlas TopoJSON), the raster of them the maps draw (lib/country-raster-asset.ts)
// and NASA's Blue Marble image (three-globe).
import { readFile } from "node:fs/promises";
import { countryRaster, findInNodeModules } from "@/lib/country-raster-asset";

const ASSETS: Record<string, { module: string; type: string }> = {
  "countries-50m.json": { module: "world-atlas/countries-50m.json", type: "application/json" },
  "countries-110m.json": { module: "world-atlas/countries-110m.json", type: "application/json" },
  "blue-marble.jpg": { module: "three-globe/example/img/earth-blue-marble.jpg", type: "image/jpeg" },
};

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
      console.error("basemap raster:", error);
      return new Response("the country raster could not be built from the Natural Earth outlines (world-atlas)", {
        status: 500,
      });
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
