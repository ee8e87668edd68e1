/**
 * Cuts a square patch centred on a location from equirectangular rasters, in a local
 * projection: north-south in km along the meridian, east-west in km with longitude scaled by
 * 1/cos(latitude of the centre), so a patch covers the same ground width at every latitude.
 * Bilinear sampling; longitude wraps, latitude reflects over the poles.
 */
import { KM_PER_DEG } from "@geor/geo";
import type { EarthImagery, Raster } from "./imagery.ts";

const DEG = Math.PI / 180;

export const BLUEMARBLE_CHANNELS = ["day_r", "day_g", "day_b", "night", "elevation"] as const;

export interface PatchGeometry {
  /** Pixels per side. */
  size: number;
  /** Ground width of the patch in km. */
  kmAcross: number;
}

/** Samples channel `ch` of a raster at fractional pixel (x, y) (pixel centres at integer + 0.5). */
function bilinear(r: Raster, x: number, y: number, ch: number): number {
  const { data, width, height, channels } = r;
  const fx = x - 0.5;
  const fy = Math.min(height - 1, Math.max(0, y - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  const xa = ((x0 % width) + width) % width;
  const xb = (xa + 1) % width;
  const ya = y0;
  const yb = Math.min(height - 1, y0 + 1);
  const v00 = data[(ya * width + xa) * channels + ch];
  const v10 = data[(ya * width + xb) * channels + ch];
  const v01 = data[(yb * width + xa) * channels + ch];
  const v11 = data[(yb * width + xb) * channels + ch];
  return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
}

/** Latitude/longitude of patch pixel (row, col) for a patch centred at (lat0, lon0). */
export function patchPixelLatLon(
  lat0: number,
  lon0: number,
  row: number,
  col: number,
  g: PatchGeometry,
): { lat: number; lon: number } {
  const pxKm = g.kmAcross / g.size;
  const half = g.size / 2 - 0.5;
  const northKm = (half - row) * pxKm;
  const eastKm = (col - half) * pxKm;
  const cosLat = Math.max(0.05, Math.cos(lat0 * DEG));
  let lat = lat0 + northKm / KM_PER_DEG;
  let lon = lon0 + eastKm / (KM_PER_DEG * cosLat);
  if (lat > 90) {
    lat = 180 - lat;
    lon += 180;
  } else if (lat < -90) {
    lat = -180 - lat;
    lon += 180;
  }
  lon = ((((lon + 180) % 360) + 360) % 360) - 180;
  return { lat, lon };
}

/**
 * Writes the 5-channel patch (day RGB, night, elevation) at (lat0, lon0) into `out` at byte
 * `offset`, row-major, channels last.
 */
export function cutPatch(
  img: EarthImagery,
  lat0: number,
  lon0: number,
  g: PatchGeometry,
  out: Uint8Array,
  offset = 0,
): void {
  const C = BLUEMARBLE_CHANNELS.length;
  for (let row = 0; row < g.size; row++) {
    for (let col = 0; col < g.size; col++) {
      const { lat, lon } = patchPixelLatLon(lat0, lon0, row, col, g);
      const p = offset + (row * g.size + col) * C;
      const dx = ((lon + 180) / 360) * img.day.width;
      const dy = ((90 - lat) / 180) * img.day.height;
      out[p] = Math.round(bilinear(img.day, dx, dy, 0));
      out[p + 1] = Math.round(bilinear(img.day, dx, dy, 1));
      out[p + 2] = Math.round(bilinear(img.day, dx, dy, 2));
      out[p + 3] = Math.round(
        bilinear(img.night, ((lon + 180) / 360) * img.night.width, ((90 - lat) / 180) * img.night.height, 0),
      );
      out[p + 4] = Math.round(
        bilinear(
          img.elevation,
          ((lon + 180) / 360) * img.elevation.width,
          ((90 - lat) / 180) * img.elevation.height,
          0,
        ),
      );
    }
  }
}

/**
 * The latitude/longitude bounding box of a patch's footprint, as [latMin, latMax] and a list
 * of longitude intervals (two when it wraps the antimeridian; [−180, 180] near the poles).
 */
export function patchFootprint(
  lat0: number,
  lon0: number,
  g: PatchGeometry,
): { lat: [number, number]; lon: Array<[number, number]> } {
  const halfKm = g.kmAcross / 2;
  const dLat = halfKm / KM_PER_DEG;
  const latMin = lat0 - dLat;
  const latMax = lat0 + dLat;
  if (latMax >= 90 || latMin <= -90) return { lat: [Math.max(-90, latMin), Math.min(90, latMax)], lon: [[-180, 180]] };
  const cosLat = Math.max(0.05, Math.cos(lat0 * DEG));
  const dLon = halfKm / (KM_PER_DEG * cosLat);
  if (dLon >= 180) return { lat: [latMin, latMax], lon: [[-180, 180]] };
  const a = lon0 - dLon;
  const b = lon0 + dLon;
  if (a < -180)
    return {
      lat: [latMin, latMax],
      lon: [
        [a + 360, 180],
        [-180, b],
      ],
    };
  if (b > 180)
    return {
      lat: [latMin, latMax],
      lon: [
        [a, 180],
        [-180, b - 360],
      ],
    };
  return { lat: [latMin, latMax], lon: [[a, b]] };
}

/** Do two footprints share any ground? */
export function footprintsOverlap(a: ReturnType<typeof patchFootprint>, b: ReturnType<typeof patchFootprint>): boolean {
  if (a.lat[1] <= b.lat[0] || b.lat[1] <= a.lat[0]) return false;
  for (const [a0, a1] of a.lon) for (const [b0, b1] of b.lon) if (a0 < b1 && b0 < a1) return true;
  return false;
}
