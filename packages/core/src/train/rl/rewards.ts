/**
 * RL rewards: functions of the great-circle error d (km) of a sampled chain's coordinate, all
 * in [0, 1] with 1 at d = 0, plus an optional consistency bonus.
 *
 * A reward is named by a spec string: `geor` (default), `exp:σ`, `geoscore`, `tiered`, `log`,
 * each optionally followed by `+consistency:w`.
 */
import { geoScore, THRESHOLDS_KM } from "@geor/geo";

/** The normaliser of the log reward in the Geo-R reference code (≈ half the circumference, km). */
const LOG_REWARD_MAX_KM = 20016;

/**
 * The reward of the Geo-R reference code: piecewise linear in km through
 * (0, 1.0) → (750, 0.5) → (3000, 0.2) → (20000, 0.0), and 0 beyond.
 */
export function rewardGeor(km: number): number {
  if (km <= 0) return 1;
  if (km <= 750) return 1 - (0.5 * km) / 750;
  if (km <= 3000) return 0.5 - (0.3 * (km - 750)) / 2250;
  if (km <= 20000) return 0.2 - (0.2 * (km - 3000)) / 17000;
  return 0;
}

/** exp(−d/σ): a smooth reward whose scale σ (km) sets the distance that still earns credit. */
export function rewardExp(sigmaKm: number): (km: number) => number {
  if (!(sigmaKm > 0)) throw new RangeError(`exp reward scale must be > 0 km, got ${sigmaKm}`);
  return (km) => Math.exp(-km / sigmaKm);
}

/** GeoScore / 5000 = exp(−d / 1492.7), the GeoGuessr score normalised to [0, 1]. */
export function rewardGeoScore(km: number): number {
  return geoScore(km) / 5000;
}

/** The mean of the indicators d ≤ t over the benchmark thresholds 1/25/200/750/2500 km. */
export function rewardTiered(km: number): number {
  let hits = 0;
  for (const t of THRESHOLDS_KM) if (km <= t) hits++;
  return hits / THRESHOLDS_KM.length;
}

/** 1 − log(1+d)/log(1+20016): rewards every halving of the error about equally. */
export function rewardLog(km: number): number {
  return Math.max(0, 1 - Math.log1p(km) / Math.log1p(LOG_REWARD_MAX_KM));
}

export interface RewardSpec {
  /** The spec string it was parsed from, normalised. */
  name: string;
  /** Distance part of the reward. */
  distance: (km: number) => number;
  /** Weight of the consistency bonus (0 = off). */
  consistency: number;
}

/** Parses `geor`, `exp:500`, `geoscore`, `tiered`, `log`, optionally `+consistency:0.2`. */
export function parseReward(spec: string): RewardSpec {
  const [base, ...extras] = spec.trim().split("+");
  const [kind, arg] = base.split(":");
  let distance: (km: number) => number;
  switch (kind) {
    case "geor":
      distance = rewardGeor;
      break;
    case "exp": {
      const sigma = Number(arg);
      if (arg === undefined || !Number.isFinite(sigma) || sigma <= 0) {
        throw new RangeError(`reward "${spec}": exp needs a positive scale in km, e.g. exp:500`);
      }
      distance = rewardExp(sigma);
      break;
    }
    case "geoscore":
      distance = rewardGeoScore;
      break;
    case "tiered":
      distance = rewardTiered;
      break;
    case "log":
      distance = rewardLog;
      break;
    default:
      throw new RangeError(`unknown reward "${kind}" in "${spec}" (use geor, exp:σ, geoscore, tiered or log)`);
  }
  let consistency = 0;
  for (const extra of extras) {
    const [name, w] = extra.split(":");
    const weight = w === undefined ? 0.2 : Number(w);
    if (name !== "consistency" || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`reward "${spec}": expected "+consistency" or "+consistency:w" with w ≥ 0, got "+${extra}"`);
    }
    consistency = weight;
  }
  const name = consistency > 0 ? `${base}+consistency:${consistency}` : base;
  return { name, distance, consistency };
}
