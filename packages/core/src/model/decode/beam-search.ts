/**
 * Decoding the best chains by beam search, level by level: the `beam` most probable countries,
 * their `beam` most probable admin-1 classes each (the best `beam` pairs kept), then places, and
 * the offset head's coordinate for every chain kept. The flat head's chains are its most probable
 * places with their own country and admin-1; the regress head's one chain is its coordinate.
 */
import * as tf from "@tensorflow/tfjs";
import { applyOffset, fromXyz } from "../geometry.ts";
import type { GeoModel } from "../network.ts";
import { chainOf, type DecodedChain, levelMarginals } from "./decoded-chain.ts";
import { probabilities, values } from "./probabilities.ts";
import { topK } from "./top-k.ts";

/** A chain being searched: its tokens (−1 below the levels reached) and their probabilities. */
interface Candidate {
  c: number;
  a: number;
  k: number;
  pc: number;
  pa: number;
  pk: number;
}

/**
 * One level of the search: each image's beams extended by their `width` most probable tokens of
 * the next level, whose `n` probabilities `levelProbs` gives for a parent token per image; the
 * head runs once per beam rank, on every image's beam of that rank.
 */
function extend(
  beams: Candidate[][],
  width: number,
  n: number,
  levelProbs: (parents: Int32Array) => Float32Array,
  parentOf: (c: Candidate) => number,
  child: (c: Candidate, token: number, p: number) => Candidate,
): Candidate[][] {
  const expanded = beams.map(() => [] as Candidate[]);
  for (let j = 0; j < width; j++) {
    const p = levelProbs(Int32Array.from(beams, (b) => parentOf(b[Math.min(j, b.length - 1)])));
    beams.forEach((b, i) => {
      if (j >= b.length) return;
      for (const t of topK(p, i * n, n, width)) expanded[i].push(child(b[j], t, p[i * n + t]));
    });
  }
  return expanded;
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
    let candidates: Candidate[][];
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
      const expandedA = extend(
        beams,
        beam,
        nA,
        (countries) => probabilities(() => model.admin1Logits(f, tf.tensor1d(countries, "int32"))),
        (b) => b.c,
        (b, a, pa) => ({ ...b, a, pa }),
      );
      beams = expandedA.map((list) => list.sort((p, q) => q.pc * q.pa - p.pc * p.pa).slice(0, beam));
      const expandedK = extend(
        beams,
        beam,
        nK,
        (admin1) => probabilities(() => model.cellLogits(f, tf.tensor1d(admin1, "int32"))),
        (b) => b.a,
        (b, k, pk) => ({ ...b, k, pk }),
      );
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
