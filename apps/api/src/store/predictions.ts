/** Predictions: batched ingest, filtered keyset pages, and the aggregates, all computed in SQL. */
import { THRESHOLDS_KM } from "@geor/geo";
import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Database, Dialect, Row } from "../db/tables.ts";
import { decodeCursor, encodeCursor, type Page, type PredictionFilter, type PredictionOrder } from "./types.ts";

export type PredictionRow = Row<"predictions">;
export type NewPrediction = Omit<PredictionRow, "id" | "experiment_id">;

/** Rows per INSERT statement: 29 columns × 500 stays below SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500;

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
  accuracy: Array<{ km: number; accuracy: number }>;
  levels: { country: number; admin1: number; city: number };
}

export interface CountryRow {
  iso2: string;
  name: string;
  n: number;
  medianKm: number;
  meanKm: number;
  accuracy: Array<{ km: number; accuracy: number }>;
  countryAccuracy: number;
}

type PredQuery<O> = SelectQueryBuilder<Database, "predictions", O>;

function applyFilter<O>(q: PredQuery<O>, f: PredictionFilter): PredQuery<O> {
  q = q.where("experiment_id", "=", f.experimentId);
  if (f.split) q = q.where("split", "=", f.split);
  if (f.trueCountry) q = q.where("true_country", "=", f.trueCountry.toUpperCase());
  if (f.predictedCountry) q = q.where("pred_country", "=", f.predictedCountry.toUpperCase());
  if (f.minErrorKm != null) q = q.where("error_km", ">=", f.minErrorKm);
  if (f.maxErrorKm != null) q = q.where("error_km", "<=", f.maxErrorKm);
  if (f.level && f.hit != null) {
    const col = f.level === "COUNTRY" ? "hit_country" : f.level === "ADMIN1" ? "hit_admin1" : "hit_city";
    q = q.where(col, "=", f.hit ? 1 : 0);
  }
  return q;
}

/** SUM(CASE WHEN error_km <= t THEN 1 ELSE 0 END) for each threshold, as acc_<t>. */
function thresholdSums(eb: ExpressionBuilder<Database, "predictions">) {
  return THRESHOLDS_KM.map((t) =>
    eb.fn.sum<number>(sql<number>`case when error_km <= ${sql.lit(t)} then 1 else 0 end`).as(`acc_${t}`),
  );
}

export class PredictionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts one batch in one transaction. */
  async insertBatch(experimentId: string, rows: NewPrediction[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        await tx
          .insertInto("predictions")
          .values(rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({ experiment_id: experimentId, ...r })))
          .execute();
      }
    });
  }

  async deleteFor(experimentId: string): Promise<void> {
    await this.db.deleteFrom("predictions").where("experiment_id", "=", experimentId).execute();
  }

  get(id: number): Promise<PredictionRow | undefined> {
    return this.db.selectFrom("predictions").selectAll().where("id", "=", id).executeTakeFirst();
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
    const items = rows.slice(0, first);
    return {
      items,
      cursors: items.map((r) => encodeCursor(order === "ID" ? [r.id] : [r.error_km, r.id])),
      hasNextPage: rows.length > first,
    };
  }

  async count(filter: PredictionFilter): Promise<number> {
    const r = await applyFilter(
      this.db.selectFrom("predictions").select((eb) => eb.fn.countAll<number>().as("n")),
      filter,
    ).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Counts per log-spaced bin: bin k holds errors in [10^(k/b), 10^((k+1)/b)) km for b bins per
   * decade; errors under minKm share the first bin. Every bin from minKm to the largest error
   * is returned, empty ones with count 0.
   */
  async errorHistogram(filter: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]> {
    const b = sql.lit(binsPerDecade);
    const lo = sql.lit(minKm);
    const kMin = Math.floor(Math.log10(minKm) * binsPerDecade);
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
      .orderBy("k")
      .execute();
    if (rows.length === 0) return [];
    const counts = new Map(rows.map((r) => [Number(r.k), Number(r.n)]));
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

  /** n, median, mean, GeoScore, accuracy per threshold and per chain level, in two queries. */
  async summary(filter: PredictionFilter): Promise<AccuracySummary> {
    const agg = await applyFilter(
      this.db
        .selectFrom("predictions")
        .select((eb) => [
          eb.fn.countAll<number>().as("n"),
          eb.fn.avg<number>("error_km").as("mean"),
          eb.fn.avg<number>(sql<number>`5000 * exp(-error_km / 1492.7)`).as("geo"),
          eb.fn.avg<number>("hit_country").as("country"),
          eb.fn.avg<number>("hit_admin1").as("admin1"),
          eb.fn.avg<number>("hit_city").as("city"),
          ...thresholdSums(eb),
        ]),
      filter,
    ).executeTakeFirstOrThrow();
    const n = Number(agg.n);
    const medianKm = n === 0 ? null : await this.median(filter, n);
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
  private async median(filter: PredictionFilter, n: number): Promise<number> {
    const rows = await applyFilter(this.db.selectFrom("predictions").select("error_km"), filter)
      .orderBy("error_km")
      .limit(n % 2 === 1 ? 1 : 2)
      .offset(Math.floor((n - 1) / 2))
      .execute();
    return rows.reduce((s, r) => s + r.error_km, 0) / rows.length;
  }

  /**
   * Per true country: n, median (the middle one or two rows of each country's error order, by
   * window functions both dialects have), mean, accuracy per threshold and country-level hits.
   * Largest countries first.
   */
  async countryBreakdown(filter: PredictionFilter): Promise<CountryRow[]> {
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

  get dialectName(): Dialect {
    return this.dialect;
  }
}
