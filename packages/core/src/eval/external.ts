/**
 * Scoring a prediction that a model trained elsewhere made for a sample of a dataset: by the
 * sample's id, against its ground truth and Chain of Region, exactly as a built-in run's
 * coordinate is scored (coordinate-chain.ts), plus what only a model that writes text has: its
 * raw answer (answer-parser.ts) and the chain it states, resolved to Chain-of-Region units
 * (@geor/geo place-names.ts).
 *
 * Rules:
 * - A row gives a coordinate (lat and lon) or an answer, or both: the given coordinate then wins
 *   and the answer still states the chain.
 * - An answer with no readable coordinate is unparsed: a miss at every threshold and the farthest
 *   possible error (half the Earth's circumference), the benchmark convention that an unreadable
 *   answer earns nothing; it has no predicted chain.
 * - The stated levels: country right when it resolves to the truth's country; admin-1 when the
 *   unit (or Natural Earth region) it resolves to covers the truth's admin-1; city when its name is
 *   the truth's Chain-of-Region city (the named town, not the geocell). Not stated = wrong. A row
 *   that states no level at all has no stated hits (null), so a run that states nothing has none.
 * - Consistent: among rows that state a country that resolves and give a coordinate, whether the
 *   coordinate lies in the stated country.
 */
import {
  type ChainOfRegion,
  haversineKmUnchecked,
  MAX_DISTANCE_KM,
  type PlaceNames,
  type ScoredLevel,
  type StatedUnits,
} from "@geor/geo";
import type { Split } from "../data/format.ts";
import type { SampleTruth, SampleTruthRow } from "../data/sample-truth.ts";
import { parseAnswer, type StatedNames } from "./answer-parser.ts";
import { type CoordinateChain, coordinateChain } from "./coordinate-chain.ts";

/** One uploaded prediction as the client sent it (fields unchecked). */
export interface ExternalPredictionInput {
  sampleId?: unknown;
  lat?: unknown;
  lon?: unknown;
  answer?: unknown;
  confidence?: unknown;
}

export interface ScoredExternalPrediction {
  sampleId: string;
  /** The sample's position in the dataset (0 … samples − 1). */
  sampleIndex: number;
  truth: SampleTruthRow;
  /** The coordinate given or read from the answer, and the chain it lies in; null when unparsed. */
  predicted: { lat: number; lon: number; chain: CoordinateChain } | null;
  confidence: number | null;
  answer: string | null;
  parsed: boolean;
  errorKm: number;
  hits: Record<ScoredLevel, boolean>;
  /** The names the answer states, as written (null where not stated). */
  statedNames: StatedNames;
  /** Those names resolved; null when the answer states none. */
  stated: StatedUnits | null;
  /** Per stated level, whether it is the truth's; null when the answer states no level. */
  statedHits: { country: boolean; admin1: boolean; city: boolean } | null;
  /** Whether the coordinate lies in the stated country; null unless both are there. */
  consistent: boolean | null;
}

/** Answers longer than this are refused (a model's answer is a few kB; this is a mistake). */
export const MAX_ANSWER_CHARS = 65_536;

const NOTHING_STATED: StatedNames = { country: null, admin1: null, city: null };
const NO_HITS: Record<ScoredLevel, boolean> = { country: false, admin1: false, place: false };

export class ExternalScorer {
  constructor(
    private readonly truth: SampleTruth,
    private readonly split: Split,
    private readonly cor: ChainOfRegion,
    private readonly names: PlaceNames,
  ) {}

  /** Samples in the dataset: a ScoredExternalPrediction's sampleIndex is below it. */
  get samples(): number {
    return this.truth.size;
  }

  /** Scores one row, or says what is wrong with it (the caller adds where the row is). */
  score(input: ExternalPredictionInput): ScoredExternalPrediction | { problem: string } {
    const { sampleId, lat, lon, answer, confidence } = input;
    if (typeof sampleId !== "string" || sampleId === "") return { problem: "sampleId is missing" };
    const i = this.truth.indexOf(sampleId);
    if (i < 0) return { problem: `unknown sample id "${sampleId}"` };
    const split = this.truth.splitOf(i);
    if (split !== this.split) return { problem: `sample "${sampleId}" is in the ${split} split, not ${this.split}` };
    const hasLat = lat !== undefined && lat !== null;
    const hasLon = lon !== undefined && lon !== null;
    if (hasLat !== hasLon) return { problem: `${hasLat ? "lat" : "lon"} without ${hasLat ? "lon" : "lat"}` };
    const hasAnswer = answer !== undefined && answer !== null;
    if (!hasLat && !hasAnswer) return { problem: "neither coordinates (lat, lon) nor an answer" };
    if (hasLat) {
      if (typeof lat !== "number" || !Number.isFinite(lat) || lat < -90 || lat > 90)
        return { problem: `lat ${String(lat)} is not a number in [-90, 90]` };
      if (typeof lon !== "number" || !Number.isFinite(lon) || lon < -180 || lon > 180)
        return { problem: `lon ${String(lon)} is not a number in [-180, 180]` };
    }
    if (hasAnswer && typeof answer !== "string") return { problem: "answer is not a string" };
    if (typeof answer === "string" && answer.length > MAX_ANSWER_CHARS)
      return { problem: `answer is ${answer.length} characters, more than ${MAX_ANSWER_CHARS}` };
    if (
      confidence !== undefined &&
      confidence !== null &&
      (typeof confidence !== "number" || !Number.isFinite(confidence))
    )
      return { problem: `confidence ${String(confidence)} is not a finite number` };

    const parsedAnswer = typeof answer === "string" ? parseAnswer(answer) : null;
    const coordinate = hasLat ? { lat: lat as number, lon: lon as number } : (parsedAnswer?.coordinate ?? null);
    const truth = this.truth.row(i);
    const statedNames = parsedAnswer?.stated ?? NOTHING_STATED;
    const statesSomething = statedNames.country !== null || statedNames.admin1 !== null || statedNames.city !== null;
    const stated = statesSomething ? this.names.resolve(statedNames) : null;
    const predicted =
      coordinate === null
        ? null
        : { ...coordinate, chain: coordinateChain(coordinate.lat, coordinate.lon, this.cor, this.truth.geocells) };
    return {
      sampleId,
      sampleIndex: i,
      truth,
      predicted,
      confidence: typeof confidence === "number" ? confidence : null,
      answer: typeof answer === "string" ? answer : null,
      parsed: predicted !== null,
      errorKm:
        predicted === null ? MAX_DISTANCE_KM : haversineKmUnchecked(truth.lat, truth.lon, predicted.lat, predicted.lon),
      hits: predicted === null ? NO_HITS : levelHits(predicted.chain, truth),
      statedNames,
      stated,
      statedHits: stated === null ? null : this.statedHits(stated, statedNames, truth),
      consistent: stated?.country && predicted !== null ? predicted.chain.country?.iso2 === stated.country.iso2 : null,
    };
  }

  private statedHits(stated: StatedUnits, names: StatedNames, truth: SampleTruthRow) {
    const t = truth.chain;
    return {
      country: stated.country !== null && stated.country.iso2 === t.country?.iso2,
      admin1: stated.admin1 !== null && t.admin1 !== null && stated.admin1.codes.includes(t.admin1.code),
      city: names.city !== null && t.city !== null && this.names.sameCity(names.city, t.city),
    };
  }
}

/** The built-in rule (evaluate.ts): a level is right when it and every level above it are. */
function levelHits(chain: CoordinateChain, truth: SampleTruthRow): Record<ScoredLevel, boolean> {
  const country = chain.country?.iso2 === truth.chain.country?.iso2;
  const admin1 = country && chain.admin1?.code === truth.chain.admin1?.code;
  return { country, admin1, place: admin1 && chain.place.cell === truth.cell };
}
