/**
 * The model's class vocabularies, taken from the training split: countries, admin-1 classes and
 * geocells (places), plus the masks that keep a chain consistent (an admin-1 class only under
 * its country, a place only under its admin-1 class).
 *
 * The admin-1 level has two granularities (ModelConfig.regions):
 * - "groups" (default): one class per admin-1 group of the dataset's geocells, i.e. the
 *   admin-1 units after the geocell rule merged the sparse ones (fewer than minPerCell train
 *   samples) into their nearest neighbour. Every place then lies in exactly one class and a
 *   class has enough samples to learn; the unit reported for a prediction is the member unit
 *   that contains the predicted coordinate, else the one whose train centroid is nearest it
 *   (admin1Unit).
 * - "units": one class per admin-1 unit seen in train (2,422 classes on
 *   bluemarble-medium-overlap, ~8 samples each, finer than its 562 places).
 */
import type { Geocell } from "@geor/geo";
import { haversineKmUnchecked, sphericalMean } from "@geor/geo";
import type { Sample } from "../data/format.ts";
import type { ModelConfig } from "./config.ts";

/** A member unit of a merged admin-1 class, with its train centroid. */
export interface Admin1Unit {
  code: string;
  name: string;
  lat: number;
  lon: number;
}

export interface Vocab {
  countries: Array<{ iso2: string; name: string }>;
  /** Admin-1 classes: code and name of the class's largest unit; `units` when it merges several. */
  admin1: Array<{ code: string; name: string; country: number; units?: Admin1Unit[] }>;
  cells: Array<{ id: number; name: string; lat: number; lon: number; admin1: number[]; country: number }>;
}

export type RegionLevel = ModelConfig["regions"];

interface UnitStats {
  code: string;
  name: string;
  country: string;
  points: Array<{ lat: number; lon: number }>;
}

/** Builds the vocabularies from the train samples and the dataset's geocells. */
export function buildVocab(train: Sample[], cells: readonly Geocell[], regions: RegionLevel): Vocab {
  const countryIndex = new Map<string, number>();
  const countries: Vocab["countries"] = [];
  const units = new Map<string, UnitStats>();
  const sorted = [...train].sort(
    (a, b) =>
      (a.chain.country?.iso2 ?? "").localeCompare(b.chain.country?.iso2 ?? "") ||
      (a.chain.admin1?.code ?? "").localeCompare(b.chain.admin1?.code ?? ""),
  );
  for (const s of sorted) {
    const c = s.chain.country;
    const a = s.chain.admin1;
    if (!c || !a) continue;
    if (!countryIndex.has(c.iso2)) {
      countryIndex.set(c.iso2, countries.length);
      countries.push({ iso2: c.iso2, name: c.name });
    }
    const u = units.get(a.code) ?? { code: a.code, name: a.name, country: c.iso2, points: [] };
    u.points.push({ lat: s.lat, lon: s.lon });
    units.set(a.code, u);
  }

  // Each class: its member units (one, or a geocell group's seen units).
  const members: UnitStats[][] = [];
  if (regions === "units") {
    for (const u of units.values()) members.push([u]);
  } else {
    // The places of one group list the same units: the first place of a group makes its class.
    const grouped = new Set<string>();
    for (const cell of cells) {
      const seen = cell.admin1.flatMap((code) => {
        const u = units.get(code);
        return u && u.country === cell.country ? [u] : [];
      });
      if (seen.length === 0 || seen.some((u) => grouped.has(u.code))) continue;
      for (const u of seen) grouped.add(u.code);
      members.push(seen);
    }
    // Units no geocell lists (cells from another split) stay classes of their own.
    for (const u of units.values()) if (!grouped.has(u.code)) members.push([u]);
    const country = (m: UnitStats[]) => countryIndex.get(m[0].country) as number;
    members.sort((a, b) => country(a) - country(b) || a[0].code.localeCompare(b[0].code));
  }

  const admin1Index = new Map<string, number>();
  const admin1: Vocab["admin1"] = members.map((m, i) => {
    for (const u of m) admin1Index.set(u.code, i);
    const main = m.reduce((best, u) => (u.points.length > best.points.length ? u : best));
    const entry: Vocab["admin1"][number] = {
      code: main.code,
      name: main.name,
      country: countryIndex.get(main.country) as number,
    };
    if (m.length > 1) {
      entry.units = m.map((u) => ({ code: u.code, name: u.name, ...sphericalMean(u.points) }));
    }
    return entry;
  });
  const vocabCells: Vocab["cells"] = cells.map((cell) => ({
    id: cell.id,
    name: cell.name,
    lat: cell.lat,
    lon: cell.lon,
    admin1: [...new Set(cell.admin1.map((code) => admin1Index.get(code)).filter((i): i is number => i !== undefined))],
    country: countryIndex.get(cell.country) ?? -1,
  }));
  return { countries, admin1, cells: vocabCells };
}

/**
 * The admin-1 unit a prediction names: the class's unit itself; for a merged class, the member
 * that contains the predicted coordinate when `unitAt` (the Chain of Region's admin-1 lookup)
 * is given and names one, else the member whose train centroid is nearest the coordinate.
 */
export function admin1Unit(
  vocab: Vocab,
  a: number,
  lat: number,
  lon: number,
  unitAt?: (lat: number, lon: number) => string | null,
): { code: string; name: string } | null {
  const entry = vocab.admin1[a];
  if (!entry) return null;
  if (!entry.units) return { code: entry.code, name: entry.name };
  const code = unitAt?.(lat, lon);
  const inside = entry.units.find((u) => u.code === code);
  if (inside) return { code: inside.code, name: inside.name };
  let best = entry.units[0];
  let bestKm = Number.POSITIVE_INFINITY;
  for (const u of entry.units) {
    const km = haversineKmUnchecked(lat, lon, u.lat, u.lon);
    if (km < bestKm) {
      bestKm = km;
      best = u;
    }
  }
  return { code: best.code, name: best.name };
}

/** Token lookups: a country or admin-1 code to its class index, −1 when unseen in train. */
export class VocabIndex {
  private readonly country = new Map<string, number>();
  private readonly admin1 = new Map<string, number>();
  constructor(readonly vocab: Vocab) {
    for (const [i, c] of vocab.countries.entries()) this.country.set(c.iso2, i);
    for (const [i, a] of vocab.admin1.entries()) {
      this.admin1.set(a.code, i);
      for (const u of a.units ?? []) this.admin1.set(u.code, i);
    }
  }
  countryOf(iso2: string | undefined): number {
    return iso2 === undefined ? -1 : (this.country.get(iso2) ?? -1);
  }
  admin1Of(code: string | undefined): number {
    return code === undefined ? -1 : (this.admin1.get(code) ?? -1);
  }
}

/**
 * Additive masks (0 allowed, −1e9 not): [countries × admin1] and [admin1 × cells]. A place
 * whose admin-1 list is empty (an area unseen in train) is allowed under its country's units.
 */
export function chainMasks(vocab: Vocab): { countryAdmin1: Float32Array; admin1Cell: Float32Array } {
  const nC = vocab.countries.length;
  const nA = vocab.admin1.length;
  const nK = vocab.cells.length;
  const countryAdmin1 = new Float32Array(nC * nA).fill(-1e9);
  vocab.admin1.forEach((a, i) => {
    countryAdmin1[a.country * nA + i] = 0;
  });
  const admin1Cell = new Float32Array(nA * nK).fill(-1e9);
  for (const [a, places] of placesOfAdmin1(vocab).entries()) for (const k of places) admin1Cell[a * nK + k] = 0;
  return { countryAdmin1, admin1Cell };
}

/** The places open under each admin-1 class, in place order: the open entries of chainMasks' admin1Cell rows. */
export function placesOfAdmin1(vocab: Vocab): number[][] {
  const out: number[][] = vocab.admin1.map(() => []);
  vocab.cells.forEach((cell, k) => {
    const parents =
      cell.admin1.length > 0 ? cell.admin1 : vocab.admin1.flatMap((a, i) => (a.country === cell.country ? [i] : []));
    for (const a of parents) out[a].push(k);
  });
  return out;
}
