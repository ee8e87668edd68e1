/**
 * Predictions: ingest through the batch + bins writer (prediction-writer.ts), filtered keyset
 * pages, and the aggregates, all computed in SQL: from the experiment's bins
 * (prediction-bins.ts) when they answer the filter, else from the rows.
 */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import type SQLite from "better-sqlite3";
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import {
  binsCover,
  binsCoverHistogram,
  countFromBins,
  countriesFromBins,
  GEOSCORE_SQL,
  histogramFromBins,
  summaryFromBins,
} from "./prediction-bins.ts";
import { applyFilter } from "./prediction-filter.ts";
import { PredictionWriter } from "./prediction-writer.ts";
import {
  type AccuracySummary,
  type CountryRow,
  decodeCursor,
  type ErrorBin,
  encodeCursor,
  type NewPrediction,
  type Page,
  type PredictionFilter,
  type PredictionOrder,
  type PredictionRow,
  TERMINAL_STATUSES,
} from "./types.ts";

// The jobs (jobs/protocol.ts, jobs/thread.ts) import NewPrediction from this module.
export type { NewPrediction } from "./types.ts";

/** Aggregate results kept in memory per process. */
const CACHED_RESULTS = 500;

/** SUM(CASE WHEN error_km <= t THEN 1 ELSE 0 END) for each threshold, as acc_<t>. */
function thresholdSums(eb: ExpressionBuilder<Database, "predictions">) {
  return THRESHOLDS_KM.map((t) =>
    eb.fn.sum<number>(sql<number>`case when error_km <= ${sql.lit(t)} then 1 else 0 end`).as(`acc_${t}`),
  );
}

export class PredictionStore {
  /** Aggregates of finished experiments, whose predictions no longer change (most recent last). */
  private readonly results = new Map<string, unknown>();

  /**
   * Computes an aggregate, or returns it from memory when its experiment has ended: its
   * predictions are final then (an experiment's id is never reused), so the dashboard's repeated
   * questions cost one primary-key lookup. Running experiments are always computed afresh.
   */
  private async cached<T>(
    kind: string,
    filter: PredictionFilter,
    params: unknown[],
    compute: () => Promise<T>,
  ): Promise<T> {
    const exp = await this.db
      .selectFrom("experiments")
      .select("status")
      .where("id", "=", filter.experimentId)
      .executeTakeFirst();
    if (!exp || !(TERMINAL_STATUSES as readonly string[]).includes(exp.status)) return compute();
    const key = JSON.stringify([
      kind,
      params,
      Object.entries(filter)
        .filter(([, v]) => v != null)
        .sort(),
    ]);
    if (this.results.has(key)) {
      const hit = this.results.get(key) as T;
      this.results.delete(key);
      this.results.set(key, hit);
      return hit;
    }
    const value = await compute();
    this.results.set(key, value);
    if (this.results.size > CACHED_RESULTS) this.results.delete(this.results.keys().next().value as string);
    return value;
  }

  private readonly writer: PredictionWriter;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database | null,
  ) {
    this.writer = new PredictionWriter(db, sqlite);
  }

  /** Inserts one batch and adds it to the experiment's bins, in one transaction. */
  insertBatch(experimentId: string, rows: NewPrediction[]): Promise<void> {
    return this.writer.insertBatch(experimentId, rows);
  }

  /** Deletes an experiment's predictions and bins (an EVAL that starts again). */
  deleteFor(experimentId: string): Promise<void> {
    return this.writer.deleteFor(experimentId);
  }

  /**
   * Runs the queries of one aggregate on one snapshot, so the bins and the seeks into the rows
   * see the same batches of a running experiment (SQLite: one read transaction).
   */
  private snapshot<T>(read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().setIsolationLevel("repeatable read").execute(read);
  }

  get(id: number): Promise<PredictionRow | undefined> {
    return this.db
      .selectFrom("predictions")
      .innerJoin("experiments", "experiments.seq", "predictions.exp")
      .selectAll("predictions")
      .select("experiments.id as experiment_id")
      .where("predictions.id", "=", id)
      .executeTakeFirst();
  }

  /** A keyset page: the cursor is (id) for ID order and (error_km, id) for error orders. */
  async page(
    filter: PredictionFilter,
    order: PredictionOrder,
    first: number,
    after: string | null,
  ): Promise<Page<PredictionRow>> {
    let q = applyFilter(this.db.selectFrom("predictions").selectAll(), filter);
    if (order === "ID") {
      if (after) q = q.where("id", ">", decodeCursor(after, ["number"])[0]);
      q = q.orderBy("id", "asc");
    } else {
      const asc = order === "ERROR_ASC";
      if (after) {
        const [km, id] = decodeCursor(after, ["number", "number"]);
        const cmp = asc ? ">" : "<";
        q = q.where((eb) => eb.or([eb("error_km", cmp, km), eb.and([eb("error_km", "=", km), eb("id", cmp, id)])]));
      }
      q = q.orderBy("error_km", asc ? "asc" : "desc").orderBy("id", asc ? "asc" : "desc");
    }
    const rows = await q.limit(first + 1).execute();
    const items = rows.slice(0, first).map(({ exp: _, ...r }) => ({ ...r, experiment_id: filter.experimentId }));
    return {
      items,
      cursors: items.map((r) => encodeCursor(order === "ID" ? [r.id] : [r.error_km, r.id])),
      hasNextPage: rows.length > first,
    };
  }

  async count(filter: PredictionFilter): Promise<number> {
    if (binsCover(filter)) return countFromBins(this.db, filter);
    const r = await applyFilter(
      this.db.selectFrom("predictions").select((eb) => eb.fn.countAll<number>().as("n")),
      filter,
    ).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Counts per log-spaced bin: bin k holds errors in [10^(k/b), 10^((k+1)/b)) km for b bins per
   * decade; errors under minKm share the first bin. Every bin from minKm to the largest error
   * is returned, empty ones with count 0. From the bins when binsPerDecade divides 20.
   */
  errorHistogram(filter: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]> {
    const kMin = Math.floor(Math.log10(minKm) * binsPerDecade);
    return this.cached("histogram", filter, [binsPerDecade, minKm], async () => {
      const counts =
        binsCover(filter) && binsCoverHistogram(binsPerDecade)
          ? await histogramFromBins(this.db, filter, binsPerDecade, kMin)
          : await this.countPerHistogramBin(filter, binsPerDecade, minKm, kMin);
      return histogramBins(counts, binsPerDecade, kMin);
    });
  }

  private async countPerHistogramBin(
    filter: PredictionFilter,
    binsPerDecade: number,
    minKm: number,
    kMin: number,
  ): Promise<Map<number, number>> {
    const b = sql.lit(binsPerDecade);
    const lo = sql.lit(minKm);
    const binned = applyFilter(
      this.db
        .selectFrom("predictions")
        .select(
          sql<number>`case when error_km < ${lo} then ${sql.lit(kMin)} else floor(log10(error_km) * ${b}) end`.as("k"),
        ),
      filter,
    ).as("binned");
    const rows = await this.db
      .selectFrom(binned)
      .select(["k", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("k")
      .execute();
    return new Map(rows.map((r) => [Number(r.k), Number(r.n)]));
  }

  /** n, median, mean, GeoScore, accuracy per threshold and per chain level. */
  summary(filter: PredictionFilter): Promise<AccuracySummary> {
    return this.cached("summary", filter, [], () =>
      this.snapshot((db) => (binsCover(filter) ? summaryFromBins(db, filter) : this.computeSummary(db, filter))),
    );
  }

  private async computeSummary(db: Kysely<Database>, filter: PredictionFilter): Promise<AccuracySummary> {
    const agg = await applyFilter(
      db
        .selectFrom("predictions")
        .select((eb) => [
          eb.fn.countAll<number>().as("n"),
          eb.fn.avg<number>("error_km").as("mean"),
          eb.fn.avg<number>(sql.raw<number>(GEOSCORE_SQL)).as("geo"),
          eb.fn.avg<number>("hit_country").as("country"),
          eb.fn.avg<number>("hit_admin1").as("admin1"),
          eb.fn.avg<number>("hit_city").as("city"),
          ...thresholdSums(eb),
        ]),
      filter,
    ).executeTakeFirstOrThrow();
    const n = Number(agg.n);
    const medianKm = n === 0 ? null : await this.median(db, filter, n);
    const row = agg as unknown as Record<string, number | null>;
    return {
      n,
      medianKm,
      meanKm: n === 0 ? null : Number(agg.mean),
      geoScore: n === 0 ? null : Number(agg.geo),
      accuracy: THRESHOLDS_KM.map((km) => ({ km, accuracy: n === 0 ? 0 : Number(row[`acc_${km}`]) / n })),
      levels: {
        country: n === 0 ? 0 : Number(agg.country),
        admin1: n === 0 ? 0 : Number(agg.admin1),
        city: n === 0 ? 0 : Number(agg.city),
      },
    };
  }

  /** The median by the (experiment, error_km) index: the middle one or two rows in error order. */
  private async median(db: Kysely<Database>, filter: PredictionFilter, n: number): Promise<number> {
    const rows = await applyFilter(db.selectFrom("predictions").select("error_km"), filter)
      .orderBy("error_km")
      .limit(n % 2 === 1 ? 1 : 2)
      .offset(Math.floor((n - 1) / 2))
      .execute();
    return rows.reduce((s, r) => s + r.error_km, 0) / rows.length;
  }

  /**
   * Per true country: n, median (the middle one or two rows of each country's error order),
   * mean, accuracy per threshold and country-level hits. Largest countries first. Without bins,
   * the medians come from window functions both dialects have.
   */
  countryBreakdown(filter: PredictionFilter): Promise<CountryRow[]> {
    return this.cached("countries", filter, [], () =>
      binsCover(filter) ? this.snapshot((db) => countriesFromBins(db, filter)) : this.computeCountryBreakdown(filter),
    );
  }

  private async computeCountryBreakdown(filter: PredictionFilter): Promise<CountryRow[]> {
    const ranked = applyFilter(
      this.db
        .selectFrom("predictions")
        .select([
          sql<string>`coalesce(true_country, '')`.as("iso2"),
          "true_country_name",
          "error_km",
          "hit_country",
          sql<number>`row_number() over (partition by true_country order by error_km)`.as("rn"),
          sql<number>`count(*) over (partition by true_country)`.as("cnt"),
        ]),
      filter,
    ).as("ranked");
    const rows = await this.db
      .selectFrom(ranked)
      .select((eb) => [
        "iso2",
        eb.fn.max("true_country_name").as("name"),
        eb.fn.countAll<number>().as("n"),
        eb.fn.avg<number>("error_km").as("mean"),
        eb.fn
          .avg<number>(sql<number>`case when rn = (cnt + 1) / 2 or rn = (cnt + 2) / 2 then error_km else null end`)
          .as("median"),
        eb.fn.avg<number>("hit_country").as("country_acc"),
        ...THRESHOLDS_KM.map((t) =>
          eb.fn.sum<number>(sql<number>`case when error_km <= ${sql.lit(t)} then 1 else 0 end`).as(`acc_${t}`),
        ),
      ])
      .groupBy("iso2")
      .orderBy("n", "desc")
      .orderBy("iso2")
      .execute();
    return rows.map((r) => {
      const row = r as unknown as Record<string, number>;
      const n = Number(r.n);
      return {
        iso2: r.iso2,
        name: r.name ?? "(no country)",
        n,
        medianKm: Number(r.median),
        meanKm: Number(r.mean),
        accuracy: THRESHOLDS_KM.map((km) => ({ km, accuracy: Number(row[`acc_${km}`]) / n })),
        countryAccuracy: Number(r.country_acc),
      };
    });
  }
}

/** Every bin from kMin to the largest non-empty one, empty ones with count 0; kMin starts at 0 km. */
function histogramBins(counts: Map<number, number>, binsPerDecade: number, kMin: number): ErrorBin[] {
  if (counts.size === 0) return [];
  const kMax = Math.max(...counts.keys());
  const bins: ErrorBin[] = [];
  for (let k = kMin; k <= kMax; k++) {
    bins.push({
      loKm: k === kMin ? 0 : 10 ** (k / binsPerDecade),
      hiKm: 10 ** ((k + 1) / binsPerDecade),
      count: counts.get(k) ?? 0,
    });
  }
  return bins;
}
