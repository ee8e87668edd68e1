/**
 * The aggregates of a filter's predictions: which source computes them (the bins when they
 * cover the filter, else the rows) and the results kept in memory for ended experiments. Every
 * aggregate the API answers goes through PredictionAggregates; compareBreakdowns joins two
 * experiments' per-country rows.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/tables.ts";
import { BinAggregates } from "./aggregates-bins.ts";
import { RowAggregates } from "./aggregates-rows.ts";
import { binsCover, binsCoverHistogram } from "./prediction-bins.ts";
import { ResultCache } from "./result-cache.ts";
import type {
  AccuracySummary,
  AggregateSource,
  CountryDelta,
  CountryRow,
  ErrorBin,
  PredictionFilter,
} from "./types.ts";

/** Aggregate results kept in memory per process. */
const CACHED_RESULTS = 500;

export class PredictionAggregates {
  /**
   * Ended experiments' results: the dashboard's repeated questions cost one primary-key lookup.
   * A new aggregate keeps its results here under its own kind.
   */
  private readonly cache: ResultCache;
  private readonly bins: AggregateSource;
  private readonly rows: AggregateSource;

  constructor(db: Kysely<Database>) {
    this.cache = new ResultCache(db, { entries: CACHED_RESULTS });
    this.bins = new BinAggregates(db);
    this.rows = new RowAggregates(db);
  }

  /** The bins when they answer the filter (split, true country, level hit), else the rows. */
  private source(filter: PredictionFilter): AggregateSource {
    return binsCover(filter) ? this.bins : this.rows;
  }

  /** Predictions matching the filter (not kept: a page's totalCount). */
  count(filter: PredictionFilter): Promise<number> {
    return this.source(filter).count(filter);
  }

  /** n, median, mean, GeoScore, accuracy per threshold and per chain level. */
  summary(filter: PredictionFilter): Promise<AccuracySummary> {
    return this.cache.get("summary", filter, [], () => this.source(filter).summary(filter));
  }

  /**
   * Per true country: n, median (the middle one or two rows of each country's error order),
   * mean, accuracy per threshold and country-level hits. Largest countries first.
   */
  countryBreakdown(filter: PredictionFilter): Promise<CountryRow[]> {
    return this.cache.get("countries", filter, [], () => this.source(filter).countries(filter));
  }

  /**
   * Counts per log-spaced bin (AggregateSource.histogram); from the bins when binsPerDecade
   * divides their 20 per decade.
   */
  errorHistogram(filter: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]> {
    const source = binsCoverHistogram(binsPerDecade) ? this.source(filter) : this.rows;
    return this.cache.get("histogram", filter, [binsPerDecade, minKm], () =>
      source.histogram(filter, binsPerDecade, minKm),
    );
  }
}

/**
 * Experiment b's per-country rows against a's: one delta per true country in either, b − a,
 * null where one experiment has no prediction there; by combined count, then iso2.
 */
export function compareBreakdowns(a: CountryRow[], b: CountryRow[]): CountryDelta[] {
  const byA = new Map(a.map((c) => [c.iso2, c]));
  const byB = new Map(b.map((c) => [c.iso2, c]));
  const isos = [...new Set([...byA.keys(), ...byB.keys()])];
  return isos
    .map((iso2): CountryDelta => {
      const x = byA.get(iso2);
      const y = byB.get(iso2);
      return {
        iso2,
        name: x?.name ?? y?.name ?? iso2,
        nA: x?.n ?? 0,
        nB: y?.n ?? 0,
        medianKmA: x?.medianKm ?? null,
        medianKmB: y?.medianKm ?? null,
        deltaMedianKm: x && y ? y.medianKm - x.medianKm : null,
        thresholds: (x ?? y)!.accuracy.map((t, i) => {
          const av = x ? x.accuracy[i].accuracy : null;
          const bv = y ? y.accuracy[i].accuracy : null;
          return { km: t.km, a: av, b: bv, delta: av !== null && bv !== null ? bv - av : null };
        }),
      };
    })
    .sort((p, q) => q.nA + q.nB - (p.nA + p.nB) || p.iso2.localeCompare(q.iso2));
}
