/** An external run's scored prediction (core's ExternalScorer) as the row the store keeps. */
import type { ScoredExternalPrediction } from "@geor/core";
import type { PredictionBatch } from "../store/index.ts";

const flag = (b: boolean | null | undefined) => (b == null ? null : b ? 1 : 0);

/** The stated names that did not resolve, as JSON ({"city": "Atlantis"}), or null. */
function unresolvedNames(p: ScoredExternalPrediction): string | null {
  const u = p.stated?.unresolved;
  if (!u) return null;
  const named = Object.entries(u).filter(([, name]) => name !== null);
  return named.length === 0 ? null : JSON.stringify(Object.fromEntries(named));
}

/**
 * Appends the row to the batch's columns: at a million rows an upload's rows are never objects of
 * their own (see PredictionBatch; NaN is null in its float columns).
 */
export function appendExternalRow(p: ScoredExternalPrediction, batch: PredictionBatch): void {
  const t = p.truth.chain;
  const c = p.predicted?.chain ?? null;
  const s = p.stated;
  const col = batch.columns;
  const i = batch.addRow();
  col.sample_id[i] = p.sampleId;
  col.split[i] = p.truth.split;
  col.true_lat[i] = p.truth.lat;
  col.true_lon[i] = p.truth.lon;
  col.true_continent[i] = t.continent?.code ?? null;
  col.true_country[i] = t.country?.iso2 ?? null;
  col.true_country_name[i] = t.country?.name ?? null;
  col.true_admin1[i] = t.admin1?.code ?? null;
  col.true_admin1_name[i] = t.admin1?.name ?? null;
  col.true_city[i] = t.city?.name ?? null;
  col.true_cell[i] = p.truth.cell;
  col.pred_country[i] = c?.country?.iso2 ?? null;
  col.pred_country_name[i] = c?.country?.name ?? null;
  col.pred_country_p[i] = Number.NaN;
  col.pred_admin1[i] = c?.admin1?.code ?? null;
  col.pred_admin1_name[i] = c?.admin1?.name ?? null;
  col.pred_admin1_p[i] = Number.NaN;
  col.pred_cell[i] = c?.place.cell ?? null;
  col.pred_place_name[i] = c?.place.name ?? null;
  col.pred_place_p[i] = Number.NaN;
  col.pred_lat[i] = p.predicted?.lat ?? Number.NaN;
  col.pred_lon[i] = p.predicted?.lon ?? Number.NaN;
  col.confidence[i] = p.confidence ?? Number.NaN;
  col.error_km[i] = p.errorKm;
  col.hit_country[i] = p.hits.country ? 1 : 0;
  col.hit_admin1[i] = p.hits.admin1 ? 1 : 0;
  col.hit_place[i] = p.hits.place ? 1 : 0;
  col.answer[i] = p.answer;
  col.parsed[i] = p.parsed ? 1 : 0;
  col.stated_country[i] = s?.country?.iso2 ?? null;
  col.stated_country_name[i] = s?.country?.name ?? null;
  // A Natural Earth region above admin-1 has a name and no code of its own.
  col.stated_admin1[i] = s?.admin1?.kind === "admin1" ? (s.admin1.codes[0] ?? null) : null;
  col.stated_admin1_name[i] = s?.admin1?.name ?? null;
  col.stated_city[i] = s?.city ? String(s.city.id) : null;
  col.stated_city_name[i] = s?.city?.name ?? null;
  col.stated_unresolved[i] = unresolvedNames(p);
  col.stated_hit_country[i] = flag(p.statedHits?.country);
  col.stated_hit_admin1[i] = flag(p.statedHits?.admin1);
  col.stated_hit_city[i] = flag(p.statedHits?.city);
  col.consistent[i] = flag(p.consistent);
}
