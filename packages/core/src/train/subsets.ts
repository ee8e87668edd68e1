/**
 * Which train samples a stage learns from. Samples without a country (open water) have no
 * chain to learn from and are always left out (every head trains on the same samples, so
 * comparisons stay fair). A `holdoutFraction` > 0 keeps that fraction of the train split — chosen
 * by a hash of the sample id, so every run agrees on it — out of SFT, for a later stage (RL or
 * continued SFT) to learn from images the SFT model has not memorised.
 */
import type { Dataset } from "../data/store.ts";
import { hashUnit } from "../util/random.ts";

export type TrainSubset = "train" | "holdout";

export function isHeldOut(sampleId: string, holdoutFraction: number): boolean {
  return holdoutFraction > 0 && hashUnit(`holdout:${sampleId}`) < holdoutFraction;
}

/** Indices of the train samples with a chain, in the SFT part ("train") or the held-out part. */
export function trainIndices(ds: Dataset, holdoutFraction: number, subset: TrainSubset): Uint32Array {
  if (subset === "holdout" && !(holdoutFraction > 0)) {
    throw new Error("training on the held-out part needs holdoutFraction > 0 (set it in the SFT run's config)");
  }
  const out = ds.indicesOf("train").filter((i) => {
    const s = ds.samples[i];
    if (s.chain.country === null || s.chain.admin1 === null) return false;
    return isHeldOut(s.id, holdoutFraction) === (subset === "holdout");
  });
  if (out.length === 0) {
    throw new Error(
      `dataset ${ds.manifest.name} has no ${subset === "holdout" ? "held-out " : ""}train samples with a country`,
    );
  }
  return out;
}
