/**
 * Inference: decoding a chain (greedy = beam 1, or beam search) and sampling G chains per image
 * for RL. Decoding runs the backbone once and the small heads a few times; the search itself is
 * plain arithmetic on probabilities in JS.
 */
import { haversineKmUnchecked, sphericalMean, sphericalMedian } from "@geor/geo";
import * as tf from "@tensorflow/tfjs";
import { applyOffset, fromXyz } from "./geometry.ts";
import type { GeoModel } from "./network.ts";

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

/** log p, floored so a zero probability does not give −∞. */
const safeLog = (p: number) => Math.log(Math.max(1e-30, p));

/** log p(chain) of a chain from its three level probabilities. */
const chainLogProb = (pc: number, pa: number, pk: number) => safeLog(pc) + safeLog(pa) + safeLog(pk);

/** A decoded chain from its tokens, level probabilities and coordinate. */
const chainOf = (
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
  logProb: chainLogProb(probs.country, probs.admin1, probs.cell),
  lat,
  lon,
});

function topK(
  row: Float32Array | Float64Array | Int32Array | Uint8Array,
  from: number,
  n: number,
  k: number,
): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = row[from + i];
    if (idx.length < k) {
      idx.push(i);
      idx.sort((a, b) => row[from + b] - row[from + a]);
    } else if (v > row[from + idx[k - 1]]) {
      idx[k - 1] = i;
      idx.sort((a, b) => row[from + b] - row[from + a]);
    }
  }
  return idx;
}

/** The values of `fn`'s output; every tensor made on the way, the output included, is disposed. */
function values(fn: () => tf.Tensor): Float32Array {
  const t = tf.tidy(fn);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Softmax probabilities of the logits `fn` computes. */
const probabilities = (fn: () => tf.Tensor2D) => values(() => tf.softmax(fn()));

/**
 * Flat head: the probability of each country and admin-1 class under one image's place
 * distribution `pk[from …)`, each place counted under its country and its first admin-1 class.
 */
function levelMarginals(
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

/**
 * Decodes the best `topN` chains per image with beam width `beam` (1 = greedy).
 * Returns one array of chains (best first) per image.
 */
export function decodeChains(
  model: GeoModel,
  x: tf.Tensor,
  opts: { beam?: number; topN?: number } = {},
): DecodedChain[][] {
  const beam = Math.max(1, opts.beam ?? 1);
  const topN = Math.max(1, Math.min(opts.topN ?? 1, beam * beam));
  const B = x.shape[0];
  const f = tf.keep(tf.tidy(() => model.features(x)));
  try {
    if (model.config.head === "regress") {
      const xyz = values(() => model.xyz(f));
      return Array.from({ length: B }, (_, i) => {
        const { lat, lon } = fromXyz(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
        return [{ country: -1, admin1: -1, cell: -1, probs: { country: 1, admin1: 1, cell: 1 }, logProb: 0, lat, lon }];
      });
    }
    const nK = model.vocab.cells.length;
    // Each candidate: [country, admin1, cell, pC, pA, pK] per image.
    let candidates: Array<Array<{ c: number; a: number; k: number; pc: number; pa: number; pk: number }>>;
    if (model.config.head === "flat") {
      const pk = probabilities(() => model.cellLogits(f));
      const nC = model.vocab.countries.length;
      candidates = Array.from({ length: B }, (_, i) => {
        const { pCountry, pAdmin } = levelMarginals(model.vocab.cells, nC, pk, i * nK);
        return topK(pk, i * nK, nK, topN).map((k) => {
          const cell = model.vocab.cells[k];
          const a = cell.admin1[0] ?? -1;
          return {
            c: cell.country,
            a,
            k,
            pc: cell.country >= 0 ? pCountry[cell.country] : 0,
            pa: pAdmin.get(a) ?? 0,
            pk: pk[i * nK + k],
          };
        });
      });
    } else {
      const nC = model.vocab.countries.length;
      const nA = model.vocab.admin1.length;
      const pc = probabilities(() => model.countryLogits(f));
      let beams = Array.from({ length: B }, (_, i) =>
        topK(pc, i * nC, nC, beam).map((c) => ({ c, a: -1, k: -1, pc: pc[i * nC + c], pa: 1, pk: 1 })),
      );
      // Admin-1 level: expand each of the `beam` countries, keep the best `beam` pairs.
      const expandedA = beams.map(() => [] as (typeof beams)[number]);
      for (let j = 0; j < beam; j++) {
        const countries = Int32Array.from(beams, (b) => b[Math.min(j, b.length - 1)].c);
        const pa = probabilities(() => model.admin1Logits(f, tf.tensor1d(countries, "int32")));
        beams.forEach((b, i) => {
          if (j >= b.length) return;
          for (const a of topK(pa, i * nA, nA, beam)) expandedA[i].push({ ...b[j], a, pa: pa[i * nA + a] });
        });
      }
      beams = expandedA.map((list) => list.sort((p, q) => q.pc * q.pa - p.pc * p.pa).slice(0, beam));
      const expandedK = beams.map(() => [] as (typeof beams)[number]);
      for (let j = 0; j < beam; j++) {
        const admin1 = Int32Array.from(beams, (b) => b[Math.min(j, b.length - 1)].a);
        const pk = probabilities(() => model.cellLogits(f, tf.tensor1d(admin1, "int32")));
        beams.forEach((b, i) => {
          if (j >= b.length) return;
          for (const k of topK(pk, i * nK, nK, beam)) expandedK[i].push({ ...b[j], k, pk: pk[i * nK + k] });
        });
      }
      candidates = expandedK.map((list) => list.sort((p, q) => q.pc * q.pa * q.pk - p.pc * p.pa * p.pk).slice(0, topN));
    }
    // Offsets for every kept candidate in one pass per rank.
    const out: DecodedChain[][] = candidates.map(() => []);
    for (let r = 0; r < topN; r++) {
      const cells = Int32Array.from(candidates, (c) => c[Math.min(r, c.length - 1)].k);
      const units = Int32Array.from(candidates, (c) => Math.max(0, c[Math.min(r, c.length - 1)].a));
      const off = values(() => model.offset(f, tf.tensor1d(cells, "int32"), tf.tensor1d(units, "int32")));
      candidates.forEach((list, i) => {
        if (r >= list.length) return;
        const c = list[r];
        const centre = model.vocab.cells[c.k];
        const at = applyOffset(centre.lat, centre.lon, off[2 * i], off[2 * i + 1]);
        out[i].push(chainOf(c.c, c.a, c.k, { country: c.pc, admin1: c.pa, cell: c.pk }, at));
      });
    }
    return out;
  } finally {
    f.dispose();
  }
}

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

/**
 * How a batch is decoded: the place chosen from its marginal distribution by a rule (one chain
 * per image), or the `topN` best chains of a beam search of width `beam`.
 */
export type DecodeSpec = { mode: "marginal"; rule: PlaceRule } | { mode: "chains"; beam: number; topN: number };

/** Decodes a batch input as `spec` says: one array of chains (best first) per image. */
export function decodeBatch(model: GeoModel, x: tf.Tensor, spec: DecodeSpec): DecodedChain[][] {
  if (spec.mode === "chains") return decodeChains(model, x, spec);
  return decodeMarginal(model, x, { rule: spec.rule }).map((c) => [c]);
}

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

/**
 * Decoding from the place distribution. For the chain head p(k) = Σ_c Σ_a p(c) p(a | c) p(k | a),
 * summed over the `countries` most probable countries and the `admin1` most probable classes of
 * each; the answer is the place `rule` chooses (default: the most probable) and the most probable
 * chain through it, so it is still one consistent chain. For the flat head p(k) is its softmax,
 * and the chain is the place's own country and admin-1 with their marginal probabilities. The
 * greedy chain can follow the single likeliest admin-1 class into a less likely place; this
 * decoding does not.
 */
export function decodeMarginal(
  model: GeoModel,
  x: tf.Tensor,
  opts: { countries?: number; admin1?: number; rule?: PlaceRule } = {},
): DecodedChain[] {
  const rule = opts.rule ?? { kind: "mode" };
  if (model.config.head === "regress") return decodeChains(model, x).map((c) => c[0]);
  const kc = Math.max(1, opts.countries ?? 3);
  const ka = Math.max(1, opts.admin1 ?? 8);
  const B = x.shape[0];
  const nC = model.vocab.countries.length;
  const nA = model.vocab.admin1.length;
  const nK = model.vocab.cells.length;
  const cells = model.vocab.cells;
  const f = tf.keep(tf.tidy(() => model.features(x)));
  // Each image's coordinate: its place's centre moved by the offset head, or for the mean rule the
  // spherical mean of its place distribution `dist` (the offset head is then not run).
  // Each image's place under `rule`; for the median rule also its median, computed once: it names
  // the place when it is one, and is the coordinate when it lies between places.
  const choose = (dist: Float32Array | Float64Array) => {
    if (rule.kind !== "median") {
      return {
        place: Int32Array.from({ length: B }, (_, i) => choosePlace(dist, i * nK, nK, cells, rule)),
        medians: null,
      };
    }
    const medians = Array.from({ length: B }, (_, i) => placeMedian(dist, i * nK, nK, cells, rule.temperature));
    const place = Int32Array.from(medians, (m, i) =>
      m.place >= 0 ? m.place : choosePlace(dist, i * nK, nK, cells, { kind: "mode" }),
    );
    return { place, medians };
  };
  const coordinates = (
    dist: Float32Array | Float64Array,
    { place, medians }: ReturnType<typeof choose>,
    units: Int32Array,
  ) => {
    if (rule.kind === "mean") return Array.from(place, (_, i) => placeMean(dist, i * nK, nK, cells, rule.temperature));
    const off = values(() => model.offset(f, tf.tensor1d(place, "int32"), tf.tensor1d(units, "int32")));
    return Array.from(place, (k, i) => {
      const m = medians?.[i];
      if (m && m.place < 0) return { lat: m.lat, lon: m.lon };
      return applyOffset(cells[k].lat, cells[k].lon, off[2 * i], off[2 * i + 1]);
    });
  };
  try {
    if (model.config.head === "flat") {
      const pk = probabilities(() => model.cellLogits(f));
      const chosen = choose(pk);
      const { place } = chosen;
      const units = Int32Array.from(place, (k) => Math.max(0, cells[k].admin1[0] ?? 0));
      const at = coordinates(pk, chosen, units);
      return Array.from(place, (k, i) => {
        const cell = cells[k];
        const a = cell.admin1[0] ?? -1;
        const { pCountry, pAdmin } = levelMarginals(cells, nC, pk, i * nK);
        const probs = {
          country: cell.country >= 0 ? pCountry[cell.country] : 0,
          admin1: pAdmin.get(a) ?? 0,
          cell: pk[i * nK + k],
        };
        return chainOf(cell.country, a, k, probs, at[i]);
      });
    }
    const pc = probabilities(() => model.countryLogits(f));
    // Paths (image, country, admin-1) with p(c) p(a | c), the top ka units of each of the top kc countries.
    const paths: Array<{ i: number; c: number; a: number; pc: number; pa: number }> = [];
    const topCountries = Array.from({ length: B }, (_, i) => topK(pc, i * nC, nC, Math.min(kc, nC)));
    for (let j = 0; j < kc && j < nC; j++) {
      const countries = Int32Array.from(topCountries, (t) => t[j]);
      const pa = probabilities(() => model.admin1Logits(f, tf.tensor1d(countries, "int32")));
      for (let i = 0; i < B; i++) {
        const c = countries[i];
        for (const a of topK(pa, i * nA, nA, Math.min(ka, nA))) {
          if (pa[i * nA + a] > 1e-6) paths.push({ i, c, a, pc: pc[i * nC + c], pa: pa[i * nA + a] });
        }
      }
    }
    const pk = probabilities(() =>
      model.cellLogits(
        tf.gather(
          f,
          tf.tensor1d(
            Int32Array.from(paths, (p) => p.i),
            "int32",
          ),
        ),
        tf.tensor1d(
          Int32Array.from(paths, (p) => p.a),
          "int32",
        ),
      ),
    );
    const marginal = new Float64Array(B * nK);
    paths.forEach((p, r) => {
      const w = p.pc * p.pa;
      for (let k = 0; k < nK; k++) marginal[p.i * nK + k] += w * pk[r * nK + k];
    });
    const chosen = choose(marginal);
    const { place } = chosen;
    const best: Array<{ r: number; score: number }> = Array.from({ length: B }, () => ({ r: -1, score: -1 }));
    paths.forEach((p, r) => {
      const score = p.pc * p.pa * pk[r * nK + place[p.i]];
      if (score > best[p.i].score) best[p.i] = { r, score };
    });
    const units = Int32Array.from(best, ({ r }) => paths[r].a);
    const at = coordinates(marginal, chosen, units);
    return best.map(({ r }, i) => {
      const p = paths[r];
      const k = place[i];
      return chainOf(p.c, p.a, k, { country: p.pc, admin1: p.pa, cell: pk[r * nK + k] }, at[i]);
    });
  } finally {
    f.dispose();
  }
}

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
