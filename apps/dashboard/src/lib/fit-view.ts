// The Web Mercator view (deck.gl's longitude / latitude / zoom, a 512-px world at zoom 0) that
// frames an area in a map of a given size, without loading deck.gl (pages use it before the map).
import { rasterLat, rasterY } from "./country-raster";
import type { AreaBounds } from "./explorer-state";

// Web Mercator y in [0, 1] from the north edge, and back.
const mercatorY = (lat: number) => rasterY(lat, 1);
const latOfY = (y: number) => rasterLat(y, 1);

/** The view showing `b` (west > east crosses the antimeridian) with `paddingPx` to spare, at most maxZoom. */
export function fitView(
  b: AreaBounds,
  widthPx: number,
  heightPx: number,
  paddingPx = 24,
  maxZoom = 16,
): { longitude: number; latitude: number; zoom: number } {
  const east = b.east < b.west ? b.east + 360 : b.east;
  const dx = (east - b.west) / 360;
  const [yNorth, ySouth] = [mercatorY(b.north), mercatorY(b.south)];
  const dy = ySouth - yNorth;
  const scale = Math.min(
    Math.max(1, widthPx - 2 * paddingPx) / 512 / Math.max(dx, 1e-9),
    Math.max(1, heightPx - 2 * paddingPx) / 512 / Math.max(dy, 1e-9),
  );
  const centre = (b.west + east) / 2;
  return {
    longitude: centre > 180 ? centre - 360 : centre,
    latitude: latOfY((yNorth + ySouth) / 2),
    zoom: Math.min(maxZoom, Math.max(0, Math.log2(scale))),
  };
}
