import * as tf from "@tensorflow/tfjs";
import { applyOffset } from "../geometry.ts";
import type { GeoModel } from "../network.ts";
import { decodeChains } from "./beam-search.ts";
import { chainOf, type DecodedChain, levelMarginals } from "./decoded-chain.ts";
import { choosePlace, type PlaceRule, placeMean, placeMedian } from "./place-rules.ts";
import { probabilities, values } from "./probabilities.ts";
import { topK } from "./top-k.ts";

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
  // Each image's coordinate: its place's centre moved by the offset head, or for the mean rule the
  // spherical mean of its place distribution `dist` (the offset head is then not run).
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
