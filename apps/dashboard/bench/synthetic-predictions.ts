// Synthetic predictions for the map benchmark and the e2e map test: true points on land, 70% of
// them in 200 towns (Zipf-weighted, σ 0.3° around each, as photos gather in towns) and the rest
// anywhere on land; each predicted point displaced by a log-uniform distance (1–10,000 km) in a
// random direction; both labelled with the real Chain of Region, so the choropleth, histogram
// and layers see realistic data. Rows come in batches, so a million never sit in memory at once.
// They are fixtures, never shown as results of a model.
import { BUILTIN_ANSWER_COLUMNS, type NewPrediction } from "@geor/api";
import { type ChainOfRegion, haversineKmUnchecked, KM_PER_DEG, loadChainOfRegion } from "@geor/geo";

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

export const TOWN_COUNT = 200;
export const TOWN_SHARE = 0.7;
export const TOWN_SIGMA_DEG = 0.3;
/** Σ 1/(t + 1) over the towns: town t holds TOWN_SHARE / (ZIPF_SUM · (t + 1)) of the predictions. */
export const ZIPF_SUM = Array.from({ length: TOWN_COUNT }, (_, t) => 1 / (t + 1)).reduce((a, b) => a + b, 0);

/** Where the towns are (on land), the same for every run of a seed. */
export async function syntheticTowns(seed = 1): Promise<Array<{ lat: number; lon: number }>> {
  const cor = await loadChainOfRegion();
  const rand = random(seed * 7919);
  const towns: Array<{ lat: number; lon: number }> = [];
  while (towns.length < TOWN_COUNT) {
    const lat = rand() * 120 - 50;
    const lon = rand() * 360 - 180;
    if (cor.locate(lat, lon).country) towns.push({ lat, lon });
  }
  return towns;
}

function row(cor: ChainOfRegion, index: number, lat: number, lon: number, rand: () => number): NewPrediction | null {
  const truth = cor.locate(lat, lon);
  if (!truth.country) return null;
  const km = 10 ** (rand() * 4);
  const bearing = rand() * 2 * Math.PI;
  const pLat = Math.max(-89, Math.min(89, lat + (km / KM_PER_DEG) * Math.cos(bearing)));
  let pLon = lon + ((km / KM_PER_DEG) * Math.sin(bearing)) / Math.max(0.2, Math.cos((lat * Math.PI) / 180));
  pLon = ((((pLon + 180) % 360) + 360) % 360) - 180;
  const pred = cor.locate(pLat, pLon);
  return {
    ...BUILTIN_ANSWER_COLUMNS,
    sample_id: `synthetic-${index}`,
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
    error_km: haversineKmUnchecked(lat, lon, pLat, pLon),
    hit_country: pred.country?.iso2 === truth.country.iso2 ? 1 : 0,
    hit_admin1: pred.admin1?.code && pred.admin1.code === truth.admin1?.code ? 1 : 0,
    hit_place: pred.city?.name && pred.city.name === truth.city?.name ? 1 : 0,
  };
}

/** n predictions in batches of `batch` rows. */
export async function* syntheticPredictionBatches(
  n: number,
  batch = 10_000,
  seed = 1,
): AsyncGenerator<NewPrediction[]> {
  const cor = await loadChainOfRegion();
  const towns = await syntheticTowns(seed);
  const rand = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let made = 0;
  while (made < n) {
    const rows: NewPrediction[] = [];
    while (rows.length < Math.min(batch, n - made)) {
      let lat: number;
      let lon: number;
      if (rand() < TOWN_SHARE) {
        // Town t has weight 1/(t + 1): walk down the weights until u is spent.
        let t = 0;
        let u = rand() * ZIPF_SUM - 1;
        while (t < TOWN_COUNT - 1 && u > 0) u -= 1 / (++t + 1);
        lat = Math.max(-89.9, Math.min(89.9, towns[t]!.lat + TOWN_SIGMA_DEG * normal()));
        lon = ((towns[t]!.lon + TOWN_SIGMA_DEG * normal() + 540) % 360) - 180;
      } else {
        lat = Math.asin(2 * rand() - 1) * (180 / Math.PI) * 0.8;
        lon = rand() * 360 - 180;
      }
      const r = row(cor, made + rows.length, lat, lon, rand);
      if (r) rows.push(r);
    }
    made += rows.length;
    yield rows;
  }
}
