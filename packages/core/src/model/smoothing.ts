/**
 * Distance-aware label smoothing of the classification targets. A one-hot target says a place 50 km
 * from the truth is as wrong as one on another continent; here the target of a sample is
 *
 *   q = (1 − ε)·onehot(y) + ε·p,   p_j ∝ exp(−d(centre_j, truth) / τ) over the classes the chain allows,
 *
 * so the ε share goes to classes whose centre lies near the true coordinate. The allowed classes
 * are those the model's masks leave open given the true token above: the admin-1 units of the
 * true country, the places of the true admin-1 unit (chain), every place (flat). Places have
 * their geocell centre; an admin-1 unit's centre is the spherical mean of its train samples.
 * The true class always keeps at least 1 − ε, so ε < 0.5 never lets a neighbour outweigh it.
 *
 * The chain's country level is smoothed through the places: p over every place (as for flat),
 * summed per country, so a country gets the share of its places near the truth. (A country's
 * own centre would be a poor stand-in: a point in Alaska is nearer Canada's centre than the
 * United States'.) The flat head's smoothed target, factored along the chain, gives the same
 * country marginal.
 */
import { haversineKmUnchecked, sphericalMean } from "@geor/geo";
import type { Sample } from "../data/format.ts";
import type { HeadKind } from "./config.ts";
import { placesOfAdmin1, type Vocab, VocabIndex } from "./vocab.ts";

export interface SmoothingConfig {
  /** Share of the target spread over nearby classes; 0 = one-hot. */
  epsilon: number;
  /** Distance scale τ of the spread, km. */
  km: number;
}

interface Level {
  centres: Array<{ lat: number; lon: number }>;
  /** allowed[parent] = the class indices open under that parent token (one entry [all] for flat). */
  allowed: number[][];
}

export class DistanceSmoothing {
  /** Every place open (flat's place level, and the chain's country level through its places). */
  private readonly everyPlace: Level;
  private readonly countryOfPlace: number[];
  /** The chain's admin-1 level (units of the true country) and place level (places of the true unit). */
  private readonly chain: { admin1: Level; cell: Level } | null = null;

  constructor(
    readonly vocab: Vocab,
    head: HeadKind,
    train: readonly Sample[],
    readonly config: SmoothingConfig,
  ) {
    if (head === "regress") throw new Error("label smoothing applies to the classification heads (chain, flat)");
    const cellCentres = vocab.cells.map((c) => ({ lat: c.lat, lon: c.lon }));
    this.everyPlace = { centres: cellCentres, allowed: [vocab.cells.map((_, k) => k)] };
    this.countryOfPlace = vocab.cells.map((c) => c.country);
    if (head === "flat") return;
    const index = new VocabIndex(vocab);
    const points: Array<Array<{ lat: number; lon: number }>> = vocab.admin1.map(() => []);
    for (const s of train) {
      const a = index.admin1Of(s.chain.admin1?.code);
      if (a >= 0) points[a].push({ lat: s.lat, lon: s.lon });
    }
    // A unit without train samples cannot be in the vocabulary; its places' centres stand in if one is.
    const admin1Centres = points.map((p, a) =>
      p.length > 0 ? sphericalMean(p) : sphericalMean(vocab.cells.filter((c) => c.admin1.includes(a))),
    );
    const unitsOf: number[][] = vocab.countries.map(() => []);
    for (const [a, unit] of vocab.admin1.entries()) unitsOf[unit.country].push(a);
    this.chain = {
      admin1: { centres: admin1Centres, allowed: unitsOf },
      cell: { centres: cellCentres, allowed: placesOfAdmin1(vocab) },
    };
  }

  /**
   * Soft targets [n × classes] (row-major) of one level. `labels[i]` is the true class,
   * `parents[i]` the true token above (ignored for flat); a negative label gives a zero row.
   */
  private level(
    level: Level,
    labels: Int32Array,
    parents: Int32Array | null,
    coords: ReadonlyArray<{ lat: number; lon: number }>,
    /** Sums class c's share into output class classOf[c] (the country level); identity if absent. */
    classOf?: ReadonlyArray<number>,
    depth = level.centres.length,
  ): Float32Array {
    const n = labels.length;
    const { epsilon, km } = this.config;
    const out = new Float32Array(n * depth);
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      if (y < 0) continue;
      const allowed = level.allowed[parents ? parents[i] : 0] ?? [];
      let total = 0;
      const w = new Float64Array(allowed.length);
      for (const [j, c] of allowed.entries()) {
        const centre = level.centres[c];
        w[j] = Math.exp(-haversineKmUnchecked(coords[i].lat, coords[i].lon, centre.lat, centre.lon) / km);
        total += w[j];
      }
      const row = i * depth;
      if (total === 0) {
        out[row + y] = 1;
        continue;
      }
      out[row + y] = 1 - epsilon;
      for (const [j, c] of allowed.entries()) {
        const to = classOf ? classOf[c] : c;
        if (to >= 0) out[row + to] += (epsilon * w[j]) / total;
      }
    }
    return out;
  }

  /** Soft targets of the country and admin-1 levels (chain only) and of the place level. */
  targets(
    t: { country: Int32Array; admin1: Int32Array; cell: Int32Array },
    coords: ReadonlyArray<{ lat: number; lon: number }>,
  ): { country?: Float32Array; admin1?: Float32Array; cell: Float32Array } {
    if (this.chain === null) return { cell: this.level(this.everyPlace, t.cell, null, coords) };
    return {
      country: this.level(this.everyPlace, t.country, null, coords, this.countryOfPlace, this.vocab.countries.length),
      admin1: this.level(this.chain.admin1, t.admin1, t.country, coords),
      cell: this.level(this.chain.cell, t.cell, t.admin1, coords),
    };
  }
}
