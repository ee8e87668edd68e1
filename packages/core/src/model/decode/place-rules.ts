/**
 * Place rules: the answer's place (or point) chosen from one image's place distribution, over the
 * places that carry it, the spherical mean and median among them.
 */
import { haversineKmUnchecked, sphericalMean, sphericalMedian } from "@geor/geo";
import { topK } from "./top-k.ts";

/** How the answer's place is chosen from an image's place distribution p(k). */
export type PlaceRule =
  /** The most probable place. */
  | { kind: "mode" }
  /** The place with the least expected great-circle distance to the distribution. */
  | { kind: "risk" }
  /** The place with the most probability within `km` of its centre. */
  | { kind: "within"; km: number }
  /**
   * The chain through the most probable place, but the coordinate is the spherical mean of the
   * place centres weighted by p(k)^(1/temperature): a hedge towards the middle when the model is
   * unsure (the answer the regression head learns), at the cost of close hits.
   */
  | { kind: "mean"; temperature: number }
  /**
   * The answer with the least expected great-circle error under p(k)^(1/temperature): the spherical
   * geometric median of the place centres. When a place holds at least half the weight the median
   * is that place (then its chain and offset as usual); otherwise a point between the places, with
   * the chain through the most probable place.
   */
  | { kind: "median"; temperature: number };

/** Places that carry the distribution in risk and within rules, and candidates among them. */
const SUPPORT = 64;
const CANDIDATES = 16;

/**
 * The place `rule` chooses from p(k) = `p[from … from + n)`. The risk and within rules weigh
 * the `SUPPORT` most probable places and choose among the `CANDIDATES` most probable, so an
 * answer is always a place the model itself finds likely.
 */
export function choosePlace(
  p: Float32Array | Float64Array,
  from: number,
  n: number,
  cells: ReadonlyArray<{ lat: number; lon: number }>,
  rule: PlaceRule,
): number {
  if (rule.kind === "mode" || rule.kind === "mean") return topK(p, from, n, 1)[0];
  if (rule.kind === "median") {
    const m = placeMedian(p, from, n, cells, rule.temperature);
    return m.place >= 0 ? m.place : topK(p, from, n, 1)[0];
  }
  const support = topK(p, from, n, Math.min(SUPPORT, n));
  let best = support[0];
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const k of support.slice(0, CANDIDATES)) {
    let score = 0;
    for (const j of support) {
      const d = haversineKmUnchecked(cells[k].lat, cells[k].lon, cells[j].lat, cells[j].lon);
      score += rule.kind === "risk" ? -p[from + j] * d : d <= rule.km ? p[from + j] : 0;
    }
    // Candidates come most probable first, so a tie keeps the more probable place.
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = k;
    }
  }
  return best;
}

/** The spherical mean of the `SUPPORT` most probable place centres, weighted by p^(1/temperature). */
export function placeMean(
  p: Float32Array | Float64Array,
  from: number,
  n: number,
  cells: ReadonlyArray<{ lat: number; lon: number }>,
  temperature: number,
): { lat: number; lon: number } {
  const support = topK(p, from, n, Math.min(SUPPORT, n));
  const points = support.map((k) => cells[k]);
  const weights = support.map((k) => p[from + k] ** (1 / temperature));
  return sphericalMean(points, weights);
}

/**
 * The spherical geometric median of the `SUPPORT` most probable place centres, weighted by
 * p^(1/temperature); `place` is the place it coincides with, or −1.
 */
export function placeMedian(
  p: Float32Array | Float64Array,
  from: number,
  n: number,
  cells: ReadonlyArray<{ lat: number; lon: number }>,
  temperature: number,
): { lat: number; lon: number; place: number } {
  const support = topK(p, from, n, Math.min(SUPPORT, n));
  const m = sphericalMedian(
    support.map((k) => cells[k]),
    support.map((k) => p[from + k] ** (1 / temperature)),
  );
  return { lat: m.lat, lon: m.lon, place: m.at >= 0 ? support[m.at] : -1 };
}
