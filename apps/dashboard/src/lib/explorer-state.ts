// The prediction explorer's whole state, kept in the URL so any view is a shareable link.
// Parsing is lenient per field (a bad value falls back to its default) and serialising drops
// defaults, so links stay short and stable.
import { SCORED_LEVELS, type ScoredLevel } from "@geor/geo/constants";
import type { Level, PredictionFilter, PredictionOrder } from "@/gql/graphql";

/**
 * `List` when it names every member of `Union` (and, by its constraint, nothing else); otherwise a
 * type that names the missing members, which no list satisfies.
 */
type ListingAll<Union, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never]
  ? List
  : { missing: Exclude<Union, List[number]> };

// The schema's Level and PredictionOrder enums reach the dashboard as types only (codegen's
// enumsAsTypes). The levels are the evaluation's scored levels, each named by its enum value (a
// level the schema lacks fails to compile); the orders are spelt here and checked both ways.
const LEVEL_VALUE = { country: "COUNTRY", admin1: "ADMIN1", place: "PLACE" } as const satisfies Record<
  ScoredLevel,
  Level
>;
export type ChainLevel = (typeof LEVEL_VALUE)[ScoredLevel];
export const LEVELS: readonly ChainLevel[] = SCORED_LEVELS.map((l) => LEVEL_VALUE[l]);
/** A level from a URL; CITY is the place level's name in links shared before it was renamed. */
export function parseLevel(value: string | null): ChainLevel | null {
  return value === "CITY" ? "PLACE" : oneOf(value, LEVELS);
}
const orders = ["ERROR_DESC", "ERROR_ASC", "ID"] as const;
export const ORDERS: ListingAll<PredictionOrder, typeof orders> = orders;
export type ExplorerOrder = PredictionOrder;
/** The level a hit / miss filter applies at when the URL names none. */
export const DEFAULT_HIT_LEVEL: ChainLevel = "COUNTRY";

export type ExplorerState = {
  experiment: string | null;
  split: string | null;
  country: string | null;
  predictedCountry: string | null;
  minKm: number | null;
  maxKm: number | null;
  level: ChainLevel | null;
  hit: boolean | null;
  /** Answers with (true) or without (false) a readable coordinate; URL `answer=readable|unreadable`. */
  parsed: boolean | null;
  /** Coordinates inside (true) or outside (false) the stated country; URL `consistency=consistent|inconsistent`. */
  consistent: boolean | null;
  order: ExplorerOrder;
  selected: string | null;
  view: { longitude: number; latitude: number; zoom: number } | null;
  /** Predictions whose true location lies in this area (a map bin's); URL `bounds=west,south,east,north`. */
  bounds: AreaBounds | null;
};

export type AreaBounds = { west: number; south: number; east: number; north: number };

export const DEFAULT_EXPLORER_STATE: ExplorerState = {
  experiment: null,
  split: null,
  country: null,
  predictedCountry: null,
  minKm: null,
  maxKm: null,
  level: null,
  hit: null,
  parsed: null,
  consistent: null,
  order: "ERROR_DESC",
  selected: null,
  view: null,
  bounds: null,
};

type Params = { get(name: string): string | null };

function num(value: string | null, min: number, max: number): number | null {
  if (value === null || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** How a yes / no filter is spelt in the URL: the word for true, the word for false. */
type YesNo = readonly [yes: string, no: string];
const HIT_WORDS: YesNo = ["true", "false"];
const ANSWER_WORDS: YesNo = ["readable", "unreadable"];
const CONSISTENCY_WORDS: YesNo = ["consistent", "inconsistent"];

/** Any other word than the two: no filter. */
function parseYesNo(value: string | null, [yes, no]: YesNo): boolean | null {
  return value === yes ? true : value === no ? false : null;
}

function setYesNo(out: URLSearchParams, name: string, value: boolean | null, [yes, no]: YesNo): void {
  if (value !== null) out.set(name, value ? yes : no);
}

function iso2(value: string | null): string | null {
  return value && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : null;
}

/** An area from a URL: four finite numbers, latitudes in [−90, 90] with south < north; else null. */
export function parseBounds(value: string | null): AreaBounds | null {
  const v = value?.split(",").map((x) => (x.trim() === "" ? Number.NaN : Number(x)));
  if (v?.length !== 4 || !v.every(Number.isFinite)) return null;
  const [west, south, east, north] = v as [number, number, number, number];
  if (south < -90 || north > 90 || south >= north || Math.abs(west) > 540 || Math.abs(east) > 540) return null;
  return { west, south, east, north };
}

export function parseExplorerState(params: Params): ExplorerState {
  const view = params.get("view")?.split(",").map(Number);
  const validView =
    view?.length === 3 &&
    Math.abs(view[0]!) <= 540 &&
    Math.abs(view[1]!) <= 90 &&
    view[2]! >= -2 &&
    view[2]! <= 22 &&
    view.every(Number.isFinite);
  return {
    experiment: params.get("experiment") || null,
    split: params.get("split") || null,
    country: iso2(params.get("country")),
    predictedCountry: iso2(params.get("predicted")),
    minKm: num(params.get("minKm"), 0, 40000),
    maxKm: num(params.get("maxKm"), 0, 40000),
    level: parseLevel(params.get("level")),
    hit: parseYesNo(params.get("hit"), HIT_WORDS),
    parsed: parseYesNo(params.get("answer"), ANSWER_WORDS),
    consistent: parseYesNo(params.get("consistency"), CONSISTENCY_WORDS),
    order: oneOf(params.get("order"), ORDERS) ?? DEFAULT_EXPLORER_STATE.order,
    selected: params.get("selected") || null,
    view: validView ? { longitude: view[0]!, latitude: view[1]!, zoom: view[2]! } : null,
    bounds: parseBounds(params.get("bounds")),
  };
}

export function serializeExplorerState(state: ExplorerState): string {
  const out = new URLSearchParams();
  if (state.experiment) out.set("experiment", state.experiment);
  if (state.split) out.set("split", state.split);
  if (state.country) out.set("country", state.country);
  if (state.predictedCountry) out.set("predicted", state.predictedCountry);
  if (state.minKm !== null) out.set("minKm", String(state.minKm));
  if (state.maxKm !== null) out.set("maxKm", String(state.maxKm));
  if (state.level) out.set("level", state.level);
  setYesNo(out, "hit", state.hit, HIT_WORDS);
  setYesNo(out, "answer", state.parsed, ANSWER_WORDS);
  setYesNo(out, "consistency", state.consistent, CONSISTENCY_WORDS);
  if (state.order !== DEFAULT_EXPLORER_STATE.order) out.set("order", state.order);
  // Full precision: a bin's edges are exact in Float32, and select exactly its predictions.
  if (state.bounds) {
    const { west, south, east, north } = state.bounds;
    out.set("bounds", [west, south, east, north].map(String).join(","));
  }
  if (state.selected) out.set("selected", state.selected);
  if (state.view) out.set("view", formatView(state.view));
  return out.toString();
}

/** A map view as the `view` parameter: lon,lat,zoom (~100 m and a hundredth of a zoom level). */
export function formatView({ longitude, latitude, zoom }: { longitude: number; latitude: number; zoom: number }) {
  return [longitude.toFixed(3), latitude.toFixed(3), zoom.toFixed(2)].join(",");
}

/**
 * The API's filter for a state: null until an experiment is chosen; the level counts only with hit / miss.
 * A consistency filter keeps only answers that state a country and give a coordinate.
 */
export function explorerFilter(state: ExplorerState): PredictionFilter | null {
  if (!state.experiment) return null;
  return {
    experimentId: state.experiment,
    split: state.split,
    trueCountry: state.country,
    predictedCountry: state.predictedCountry,
    minErrorKm: state.minKm,
    maxErrorKm: state.maxKm,
    level: state.hit !== null ? (state.level ?? DEFAULT_HIT_LEVEL) : null,
    hit: state.hit,
    parsed: state.parsed,
    consistent: state.consistent,
    bounds: state.bounds,
  };
}
