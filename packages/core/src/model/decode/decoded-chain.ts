/** What decoding answers: a chain of tokens with the probability of each level and a coordinate. */
import type { GeoModel } from "../network.ts";
import { safeLog } from "./probabilities.ts";

/** One decoded chain: tokens (−1 where the head has no such level), per-level probabilities, coordinate. */
export interface DecodedChain {
  country: number;
  admin1: number;
  cell: number;
  /** p(country), p(admin-1 | country), p(place | admin-1); for flat, marginals of the place distribution. */
  probs: { country: number; admin1: number; cell: number };
  logProb: number;
  lat: number;
  lon: number;
}

/** A decoded chain from its tokens, level probabilities and coordinate; log p(chain) sums the levels'. */
export const chainOf = (
  country: number,
  admin1: number,
  cell: number,
  probs: DecodedChain["probs"],
  { lat, lon }: { lat: number; lon: number },
): DecodedChain => ({
  country,
  admin1,
  cell,
  probs,
  logProb: safeLog(probs.country) + safeLog(probs.admin1) + safeLog(probs.cell),
  lat,
  lon,
});

/**
 * Flat head: the probability of each country and admin-1 class under one image's place
 * distribution `pk[from …)`, each place counted under its country and its first admin-1 class.
 */
export function levelMarginals(
  cells: GeoModel["vocab"]["cells"],
  nC: number,
  pk: Float32Array,
  from: number,
): { pCountry: Float64Array; pAdmin: Map<number, number> } {
  const pCountry = new Float64Array(nC);
  const pAdmin = new Map<number, number>();
  cells.forEach((cell, k) => {
    const p = pk[from + k];
    if (cell.country >= 0) pCountry[cell.country] += p;
    const a = cell.admin1[0] ?? -1;
    pAdmin.set(a, (pAdmin.get(a) ?? 0) + p);
  });
  return { pCountry, pAdmin };
}
