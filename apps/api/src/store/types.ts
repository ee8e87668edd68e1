/** The store's vocabulary: what it takes and returns, independent of GraphQL. */
import type { LevelAccuracy } from "@geor/geo/constants";
import type { Selectable } from "kysely";
import type { PredictionTable } from "../db/tables.ts";

export const EXPERIMENT_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ExperimentStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export const STAGE_NAMES = ["SFT", "RL", "EVAL"] as const;
export type StageName = (typeof STAGE_NAMES)[number];
export const STAGE_STATUSES = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "SKIPPED"] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

/** The scored chain levels (@geor/geo SCORED_LEVELS) as filter values. */
export const LEVELS = ["COUNTRY", "ADMIN1", "PLACE"] as const;
export type Level = (typeof LEVELS)[number];

export interface PredictionFilter {
  experimentId: string;
  split?: string | null;
  trueCountry?: string | null;
  predictedCountry?: string | null;
  minErrorKm?: number | null;
  maxErrorKm?: number | null;
  /** With `hit`: only predictions whose chain is right (true) or wrong (false) at this level. */
  level?: Level | null;
  hit?: boolean | null;
  /** Only predictions whose answer gave a coordinate (true) or did not (false). */
  parsed?: boolean | null;
  /** Only predictions whose coordinate lies in their stated country (true) or not (false). */
  consistent?: boolean | null;
  /** Only predictions with a predicted coordinate (the map's points). */
  located?: boolean;
}

/** A stored prediction, with its experiment's id in place of the experiment's number. */
export type PredictionRow = Omit<Selectable<PredictionTable>, "exp"> & { experiment_id: string };
/** A prediction to store: what an evaluation (or any other scorer) writes. */
export type NewPrediction = Omit<PredictionRow, "id" | "experiment_id">;

/** The answer columns of a prediction that is a built-in run's coordinate: no answer, nothing stated. */
export const BUILTIN_ANSWER_COLUMNS = {
  answer: null,
  parsed: 1,
  stated_country: null,
  stated_country_name: null,
  stated_admin1: null,
  stated_admin1_name: null,
  stated_city: null,
  stated_city_name: null,
  stated_unresolved: null,
  stated_hit_country: null,
  stated_hit_admin1: null,
  stated_hit_city: null,
  consistent: null,
} as const satisfies Partial<NewPrediction>;

export interface ThresholdAccuracy {
  km: number;
  accuracy: number;
}

export interface ErrorBin {
  loKm: number;
  hiKm: number;
  count: number;
}

export interface AccuracySummary {
  n: number;
  medianKm: number | null;
  meanKm: number | null;
  geoScore: number | null;
  /** Fraction with error ≤ km, per threshold of THRESHOLDS_KM. */
  accuracy: ThresholdAccuracy[];
  levels: LevelAccuracy;
  /** Predictions whose answer had no readable coordinate. */
  unparsed: number;
  /** The share of all predictions whose stated level is the true one; null when none states a chain. */
  statedLevels: { country: number; admin1: number; city: number } | null;
  /** Among predictions that state a country and give a coordinate, the share consistent; null if none. */
  consistency: number | null;
}

export interface CountryRow {
  iso2: string;
  name: string;
  n: number;
  medianKm: number;
  meanKm: number;
  accuracy: ThresholdAccuracy[];
  countryAccuracy: number;
}

/** One true country in two experiments' breakdowns; deltas are b − a, null where one has no row. */
export interface CountryDelta {
  iso2: string;
  name: string;
  nA: number;
  nB: number;
  medianKmA: number | null;
  medianKmB: number | null;
  deltaMedianKm: number | null;
  thresholds: Array<{ km: number; a: number | null; b: number | null; delta: number | null }>;
}

/**
 * One way of computing the aggregates of a filter's predictions: from the per-experiment bins
 * (store/aggregates-bins.ts, for the filters and widths they cover) or from the rows
 * (store/aggregates-rows.ts, any filter). Both give the same answers where both apply.
 */
export interface AggregateSource {
  count(filter: PredictionFilter): Promise<number>;
  /** n, median, mean, GeoScore, accuracy per threshold and per chain level. */
  summary(filter: PredictionFilter): Promise<AccuracySummary>;
  /** Per true country (iso2 '' for none), largest first, then by iso2. */
  countries(filter: PredictionFilter): Promise<CountryRow[]>;
  /**
   * Counts per log-spaced bin: bin k holds errors in [10^(k/b), 10^((k+1)/b)) km for b bins per
   * decade; errors under minKm share the first bin. Every bin from minKm to the largest error,
   * empty ones with count 0.
   */
  histogram(filter: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]>;
}

export const PREDICTION_ORDERS = ["ID", "ERROR_ASC", "ERROR_DESC"] as const;
export type PredictionOrder = (typeof PREDICTION_ORDERS)[number];

export interface Page<T> {
  items: T[];
  /** Cursor of each item, in order. */
  cursors: string[];
  hasNextPage: boolean;
}

export class CursorError extends Error {
  override name = "CursorError";
}

export function encodeCursor(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** Decodes a cursor made by encodeCursor with the given part types; throws CursorError otherwise. */
export function decodeCursor<T extends Array<"string" | "number">>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends "string" ? string : number } {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new CursorError(`"${cursor.slice(0, 40)}" is not a cursor of this connection`);
  }
  if (!Array.isArray(parts) || parts.length !== shape.length || parts.some((p, i) => typeof p !== shape[i])) {
    throw new CursorError(`"${cursor.slice(0, 40)}" is not a cursor of this connection`);
  }
  return parts as { [K in keyof T]: T[K] extends "string" ? string : number };
}
