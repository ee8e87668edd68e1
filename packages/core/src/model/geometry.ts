/**
 * Coordinates on a local tangent plane around a cell centre, in units of 100 km (north, east):
 * the target of the offset head and its inverse. Equirectangular around the centre, accurate to
 * well under 1% within a few hundred km, which is the size of a cell.
 */
import { KM_PER_DEG } from "@geor/geo";

const DEG = Math.PI / 180;
export const OFFSET_UNIT_KM = 100;

export function offsetOf(lat0: number, lon0: number, lat: number, lon: number): [number, number] {
  let dLon = lon - lon0;
  if (dLon > 180) dLon -= 360;
  if (dLon < -180) dLon += 360;
  const north = ((lat - lat0) * KM_PER_DEG) / OFFSET_UNIT_KM;
  const east = (dLon * KM_PER_DEG * Math.cos(lat0 * DEG)) / OFFSET_UNIT_KM;
  return [north, east];
}

export function applyOffset(lat0: number, lon0: number, north: number, east: number): { lat: number; lon: number } {
  let lat = lat0 + (north * OFFSET_UNIT_KM) / KM_PER_DEG;
  let lon = lon0 + (east * OFFSET_UNIT_KM) / (KM_PER_DEG * Math.max(0.05, Math.cos(lat0 * DEG)));
  if (lat > 90) lat = 90;
  if (lat < -90) lat = -90;
  lon = ((((lon + 180) % 360) + 360) % 360) - 180;
  return { lat, lon };
}

/** Unit-sphere xyz of a coordinate (the regress head's target). */
export function toXyz(lat: number, lon: number): [number, number, number] {
  const cl = Math.cos(lat * DEG);
  return [cl * Math.cos(lon * DEG), cl * Math.sin(lon * DEG), Math.sin(lat * DEG)];
}

export function fromXyz(x: number, y: number, z: number): { lat: number; lon: number } {
  const h = Math.hypot(x, y);
  if (h < 1e-12 && Math.abs(z) < 1e-12) return { lat: 0, lon: 0 };
  return { lat: Math.atan2(z, h) / DEG, lon: Math.atan2(y, x) / DEG };
}
