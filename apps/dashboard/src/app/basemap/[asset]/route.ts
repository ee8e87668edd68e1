// Serves the offline basemap data from the npm packages that ship it: Natural Earth country
// outlines (world-atlas TopoJSON) and NASA's Blue Marble image (three-globe).
import { access, readFile } from "node:fs/promises";
import path from "node:path";

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

export async function GET(_request: Request, ctx: { params: Promise<{ asset: string }> }): Promise<Response> {
  const { asset } = await ctx.params;
  const entry = ASSETS[asset];
  if (!entry) return new Response(`unknown basemap asset "${asset}"`, { status: 404 });
  let bytes: Buffer;
  try {
    bytes = await readFile(await findInNodeModules(entry.module));
  } catch (error) {
    return new Response(`basemap asset ${entry.module} is not installed: ${(error as Error).message}`, { status: 500 });
  }
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": entry.type, "cache-control": "public, max-age=86400, immutable" },
  });
}
