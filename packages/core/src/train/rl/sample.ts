/**
 * Sampling G chains per image from the chain policy for RL (GRPO's group): each level sampled
 * conditioned on the token sampled above, the offset optionally sampled from a Gaussian around
 * the offset head's.
 */
import * as tf from "@tensorflow/tfjs";
import { probabilities, safeLog, values } from "../../model/decode/probabilities.ts";
import { applyOffset } from "../../model/geometry.ts";
import type { GeoModel } from "../../model/network.ts";

/** G chains sampled per image (chain head): tokens, log-probabilities and coordinates. */
export interface SampledChains {
  /** Images × G. */
  n: number;
  /** [n × 3]: country, admin-1, place. */
  tokens: Int32Array;
  /** [n × 3]: log-probability of each level's token at the sampling temperature 1. */
  levelLogProbs: Float32Array;
  /** [n]: sum of the level log-probabilities. */
  logProbs: Float32Array;
  /** [n × 2]: the (north, east) offset actions from the place's centre, in 100 km. */
  offsets: Float32Array;
  /**
   * [n]: log-density of each offset under the Gaussian offset policy N(offset head, σ²), without
   * its constant (which cancels in probability ratios); 0 when the offset is not sampled.
   */
  offsetLogProbs: Float32Array;
  /** [n × 2]: lat, lon. */
  coords: Float64Array;
}

/** One Normal(0, 1) value (Box–Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
}

function sampleFrom(p: Float32Array, from: number, n: number, temperature: number, rand: () => number): number {
  // p are probabilities at T = 1; sample from p^(1/T) renormalised, in log space so a small T
  // does not underflow to all zeros.
  let maxLog = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) maxLog = Math.max(maxLog, Math.log(p[from + i]));
  let total = 0;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = Math.exp((Math.log(p[from + i]) - maxLog) / temperature);
    total += w[i];
  }
  let u = rand() * total;
  for (let i = 0; i < n; i++) {
    u -= w[i];
    if (u <= 0) return i;
  }
  return n - 1;
}

/**
 * Samples G chains per image level by level from the current policy (chain head only), each
 * level conditioned on the token sampled above, then decodes the coordinate with the offset head.
 * With `offsetSigma` (in 100 km) the offset is sampled too, from N(offset head, σ²) per axis.
 */
export function sampleChains(
  model: GeoModel,
  x: tf.Tensor,
  G: number,
  temperature: number,
  rand: () => number,
  opts: { offsetSigma?: number } = {},
): SampledChains {
  if (model.config.head !== "chain") throw new Error(`sampleChains needs the chain head, got ${model.config.head}`);
  const B = x.shape[0];
  const n = B * G;
  const nC = model.vocab.countries.length;
  const nA = model.vocab.admin1.length;
  const nK = model.vocab.cells.length;
  const tokens = new Int32Array(3 * n);
  const levelLogProbs = new Float32Array(3 * n);
  const f = tf.keep(
    tf.tidy(() => {
      const base = model.features(x);
      return tf.gather(
        base,
        tf.tensor1d(
          Int32Array.from({ length: n }, (_, i) => Math.floor(i / G)),
          "int32",
        ),
      );
    }),
  );
  try {
    const pc = probabilities(() => model.countryLogits(f));
    for (let i = 0; i < n; i++) {
      tokens[3 * i] = sampleFrom(pc, i * nC, nC, temperature, rand);
      levelLogProbs[3 * i] = safeLog(pc[i * nC + tokens[3 * i]]);
    }
    const countries = Int32Array.from({ length: n }, (_, i) => tokens[3 * i]);
    const pa = probabilities(() => model.admin1Logits(f, tf.tensor1d(countries, "int32")));
    for (let i = 0; i < n; i++) {
      tokens[3 * i + 1] = sampleFrom(pa, i * nA, nA, temperature, rand);
      levelLogProbs[3 * i + 1] = safeLog(pa[i * nA + tokens[3 * i + 1]]);
    }
    const admin1 = Int32Array.from({ length: n }, (_, i) => tokens[3 * i + 1]);
    const pk = probabilities(() => model.cellLogits(f, tf.tensor1d(admin1, "int32")));
    for (let i = 0; i < n; i++) {
      tokens[3 * i + 2] = sampleFrom(pk, i * nK, nK, temperature, rand);
      levelLogProbs[3 * i + 2] = safeLog(pk[i * nK + tokens[3 * i + 2]]);
    }
    const cells = Int32Array.from({ length: n }, (_, i) => tokens[3 * i + 2]);
    const offsets = Float32Array.from(
      values(() => model.offset(f, tf.tensor1d(cells, "int32"), tf.tensor1d(admin1, "int32"))),
    );
    const offsetLogProbs = new Float32Array(n);
    const sigma = opts.offsetSigma ?? 0;
    if (sigma > 0) {
      for (let i = 0; i < 2 * n; i++) {
        const z = gaussian(rand);
        offsets[i] += sigma * z;
        offsetLogProbs[i >> 1] -= (z * z) / 2;
      }
    }
    const coords = new Float64Array(2 * n);
    const logProbs = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const centre = model.vocab.cells[cells[i]];
      const { lat, lon } = applyOffset(centre.lat, centre.lon, offsets[2 * i], offsets[2 * i + 1]);
      coords[2 * i] = lat;
      coords[2 * i + 1] = lon;
      logProbs[i] = levelLogProbs[3 * i] + levelLogProbs[3 * i + 1] + levelLogProbs[3 * i + 2];
    }
    return { n, tokens, levelLogProbs, logProbs, offsets, offsetLogProbs, coords };
  } finally {
    f.dispose();
  }
}
