/**
 * What scoring an external run's predictions needs, loaded once and kept: the Chain of Region, the
 * stated-name resolver, and each dataset's compact ground truth (the last two datasets used, by
 * directory and manifest time, so a client sending a million rows in chunks loads it once).
 */
import { statSync } from "node:fs";
import path from "node:path";
import { ExternalScorer, SampleTruth, type Split } from "@geor/core";
import { loadChainOfRegion, loadPlaceNames } from "@geor/geo";

const KEPT_DATASETS = 2;

export class ScoringContext {
  private readonly truths = new Map<string, { mtimeMs: number; truth: Promise<SampleTruth> }>();

  /** A scorer of `split` of the dataset in `dir`. */
  async scorer(dir: string, split: Split): Promise<ExternalScorer> {
    const [truth, cor, names] = await Promise.all([this.truth(dir), loadChainOfRegion(), loadPlaceNames()]);
    return new ExternalScorer(truth, split, cor, names);
  }

  private truth(dir: string): Promise<SampleTruth> {
    const mtimeMs = statSync(path.join(dir, "manifest.json")).mtimeMs;
    const hit = this.truths.get(dir);
    if (hit && hit.mtimeMs === mtimeMs) {
      // Most recently used last.
      this.truths.delete(dir);
      this.truths.set(dir, hit);
      return hit.truth;
    }
    const truth = SampleTruth.load(dir);
    this.truths.set(dir, { mtimeMs, truth });
    truth.catch(() => this.truths.delete(dir));
    while (this.truths.size > KEPT_DATASETS) this.truths.delete(this.truths.keys().next().value as string);
    return truth;
  }
}
