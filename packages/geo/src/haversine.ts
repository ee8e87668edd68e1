/**
 * Great-circle distance on a spherical Earth.
 *
 * Haversine formula (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984):
 *   a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2),  d = 2R · asin(√a)
 * R is the IUGG mean Earth radius R1 = 6371.0088 km (Moritz, "Geodetic Reference System 1980").
 */

/** Mean Earth radius in kilometres (IUGG R1). */
export const EARTH_RADIUS_KM = 6371.0088;

/** Kilometres per degree of latitude (and of longitude at the equator): πR/180. */
export const KM_PER_DEG = (Math.PI * EARTH_RADIUS_KM) / 180;

/** Half the Earth's circumference: the largest possible great-circle distance, in km. */
export const MAX_DISTANCE_KM = Math.PI * EARTH_RADIUS_KM;

const DEG = Math.PI / 180;

/** A point on the Earth in degrees (WGS84 latitude/longitude). */
export interface Coordinate {
  lat: number;
  lon: number;
}

/**
 * Throws a RangeError naming the value when a coordinate is not a finite latitude in
 * [-90, 90] and longitude in [-180, 180]. `where` is appended to the message, e.g. "in line 7 of test.csv".
 */
export function assertCoordinate(lat: number, lon: number, where = ""): void {
  const suffix = where ? ` ${where}` : "";
  if (typeof lat !== "number" || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw new RangeError(`latitude ${String(lat)} out of range [-90, 90]${suffix}`);
  }
  if (typeof lon !== "number" || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    throw new RangeError(`longitude ${String(lon)} out of range [-180, 180]${suffix}`);
  }
}

/** haversineKm without input checks, for hot loops over already-validated coordinates. */
export function haversineKmUnchecked(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const sinDLat = Math.sin(((lat2 - lat1) * DEG) / 2);
  const sinDLon = Math.sin(((lon2 - lon1) * DEG) / 2);
  const a = sinDLat * sinDLat + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * sinDLon * sinDLon;
  // min() guards against a > 1 from rounding near antipodes.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, a)));
}

/**
 * Great-circle distance in km between two coordinates.
 * @example
 * haversineKm({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 }); // ≈ 343.5
 */
export function haversineKm(a: Coordinate, b: Coordinate): number {
  assertCoordinate(a.lat, a.lon, "(first point)");
  assertCoordinate(b.lat, b.lon, "(second point)");
  return haversineKmUnchecked(a.lat, a.lon, b.lat, b.lon);
}

/**
 * Element-wise great-circle distances in km between (lat1[i], lon1[i]) and (lat2[i], lon2[i]).
 * @example
 * haversineKmBatch(Float64Array.of(0), Float64Array.of(0), Float64Array.of(0), Float64Array.of(180)); // [20015.1]
 */
export function haversineKmBatch(
  lat1: Float64Array,
  lon1: Float64Array,
  lat2: Float64Array,
  lon2: Float64Array,
): Float64Array {
  const n = lat1.length;
  if (lon1.length !== n || lat2.length !== n || lon2.length !== n) {
    throw new RangeError(
      `haversineKmBatch: arrays must have equal length, got ${n}, ${lon1.length}, ${lat2.length}, ${lon2.length}`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const la1 = lat1[i];
    const lo1 = lon1[i];
    const la2 = lat2[i];
    const lo2 = lon2[i];
    assertCoordinate(la1, lo1, `at index ${i} (first points)`);
    assertCoordinate(la2, lo2, `at index ${i} (second points)`);
    out[i] = haversineKmUnchecked(la1, lo1, la2, lo2);
  }
  return out;
}
