// Synthetic predictions for the map benchmark: true points spread over land, each predicted point
// displaced by a log-uniform distance (1–10,000 km) in a random direction, both labelled with the
// real Chain of Region, so the dashboard's choropleth, histogram and layers see realistic data.
// They are benchmark fixtures, never shown as results of a model.
import { haversineKmUnchecked, KM_PER_DEG, loadChainOfRegion } from "@geor/geo";

export type SyntheticPrediction = Record<string, string | number | null>;

/** A small deterministic PRNG (mulberry32), so every run draws the same points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function syntheticPredictions(n: number, seed = 1): Promise<SyntheticPrediction[]> {
  const cor = await loadChainOfRegion();
  const rand = random(seed);
  const out: SyntheticPrediction[] = [];
  while (out.length < n) {
    const lat = Math.asin(2 * rand() - 1) * (180 / Math.PI) * 0.8;
    const lon = rand() * 360 - 180;
    const truth = cor.locate(lat, lon);
    if (!truth.country) continue;
    const km = 10 ** (rand() * 4);
    const bearing = rand() * 2 * Math.PI;
    const pLat = Math.max(-89, Math.min(89, lat + (km / KM_PER_DEG) * Math.cos(bearing)));
    let pLon = lon + ((km / KM_PER_DEG) * Math.sin(bearing)) / Math.max(0.2, Math.cos((lat * Math.PI) / 180));
    pLon = ((((pLon + 180) % 360) + 360) % 360) - 180;
    const pred = cor.locate(pLat, pLon);
    const errorKm = haversineKmUnchecked(lat, lon, pLat, pLon);
    out.push({
      sample_id: `synthetic-${out.length}`,
      split: "test",
      true_lat: lat,
      true_lon: lon,
      true_continent: truth.continent?.code ?? null,
      true_country: truth.country.iso2,
      true_country_name: truth.country.name,
      true_admin1: truth.admin1?.code ?? null,
      true_admin1_name: truth.admin1?.name ?? null,
      true_city: truth.city?.name ?? null,
      true_cell: 0,
      pred_country: pred.country?.iso2 ?? null,
      pred_country_name: pred.country?.name ?? null,
      pred_country_p: 0.5,
      pred_admin1: pred.admin1?.code ?? null,
      pred_admin1_name: pred.admin1?.name ?? null,
      pred_admin1_p: 0.5,
      pred_cell: 0,
      pred_place_name: pred.city?.name ?? null,
      pred_place_p: 0.5,
      pred_lat: pLat,
      pred_lon: pLon,
      confidence: 0.25,
      error_km: errorKm,
      hit_country: pred.country?.iso2 === truth.country.iso2 ? 1 : 0,
      hit_admin1: pred.admin1?.code && pred.admin1.code === truth.admin1?.code ? 1 : 0,
      hit_place: pred.city?.name && pred.city.name === truth.city?.name ? 1 : 0,
    });
  }
  return out;
}
