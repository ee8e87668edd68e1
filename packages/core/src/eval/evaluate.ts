/**
 * Evaluation: one prediction per sample (true chain beside the predicted chain with the
 * probability of each level, both coordinates, error km, per-level hits), and the report built
 * from them: the standard metric table (summarizeErrors from @geor/geo), chain accuracy per
 * level, a per-country breakdown, calibration of the chain confidence and floor baselines.
 */
import type { ChainOfRegion } from "@geor/geo";
import {
  haversineKmUnchecked,
  type LevelAccuracy,
  type Metrics,
  type ScoredLevel,
  sphericalMean,
  summarizeErrors,
} from "@geor/geo";
import type { SampleChain, Split } from "../data/format.ts";
import type { Dataset } from "../data/store.ts";
import { type DecodeSpec, decodeBatch } from "../model/decode/batch.ts";
import type { DecodedChain } from "../model/decode/decoded-chain.ts";
import { minimumRiskChain } from "../model/decode/minimum-risk.ts";
import type { PlaceRule } from "../model/decode/place-rules.ts";
import type { DecodePool } from "../model/decode-pool.ts";
import type { BatchInput, RawBatch } from "../model/inputs.ts";
import type { GeoModel } from "../model/network.ts";
import { admin1Unit } from "../model/vocab.ts";
import { coordinateChain } from "./coordinate-chain.ts";
import type { DecisionRule } from "./decision.ts";

export interface SamplePrediction {
  id: string;
  split: Split;
  true: { lat: number; lon: number; chain: SampleChain; cell: number };
  predicted: {
    country: { iso2: string; name: string; p: number | null } | null;
    admin1: { code: string; name: string; p: number | null } | null;
    place: { cell: number; name: string; p: number | null } | null;
    lat: number;
    lon: number;
    /** Probability of the whole chain (product of the levels), null for the regress head. */
    confidence: number | null;
  };
  errorKm: number;
  hits: Record<ScoredLevel, boolean>;
}

function placeRule(decision: DecisionRule): PlaceRule {
  if (decision === "risk") return { kind: "risk" };
  if (decision.startsWith("within:")) return { kind: "within", km: Number(decision.slice(7)) };
  if (decision === "mean" || decision.startsWith("mean:")) {
    return { kind: "mean", temperature: decision === "mean" ? 1 : Number(decision.slice(5)) };
  }
  if (decision === "median" || decision.startsWith("median:")) {
    return { kind: "median", temperature: decision === "median" ? 1 : Number(decision.slice(7)) };
  }
  return { kind: "mode" };
}

export interface PredictOptions {
  split: Split;
  /** Evaluate at most this many samples of the split (the first ones in file order). */
  limit?: number;
  batchSize?: number;
  beam?: number;
  /**
   * "argmax": the most probable chain; "mbr": the minimum-expected-distance chain among the
   * beam's; "marginal" (the chain head's default): the place with the most probability summed
   * over its admin-1 units, then the best chain through it. Other heads default to argmax.
   */
  decision?: DecisionRule;
  onProgress?: (done: number, total: number) => void;
  /** Batch input (default: the dataset's images, which suits the CNN backbone). */
  input?: BatchInput;
}

/** The samples a prediction covers: the split's, or its first `limit`. */
export function splitIndices(ds: Dataset, opts: Pick<PredictOptions, "split" | "limit">): Uint32Array {
  const all = ds.indicesOf(opts.split);
  const indices = opts.limit !== undefined ? all.subarray(0, Math.min(all.length, opts.limit)) : all;
  if (indices.length === 0) throw new Error(`dataset ${ds.manifest.name} has no ${opts.split} samples to evaluate`);
  return indices;
}

/** How `opts.decision` decodes a batch, and whether the answer is the minimum-risk chain of the beam. */
function decodeSpecOf(model: GeoModel, opts: PredictOptions): { spec: DecodeSpec; mbr: boolean } {
  const decision = opts.decision ?? (model.config.head === "chain" ? "marginal" : "argmax");
  const mbr = decision === "mbr" && model.config.head !== "regress";
  if (decision !== "argmax" && decision !== "mbr")
    return { spec: { mode: "marginal", rule: placeRule(decision) }, mbr };
  const beam = opts.beam ?? (mbr ? 5 : 1);
  return { spec: { mode: "chains", beam, topN: mbr ? beam * beam : 1 }, mbr };
}

/** The predictions of one decoded batch: the answer of each sample beside its truth. */
function samplePredictions(
  model: GeoModel,
  ds: Dataset,
  cor: ChainOfRegion,
  batch: ArrayLike<number>,
  decoded: DecodedChain[][],
  mbr: boolean,
): SamplePrediction[] {
  const vocab = model.vocab;
  const unitAt = (lat: number, lon: number) => cor.admin1Of(lat, lon);
  return decoded.map((chains, j) => {
    const best = mbr ? minimumRiskChain(chains) : chains[0];
    const s = ds.samples[batch[j]];
    let predicted: SamplePrediction["predicted"];
    let predictedCell: number;
    if (model.config.head === "regress") {
      const chain = coordinateChain(best.lat, best.lon, cor, ds.geocells);
      predictedCell = chain.place.cell;
      predicted = {
        country: chain.country ? { ...chain.country, p: null } : null,
        admin1: chain.admin1 ? { ...chain.admin1, p: null } : null,
        place: { ...chain.place, p: null },
        lat: best.lat,
        lon: best.lon,
        confidence: null,
      };
    } else {
      predictedCell = best.cell;
      const c = vocab.countries[best.country];
      const a = admin1Unit(vocab, best.admin1, best.lat, best.lon, unitAt);
      predicted = {
        country: c ? { iso2: c.iso2, name: c.name, p: best.probs.country } : null,
        admin1: a ? { code: a.code, name: a.name, p: best.probs.admin1 } : null,
        place: { cell: best.cell, name: vocab.cells[best.cell].name, p: best.probs.cell },
        lat: best.lat,
        lon: best.lon,
        confidence: best.probs.country * best.probs.admin1 * best.probs.cell,
      };
    }
    const countryHit = predicted.country?.iso2 === s.chain.country?.iso2;
    const admin1Hit = countryHit && predicted.admin1?.code === s.chain.admin1?.code;
    return {
      id: s.id,
      split: s.split,
      true: { lat: s.lat, lon: s.lon, chain: s.chain, cell: s.cell },
      predicted,
      errorKm: haversineKmUnchecked(s.lat, s.lon, best.lat, best.lon),
      hits: { country: countryHit, admin1: admin1Hit, place: admin1Hit && predictedCell === s.cell },
    };
  });
}

/** Predicts every sample of a split on this thread. `cor` labels the regress head's coordinates. */
export function predictSplit(
  model: GeoModel,
  ds: Dataset,
  cor: ChainOfRegion,
  opts: PredictOptions,
): SamplePrediction[] {
  const indices = splitIndices(ds, opts);
  const batchSize = opts.batchSize ?? 256;
  const { spec, mbr } = decodeSpecOf(model, opts);
  const out: SamplePrediction[] = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    const batch = indices.subarray(start, Math.min(indices.length, start + batchSize));
    const x = opts.input ? opts.input(model, batch) : model.prepare(ds.readPatches(batch), batch.length);
    const decoded = decodeBatch(model, x, spec);
    x.dispose();
    out.push(...samplePredictions(model, ds, cor, batch, decoded, mbr));
    opts.onProgress?.(Math.min(indices.length, start + batchSize), indices.length);
  }
  return out;
}

/**
 * predictSplit on a DecodePool's threads (the same predictions, in the same order): batches are
 * read here and decoded there, at most two per thread in flight. `raw` reads a batch before the
 * tensor (default: the dataset's images, which suits the CNN backbone).
 */
export async function predictSplitParallel(
  pool: DecodePool,
  model: GeoModel,
  ds: Dataset,
  cor: ChainOfRegion,
  opts: Omit<PredictOptions, "input"> & { raw?: (indices: ArrayLike<number>) => RawBatch },
): Promise<SamplePrediction[]> {
  const indices = splitIndices(ds, opts);
  const batchSize = opts.batchSize ?? 256;
  const { spec, mbr } = decodeSpecOf(model, opts);
  const raw = opts.raw ?? ((batch: ArrayLike<number>): RawBatch => ({ kind: "pixels", data: ds.readPatches(batch) }));
  const batches: Uint32Array[] = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    batches.push(indices.subarray(start, Math.min(indices.length, start + batchSize)));
  }
  const decoded: Array<Promise<DecodedChain[][]>> = [];
  const submit = (b: number) => {
    if (b >= batches.length) return;
    decoded[b] = pool.decode(raw(batches[b]), batches[b].length, spec);
    // Awaited in order below; a later batch that fails while an earlier one is awaited is not unhandled.
    decoded[b].catch(() => {});
  };
  const inFlight = 2 * pool.threads;
  for (let b = 0; b < inFlight; b++) submit(b);
  const out: SamplePrediction[] = [];
  let done = 0;
  for (let b = 0; b < batches.length; b++) {
    const chains = await decoded[b];
    submit(b + inFlight);
    out.push(...samplePredictions(model, ds, cor, batches[b], chains, mbr));
    done += batches[b].length;
    opts.onProgress?.(done, indices.length);
  }
  return out;
}

export interface CountryRow {
  iso2: string;
  name: string;
  n: number;
  medianKm: number;
  acc: Metrics["acc"];
  countryAccuracy: number;
}

export interface EvalReport {
  metrics: Metrics;
  /** Chain accuracy per level (fractions): country; admin-1 (with its country); place = the geocell (with both). */
  levels: LevelAccuracy;
  perCountry: CountryRow[];
  /** Expected calibration error of the chain confidence against "the whole chain is right", 10 bins. */
  calibration: {
    ece: number;
    bins: Array<{ lo: number; hi: number; n: number; confidence: number; accuracy: number }>;
  } | null;
  baselines?: { medoid: Metrics; topCountry: Metrics };
}

/** Builds the report from per-sample predictions. */
export function summarizePredictions(preds: SamplePrediction[]): EvalReport {
  const metrics = summarizeErrors(preds.map((p) => p.errorKm));
  const frac = (f: (p: SamplePrediction) => boolean) => preds.filter(f).length / preds.length;
  const levels = {
    country: frac((p) => p.hits.country),
    admin1: frac((p) => p.hits.admin1),
    place: frac((p) => p.hits.place),
  };
  const groups = new Map<string, SamplePrediction[]>();
  for (const p of preds) {
    const key = p.true.chain.country?.iso2 ?? "";
    const list = groups.get(key) ?? [];
    list.push(p);
    groups.set(key, list);
  }
  const perCountry: CountryRow[] = [...groups.entries()]
    .map(([iso2, list]) => {
      const m = summarizeErrors(list.map((p) => p.errorKm));
      return {
        iso2,
        name: list[0].true.chain.country?.name ?? "(no country)",
        n: m.n,
        medianKm: m.medianKm,
        acc: m.acc,
        countryAccuracy: list.filter((p) => p.hits.country).length / list.length,
      };
    })
    .sort((a, b) => b.n - a.n || a.iso2.localeCompare(b.iso2));
  return { metrics, levels, perCountry, calibration: calibration(preds) };
}

function calibration(preds: SamplePrediction[]): EvalReport["calibration"] {
  const scored = preds.filter((p) => p.predicted.confidence !== null);
  if (scored.length === 0) return null;
  const bins = Array.from({ length: 10 }, (_, b) => ({
    lo: b / 10,
    hi: (b + 1) / 10,
    n: 0,
    confidence: 0,
    accuracy: 0,
  }));
  for (const p of scored) {
    const c = p.predicted.confidence as number;
    const bin = bins[Math.min(9, Math.floor(c * 10))];
    bin.n++;
    bin.confidence += c;
    bin.accuracy += p.hits.place ? 1 : 0;
  }
  let ece = 0;
  for (const b of bins) {
    if (b.n === 0) continue;
    b.confidence /= b.n;
    b.accuracy /= b.n;
    ece += (b.n / scored.length) * Math.abs(b.confidence - b.accuracy);
  }
  return { ece, bins };
}

/**
 * Floors every model must beat: always predict the train set's medoid (the train coordinate
 * with the smallest total distance to the others, found among 2,000 seeded candidates), or the
 * centroid of the most frequent train country.
 */
export function baselines(ds: Dataset, split: Split, limit?: number): { medoid: Metrics; topCountry: Metrics } {
  const train = ds.samples.filter((s) => s.split === "train");
  if (train.length === 0) throw new Error(`dataset ${ds.manifest.name} has no train split for the baselines`);
  const step = Math.max(1, Math.floor(train.length / 2000));
  let medoid = train[0];
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < train.length; i += step) {
    let sum = 0;
    for (let j = 0; j < train.length; j += step)
      sum += haversineKmUnchecked(train[i].lat, train[i].lon, train[j].lat, train[j].lon);
    if (sum < best) {
      best = sum;
      medoid = train[i];
    }
  }
  const counts = new Map<string, number>();
  for (const s of train) counts.set(s.chain.country?.iso2 ?? "", (counts.get(s.chain.country?.iso2 ?? "") ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const inTop = train.filter((s) => (s.chain.country?.iso2 ?? "") === top);
  const centre = sphericalMean(inTop);
  const evalIdx = ds.indicesOf(split);
  const idx = limit !== undefined ? evalIdx.subarray(0, Math.min(limit, evalIdx.length)) : evalIdx;
  const errors = (lat: number, lon: number) =>
    Array.from(idx, (i) => haversineKmUnchecked(ds.samples[i].lat, ds.samples[i].lon, lat, lon));
  return {
    medoid: summarizeErrors(errors(medoid.lat, medoid.lon)),
    topCountry: summarizeErrors(errors(centre.lat, centre.lon)),
  };
}
