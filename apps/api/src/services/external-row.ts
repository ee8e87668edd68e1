/** An external run's scored prediction (core's ExternalScorer) as the row the store keeps. */
import type { ScoredExternalPrediction } from "@geor/core";
import type { NewPrediction } from "../store/types.ts";

const flag = (b: boolean | null | undefined) => (b == null ? null : b ? 1 : 0);

export function externalRow(p: ScoredExternalPrediction): NewPrediction {
  const t = p.truth.chain;
  const c = p.predicted?.chain ?? null;
  const s = p.stated;
  const unresolved = s ? Object.entries(s.unresolved).filter(([, name]) => name !== null) : [];
  return {
    sample_id: p.sampleId,
    split: p.truth.split,
    true_lat: p.truth.lat,
    true_lon: p.truth.lon,
    true_continent: t.continent?.code ?? null,
    true_country: t.country?.iso2 ?? null,
    true_country_name: t.country?.name ?? null,
    true_admin1: t.admin1?.code ?? null,
    true_admin1_name: t.admin1?.name ?? null,
    true_city: t.city?.name ?? null,
    true_cell: p.truth.cell,
    pred_country: c?.country?.iso2 ?? null,
    pred_country_name: c?.country?.name ?? null,
    pred_country_p: null,
    pred_admin1: c?.admin1?.code ?? null,
    pred_admin1_name: c?.admin1?.name ?? null,
    pred_admin1_p: null,
    pred_cell: c?.place.cell ?? null,
    pred_place_name: c?.place.name ?? null,
    pred_place_p: null,
    pred_lat: p.predicted?.lat ?? null,
    pred_lon: p.predicted?.lon ?? null,
    confidence: p.confidence,
    error_km: p.errorKm,
    hit_country: p.hits.country ? 1 : 0,
    hit_admin1: p.hits.admin1 ? 1 : 0,
    hit_place: p.hits.place ? 1 : 0,
    answer: p.answer,
    parsed: p.parsed ? 1 : 0,
    stated_country: s?.country?.iso2 ?? null,
    stated_country_name: s?.country?.name ?? null,
    // A Natural Earth region above admin-1 has a name and no code of its own.
    stated_admin1: s?.admin1?.kind === "admin1" ? (s.admin1.codes[0] ?? null) : null,
    stated_admin1_name: s?.admin1?.name ?? null,
    stated_city: s?.city ? String(s.city.id) : null,
    stated_city_name: s?.city?.name ?? null,
    stated_unresolved: unresolved.length > 0 ? JSON.stringify(Object.fromEntries(unresolved)) : null,
    stated_hit_country: flag(p.statedHits?.country),
    stated_hit_admin1: flag(p.statedHits?.admin1),
    stated_hit_city: flag(p.statedHits?.city),
    consistent: flag(p.consistent),
  };
}
