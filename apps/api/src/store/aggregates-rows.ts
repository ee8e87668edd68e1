/**
 * The aggregates from the prediction rows, for any filter: SQL aggregates over the filtered
 * rows, the overall median by reading the middle one or two rows through the (experiment,
 * error_km) index, per-country medians by window functions both dialects have.
 */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import {
  ANSWER_SUMS,
  answerStats,
  answerSumsOf,
  firstHistogramBin,
  GEOSCORE_SQL,
  histogramBins,
  snapshot,
} from "./aggregates-shared.ts";
import { applyFilter } from "./prediction-filter.ts";
import type { AccuracySummary, AggregateSource, CountryRow, ErrorBin, PredictionFilter } from "./types.ts";

type Db = Kysely<Database>;

/** SUM(CASE WHEN error_km <= t THEN 1 ELSE 0 END) for each threshold, as acc_<t>. */
function thresholdSums<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) {
  return THRESHOLDS_KM.map((t) =>
    eb.fn.sum<number>(sql<number>`case when error_km <= ${sql.lit(t)} then 1 else 0 end`).as(`acc_${t}`),
  );
}

/** The fraction within each threshold, from the acc_<t> sums of a row of n predictions. */
function accuracyOf(row: object, n: number) {
  const sums = row as Record<string, number | null>;
  return THRESHOLDS_KM.map((km) => ({ km, accuracy: n === 0 ? 0 : Number(sums[`acc_${km}`]) / n }));
}

/** The median by the (experiment, error_km) index: the middle one or two rows in error order. */
async function median(db: Db, filter: PredictionFilter, n: number): Promise<number> {
  const rows = await applyFilter(db.selectFrom("predictions").select("error_km"), filter)
    .orderBy("error_km")
    .limit(n % 2 === 1 ? 1 : 2)
    .offset(Math.floor((n - 1) / 2))
    .execute();
  return rows.reduce((s, r) => s + r.error_km, 0) / rows.length;
}

export class RowAggregates implements AggregateSource {
  constructor(private readonly db: Db) {}

  async count(filter: PredictionFilter): Promise<number> {
    const r = await applyFilter(
      this.db.selectFrom("predictions").select((eb) => eb.fn.countAll<number>().as("n")),
      filter,
    ).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async histogram(filter: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]> {
    const kMin = firstHistogramBin(binsPerDecade, minKm);
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
    return histogramBins(new Map(rows.map((r) => [Number(r.k), Number(r.n)])), binsPerDecade, kMin);
  }

  summary(filter: PredictionFilter): Promise<AccuracySummary> {
    return snapshot(this.db, async (db) => {
      const agg = await applyFilter(
        db
          .selectFrom("predictions")
          .select((eb) => [
            eb.fn.countAll<number>().as("n"),
            eb.fn.avg<number>("error_km").as("mean"),
            eb.fn.avg<number>(sql.raw<number>(GEOSCORE_SQL)).as("geo"),
            eb.fn.avg<number>("hit_country").as("country"),
            eb.fn.avg<number>("hit_admin1").as("admin1"),
            eb.fn.avg<number>("hit_place").as("place"),
            ...ANSWER_SUMS.map(([c, expr]) => sql.raw<number>(expr).as(c)),
            ...thresholdSums(eb),
          ]),
        filter,
      ).executeTakeFirstOrThrow();
      const n = Number(agg.n);
      const medianKm = n === 0 ? null : await median(db, filter, n);
      return {
        n,
        medianKm,
        meanKm: n === 0 ? null : Number(agg.mean),
        geoScore: n === 0 ? null : Number(agg.geo),
        accuracy: accuracyOf(agg, n),
        levels: {
          country: n === 0 ? 0 : Number(agg.country),
          admin1: n === 0 ? 0 : Number(agg.admin1),
          place: n === 0 ? 0 : Number(agg.place),
        },
        ...answerStats(n, answerSumsOf(agg)),
      };
    });
  }

  /** The median of each country averages the rows whose row_number is the middle of its count. */
  async countries(filter: PredictionFilter): Promise<CountryRow[]> {
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
        ...thresholdSums(eb),
      ])
      .groupBy("iso2")
      .orderBy("n", "desc")
      .orderBy("iso2")
      .execute();
    return rows.map((r) => {
      const n = Number(r.n);
      return {
        iso2: r.iso2,
        name: r.name ?? "(no country)",
        n,
        medianKm: Number(r.median),
        meanKm: Number(r.mean),
        accuracy: accuracyOf(r, n),
        countryAccuracy: Number(r.country_acc),
      };
    });
  }
}
