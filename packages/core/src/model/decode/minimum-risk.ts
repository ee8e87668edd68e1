import { haversineKmUnchecked } from "@geor/geo";
import type { DecodedChain } from "./decoded-chain.ts";

/**
 * Minimum-Bayes-risk choice among decoded chains: the candidate whose coordinate has the least
 * expected great-circle distance to the others, weighted by their chain probabilities. When the
 * model hesitates between far-apart regions this picks a hedge instead of a coin toss; when it
 * is sure it returns the best chain.
 */
export function minimumRiskChain(chains: DecodedChain[]): DecodedChain {
  if (chains.length <= 1) return chains[0];
  const w = chains.map((c) => Math.exp(c.logProb));
  let best = chains[0];
  let bestRisk = Number.POSITIVE_INFINITY;
  for (const a of chains) {
    let risk = 0;
    chains.forEach((b, i) => {
      risk += w[i] * haversineKmUnchecked(a.lat, a.lon, b.lat, b.lon);
    });
    if (risk < bestRisk) {
      bestRisk = risk;
      best = a;
    }
  }
  return best;
}
