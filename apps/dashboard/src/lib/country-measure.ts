// What the country choropleth shows: the share of a country's predictions within a distance
// threshold, or the share whose chain is right at a level (country / admin-1 / place).
import { THRESHOLDS_KM, type ThresholdKm } from "@geor/geo/constants";
import { type ChainLevel, parseLevel } from "./explorer-state";

export type Measure = { kind: "km"; km: ThresholdKm } | { kind: "level"; level: ChainLevel };

export type CountryBreakdownRow = {
  iso2: string;
  name: string;
  n: number;
  medianKm: number;
  thresholds: ReadonlyArray<{ km: number; accuracy: number }>;
};

export type CountryStat = { iso2: string; name: string; n: number; medianKm: number; value: number | null };

export function parseMeasure(params: { get(name: string): string | null }): Measure {
  const level = parseLevel(params.get("level"));
  if (level) return { kind: "level", level };
  const km = Number(params.get("threshold"));
  return { kind: "km", km: (THRESHOLDS_KM as readonly number[]).includes(km) ? (km as ThresholdKm) : 750 };
}

export function measureLabel(m: Measure): string {
  return m.kind === "km" ? `accuracy ≤ ${m.km} km` : `${m.level.toLowerCase()} correct`;
}

/**
 * Joins the per-country breakdown with, for a level measure, the breakdown restricted to hits at
 * that level (its `n` per country is the number of hits).
 */
export function countryStats(
  all: readonly CountryBreakdownRow[],
  measure: Measure,
  hits?: readonly CountryBreakdownRow[] | null,
): Map<string, CountryStat> {
  const hitsByCountry = new Map((hits ?? []).map((r) => [r.iso2, r.n]));
  const out = new Map<string, CountryStat>();
  for (const row of all) {
    let value: number | null;
    if (measure.kind === "km") value = row.thresholds.find((a) => a.km === measure.km)?.accuracy ?? null;
    else value = hits ? (hitsByCountry.get(row.iso2) ?? 0) / row.n : null;
    out.set(row.iso2, { iso2: row.iso2, name: row.name, n: row.n, medianKm: row.medianKm, value });
  }
  return out;
}
