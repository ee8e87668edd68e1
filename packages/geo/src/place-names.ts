/**
 * Stated chains: the places a prediction names as text ({"Country": "USA", "State":
 * "California", "City": "San Francisco"}), resolved to the Chain of Region's units, so that a
 * stated chain can be scored level by level against the true one.
 *
 * Rules (docs/method.md, "Stated chains: resolving names", has examples):
 * 1. Names compare by key (name-keys.ts): accents, case, punctuation and spacing ignored.
 * 2. Country: any name or alias the table knows (place-names-data.ts), in 78 languages, mapped
 *    to the Chain of Region's country (Réunion → FR, England → GB); "the" and designator words
 *    optional ("Vatican City"). A name that fits two countries ("Congo") resolves to none.
 * 3. Admin-1 and city resolve within the stated country; with none resolved, within the country
 *    of the resolved admin-1 (cities only); with neither, only when the name belongs to one
 *    country's units or cities.
 * 4. Admin-1: a unit's own names first, then the groups Natural Earth records (regions such as
 *    Île-de-France, map units such as England): a group covers all of its admin-1 codes. Then
 *    the same without designator words ("Tokyo Prefecture", "Ontario Province", "Provincia di
 *    Milano"), then postal codes ("CA").
 * 5. City: the most populous place of that name in the country ("Paris" in the US is Paris,
 *    Texas); "City" around a name is optional ("New York" = "New York City").
 * 6. A stated name that does not resolve is kept, trimmed, in `unresolved`; names not stated
 *    (absent, null or blank) are null in both.
 */
import type { City, Country } from "./chain-of-region.ts";
import { defaultCacheDir } from "./chain-of-region.ts";
import { bareCityKey, bareKey, nameKey } from "./name-keys.ts";
import {
  assertPlaceNameFormat,
  buildPlaceNameTable,
  type PlaceNameTable,
  placeNamesCacheFile,
  placeNamesSource,
  readPlaceNameTable,
  writePlaceNameTable,
} from "./place-names-data.ts";

export interface StatedNames {
  country?: string | null;
  admin1?: string | null;
  city?: string | null;
}

/** A stated admin-1 level: one unit ("admin1") or a group of units ("region"). */
export interface StatedAdmin1 {
  /** The unit's Chain-of-Region name, or the group's name as Natural Earth spells it. */
  name: string;
  kind: "admin1" | "region";
  /** The Chain-of-Region admin-1 codes the stated name covers: right when it includes the truth's. */
  codes: readonly string[];
}

export interface StatedCity {
  id: number;
  name: string;
}

export interface StatedUnits {
  country: Country | null;
  admin1: StatedAdmin1 | null;
  city: StatedCity | null;
  /** The stated names (trimmed) that resolved to nothing; null where nothing was stated or it resolved. */
  unresolved: { country: string | null; admin1: string | null; city: string | null };
}

export interface PlaceNamesOptions {
  /** Where the built table is cached. Default: $GEOR_CACHE_DIR, else the package's .cache/. */
  cacheDir?: string;
  /** Called with progress messages while a missing table is built. Default: stderr. */
  onProgress?: (message: string) => void;
}

interface Admin1Hit {
  iso2: string;
  value: StatedAdmin1;
}

/** Memo tables are cleared when they reach this size, so memory stays bounded on any input. */
const MEMO_LIMIT = 200_000;

function memoSet<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** The blank-trimmed name, or null when nothing was stated. */
function stated(name: string | null | undefined): string | null {
  if (typeof name !== "string") return null;
  const t = name.trim();
  return t === "" ? null : t;
}

export class PlaceNames {
  private readonly countryByKey = new Map<string, Country>();
  /** Admin-1 key → its first entry; a key's entries are adjacent, one per country. */
  private readonly admin1First = new Map<string, number>();
  private readonly admin1Keys: string[];
  private readonly admin1Country: string[];
  private readonly admin1Names: string[];
  private readonly admin1Offsets: Int32Array;
  private readonly admin1Units: Int32Array;
  private readonly admin1Cache: Array<Admin1Hit | undefined>;
  private readonly unitCodes: string[];
  private readonly unitNames: string[];
  private readonly cityFirst = new Map<string, number>();
  private readonly cityOffsets: Int32Array;
  private readonly cityLists: Int32Array;
  private readonly cityIds: Int32Array;
  private readonly cityNames: string[];
  private readonly cityCountries: string[];
  private readonly cityCache: Array<StatedCity | undefined>;
  private readonly keyMemo = new Map<string, string>();
  private readonly resolveMemo = new Map<string, StatedUnits>();

  constructor(table: PlaceNameTable) {
    assertPlaceNameFormat(table);
    const iso2s = table.countries.iso2.split("\n");
    const countryNames = table.countries.names.split("\n");
    const countries = iso2s.map((iso2, i) => Object.freeze({ iso2, name: countryNames[i] }));
    table.countryKeys.keys.split("\n").forEach((key, i) => {
      this.countryByKey.set(key, countries[table.countryKeys.country[i]]);
    });

    this.unitCodes = table.units.codes.split("\n");
    this.unitNames = table.units.names.split("\n");
    this.admin1Keys = table.admin1.keys.split("\n");
    this.admin1Country = table.admin1.country.map((c) => iso2s[c]);
    this.admin1Names = table.admin1.names.split("\n");
    this.admin1Offsets = Int32Array.from(table.admin1.offsets);
    this.admin1Units = Int32Array.from(table.admin1.units);
    this.admin1Cache = new Array(this.admin1Keys.length);
    for (let i = this.admin1Keys.length - 1; i >= 0; i--) this.admin1First.set(this.admin1Keys[i], i);

    table.cityKeys.keys.split("\n").forEach((key, i) => {
      this.cityFirst.set(key, i);
    });
    this.cityOffsets = Int32Array.from(table.cityKeys.offsets);
    this.cityLists = Int32Array.from(table.cityKeys.cities);
    this.cityIds = Int32Array.from(table.cities.ids);
    this.cityNames = table.cities.names.split("\n");
    this.cityCountries = table.cities.countries.split("\n");
    this.cityCache = new Array(this.cityIds.length);
  }

  /**
   * Resolves a stated chain (rules in the file comment). The returned objects are frozen and
   * shared between calls with the same names.
   * @example
   * names.resolve({ country: "USA", admin1: "California", city: "San Francisco" });
   * // { country: { iso2: "US", … }, admin1: { name: "California", kind: "admin1", codes: ["US-CA"] },
   * //   city: { id: 5391959, name: "San Francisco" }, unresolved: { country: null, admin1: null, city: null } }
   */
  resolve(names: StatedNames): StatedUnits {
    const country = stated(names.country);
    const admin1 = stated(names.admin1);
    const city = stated(names.city);
    const memoKey = `${country ?? ""}\u0001${admin1 ?? ""}\u0001${city ?? ""}`;
    const hit = this.resolveMemo.get(memoKey);
    if (hit) return hit;

    const c = country === null ? null : this.country(country);
    const a = admin1 === null ? null : this.admin1Hit(admin1, c?.iso2 ?? null);
    const ci = city === null ? null : this.city(city, c?.iso2 ?? a?.iso2 ?? null);
    const result: StatedUnits = Object.freeze({
      country: c,
      admin1: a?.value ?? null,
      city: ci,
      unresolved: Object.freeze({
        country: c === null ? country : null,
        admin1: a === null ? admin1 : null,
        city: ci === null ? city : null,
      }),
    });
    return memoSet(this.resolveMemo, memoKey, result);
  }

  /**
   * The country a name (or alias, or ISO code) stands for, or null; a leading "the" and
   * designator words are optional ("the Philippines", "Vatican City").
   */
  country(name: string): Country | null {
    const key = this.key(name);
    const found = this.countryByKey.get(key);
    if (found) return found;
    const unprefixed = key.startsWith("the ") ? key.slice(4) : key;
    const bare = bareKey(unprefixed);
    return this.countryByKey.get(unprefixed) ?? (bare === null ? null : (this.countryByKey.get(bare) ?? null));
  }

  /** The admin-1 unit or region a name stands for within country iso2 (or unambiguously, without). */
  admin1(name: string, iso2: string | null = null): StatedAdmin1 | null {
    return this.admin1Hit(name, iso2)?.value ?? null;
  }

  /** The city a name stands for within country iso2 (or unambiguously, without): the most populous of that name. */
  city(name: string, iso2: string | null = null): StatedCity | null {
    const key = this.key(name);
    let k = this.cityFirst.get(key);
    if (k === undefined) {
      const bare = bareCityKey(key);
      k = bare === null ? undefined : this.cityFirst.get(bare);
    }
    if (k === undefined) return null;
    const start = this.cityOffsets[k];
    const end = this.cityOffsets[k + 1];
    if (iso2 === null) {
      const first = this.cityCountries[this.cityLists[start]];
      for (let j = start + 1; j < end; j++) if (this.cityCountries[this.cityLists[j]] !== first) return null;
      return this.cityAt(this.cityLists[start]);
    }
    for (let j = start; j < end; j++) {
      if (this.cityCountries[this.cityLists[j]] === iso2) return this.cityAt(this.cityLists[j]);
    }
    return null;
  }

  /**
   * Whether a stated city name names the true city: its GeoNames name compared by key, "City"
   * optional on either side ("New York" = "New York City", "sao paulo" = "São Paulo").
   */
  sameCity(statedName: string, truth: Pick<City, "name">): boolean {
    const s = this.key(statedName);
    const t = this.key(truth.name);
    if (s === "" || t === "") return false;
    if (s === t) return true;
    const sb = bareCityKey(s);
    const tb = bareCityKey(t);
    return sb === t || tb === s || (sb !== null && sb === tb);
  }

  private admin1Hit(name: string, iso2: string | null): Admin1Hit | null {
    const key = this.key(name);
    const exact = this.pick(key, iso2);
    if (exact) return exact;
    const bare = bareKey(key);
    return bare === null ? null : this.pick(bare, iso2);
  }

  /** The entry of `key` in country iso2, or with iso2 null the key's only entry. */
  private pick(key: string, iso2: string | null): Admin1Hit | null {
    const first = this.admin1First.get(key);
    if (first === undefined) return null;
    let end = first + 1;
    while (end < this.admin1Keys.length && this.admin1Keys[end] === key) end++;
    if (iso2 === null) return end - first === 1 ? this.admin1At(first) : null;
    for (let i = first; i < end; i++) if (this.admin1Country[i] === iso2) return this.admin1At(i);
    return null;
  }

  private admin1At(i: number): Admin1Hit {
    let hit = this.admin1Cache[i];
    if (!hit) {
      const units = this.admin1Units.subarray(this.admin1Offsets[i], this.admin1Offsets[i + 1]);
      const codes = Object.freeze(Array.from(units, (u) => this.unitCodes[u]));
      const name = this.admin1Names[i] || this.unitNames[units[0]];
      const value = Object.freeze({ name, kind: codes.length === 1 ? "admin1" : "region", codes } as const);
      hit = { iso2: this.admin1Country[i], value };
      this.admin1Cache[i] = hit;
    }
    return hit;
  }

  private cityAt(i: number): StatedCity {
    let c = this.cityCache[i];
    if (!c) {
      c = Object.freeze({ id: this.cityIds[i], name: this.cityNames[i] });
      this.cityCache[i] = c;
    }
    return c;
  }

  private key(name: string): string {
    return this.keyMemo.get(name) ?? memoSet(this.keyMemo, name, nameKey(name));
  }
}

const loaded = new Map<string, Promise<PlaceNames>>();

/**
 * Loads the place-name resolver, building and caching its table on first use (about 5 s of CPU once, for
 * reading the admin-1 GeoJSON; later loads read one JSON file). Calls with the same cache
 * directory share one instance.
 * @example
 * const names = await loadPlaceNames();
 * names.resolve({ country: "France", admin1: "Île-de-France" }).admin1?.codes.includes("FR-75"); // true
 */
export function loadPlaceNames(opts: PlaceNamesOptions = {}): Promise<PlaceNames> {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  let promise = loaded.get(cacheDir);
  if (!promise) {
    promise = Promise.resolve().then(() => {
      const log = opts.onProgress ?? ((m: string) => process.stderr.write(`${m}\n`));
      const source = placeNamesSource();
      const file = placeNamesCacheFile(cacheDir);
      let table = readPlaceNameTable(file, source);
      if (!table) {
        const t0 = Date.now();
        log(`Place names: building the name table (one time, cached in ${file}) …`);
        table = buildPlaceNameTable(source);
        writePlaceNameTable(file, table);
        log(
          `Place names: ${table.admin1.country.length} admin-1 and ${table.cityKeys.offsets.length - 1} city names in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
      }
      return new PlaceNames(table);
    });
    loaded.set(cacheDir, promise);
    promise.catch(() => loaded.delete(cacheDir));
  }
  return promise;
}
