/**
 * The model's class vocabularies, taken from the training split: countries, admin-1 units and
 * geocells (places), plus the masks that keep a chain consistent (an admin-1 only under its
 * country, a place only under its admin-1).
 */
import type { Geocell } from "@geor/geo";
import type { Sample } from "../data/format.ts";

export interface Vocab {
  countries: Array<{ iso2: string; name: string }>;
  admin1: Array<{ code: string; name: string; country: number }>;
  cells: Array<{ id: number; name: string; lat: number; lon: number; admin1: number[]; country: number }>;
}

/** Builds the vocabularies from the train samples and the dataset's geocells. */
export function buildVocab(train: Sample[], cells: readonly Geocell[]): Vocab {
  const countryIndex = new Map<string, number>();
  const countries: Vocab["countries"] = [];
  const admin1Index = new Map<string, number>();
  const admin1: Vocab["admin1"] = [];
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
    if (!admin1Index.has(a.code)) {
      admin1Index.set(a.code, admin1.length);
      admin1.push({ code: a.code, name: a.name, country: countryIndex.get(c.iso2) as number });
    }
  }
  const vocabCells: Vocab["cells"] = cells.map((cell) => ({
    id: cell.id,
    name: cell.name,
    lat: cell.lat,
    lon: cell.lon,
    admin1: cell.admin1.map((code) => admin1Index.get(code)).filter((i): i is number => i !== undefined),
    country: countryIndex.get(cell.country) ?? -1,
  }));
  return { countries, admin1, cells: vocabCells };
}

/** Token lookups: a country or admin-1 code to its class index, −1 when unseen in train. */
export class VocabIndex {
  private readonly country = new Map<string, number>();
  private readonly admin1 = new Map<string, number>();
  constructor(readonly vocab: Vocab) {
    for (const [i, c] of vocab.countries.entries()) this.country.set(c.iso2, i);
    for (const [i, a] of vocab.admin1.entries()) this.admin1.set(a.code, i);
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
  vocab.cells.forEach((cell, k) => {
    const parents =
      cell.admin1.length > 0 ? cell.admin1 : vocab.admin1.flatMap((a, i) => (a.country === cell.country ? [i] : []));
    for (const a of parents) admin1Cell[a * nK + k] = 0;
  });
  return { countryAdmin1, admin1Cell };
}
