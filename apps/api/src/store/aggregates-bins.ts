/**
 * The aggregates from the prediction bins (prediction-bins.ts), for the filters and histogram
 * widths they cover: sums from the bins, exact medians by index seeks into the fine bin that
 * holds each middle rank (per country: one scan of a fine bin for all the countries whose middle
 * ranks it holds).
 */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import {
  ANSWER_SUMS,
  type AnswerSums,
  answerStats,
  answerSumsOf,
  firstHistogramBin,
  histogramBins,
  snapshot,
} from "./aggregates-shared.ts";
import { BELOW_FLOOR_BIN, FINE_BIN_SQL, FINE_BINS_PER_DECADE, FLOOR_KM } from "./prediction-bins.ts";
import { applyFilter, hitColumn, type PredQuery } from "./prediction-filter.ts";
import type { AccuracySummary, AggregateSource, CountryRow, ErrorBin, PredictionFilter } from "./types.ts";

type Db = Kysely<Database>;

/** Arms of one UNION ALL of median seeks (SQLite allows 500). */
const ARMS_PER_QUERY = 200;

interface Cell {
  country: string;
  name: string;
  bin: number;
  band: number;
  n: number;
  hitCountry: number;
  hitAdmin1: number;
  hitPlace: number;
  sumKm: number;
  sumGeo: number;
  answers: AnswerSums;
}

/** The filter's bins in error order (bin, then band), summed over countries unless byCountry. */
async function readCells(db: Db, f: PredictionFilter, byCountry: boolean): Promise<Cell[]> {
  let q = db.selectFrom("prediction_bins").where("experiment_id", "=", f.experimentId);
  if (f.split) q = q.where("split", "=", f.split);
  if (f.trueCountry) q = q.where("true_country", "=", f.trueCountry.toUpperCase());
  if (f.level && f.hit != null) q = q.where(hitColumn(f.level), "=", f.hit ? 1 : 0);
  const rows = await q
    .select((eb) => [
      "bin",
      "band",
      eb.fn.sum<number>("n").as("n"),
      eb.fn.sum<number>(sql`n * hit_country`).as("hit_country"),
      eb.fn.sum<number>(sql`n * hit_admin1`).as("hit_admin1"),
      eb.fn.sum<number>(sql`n * hit_place`).as("hit_place"),
      eb.fn.sum<number>("sum_km").as("sum_km"),
      eb.fn.sum<number>("sum_geo").as("sum_geo"),
      ...ANSWER_SUMS.map(([c]) => eb.fn.sum<number>(c).as(c)),
    ])
    .$if(byCountry, (qb) =>
      qb.select((eb) => ["true_country", eb.fn.max("true_country_name").as("name")]).groupBy("true_country"),
    )
    .groupBy(["bin", "band"])
    .orderBy("bin")
    .orderBy("band")
    .execute();
  return rows.map((r) => ({
    country: r.true_country ?? "",
    name: r.name ?? "",
    bin: Number(r.bin),
    band: Number(r.band),
    n: Number(r.n),
    hitCountry: Number(r.hit_country),
    hitAdmin1: Number(r.hit_admin1),
    hitPlace: Number(r.hit_place),
    sumKm: Number(r.sum_km),
    sumGeo: Number(r.sum_geo),
    answers: answerSumsOf(r as unknown as Record<string, unknown>),
  }));
}

function tally(cells: Cell[]) {
  const t = { n: 0, sumKm: 0, sumGeo: 0, hitCountry: 0, hitAdmin1: 0, hitPlace: 0, name: "" };
  const answers = answerSumsOf({});
  const within = THRESHOLDS_KM.map(() => 0);
  for (const c of cells) {
    for (const [k] of ANSWER_SUMS) answers[k] += c.answers[k];
    t.n += c.n;
    t.sumKm += c.sumKm;
    t.sumGeo += c.sumGeo;
    t.hitCountry += c.hitCountry;
    t.hitAdmin1 += c.hitAdmin1;
    t.hitPlace += c.hitPlace;
    if (c.name > t.name) t.name = c.name;
    for (let i = c.band; i < within.length; i++) within[i] += c.n;
  }
  const accuracy = THRESHOLDS_KM.map((km, i) => ({ km, accuracy: t.n === 0 ? 0 : within[i] / t.n }));
  return { ...t, accuracy, answers };
}

/**
 * Where a median seek looks: `limit` rows from `offset` of one fine bin in error order, of one
 * true country's rows ('' for none) or of all the filter's rows (null).
 */
interface Seek {
  group: number;
  country: string | null;
  bin: number;
  offset: number;
  limit: number;
}

/** The filter's predictions in one fine bin, by a range of predictions_error and the bin itself. */
function inFineBin<O>(q: PredQuery<O>, bin: number): PredQuery<O> {
  if (bin === BELOW_FLOOR_BIN) return q.where("error_km", "<", FLOOR_KM);
  // A range slightly wider than the bin lets the index seek; the bin expression itself decides.
  return q
    .where("error_km", ">=", 10 ** (bin / FINE_BINS_PER_DECADE) * (1 - 1e-9))
    .where("error_km", "<", 10 ** ((bin + 1) / FINE_BINS_PER_DECADE) * (1 + 1e-9))
    .where(sql<number>`${sql.raw(FINE_BIN_SQL)}`, "=", bin);
}

/** A seek of all the filter's rows (country null): the rows at its offset in the bin. */
function seekQuery(db: Db, f: PredictionFilter, s: Seek) {
  const q = inFineBin(applyFilter(db.selectFrom("predictions").select("error_km"), f), s.bin);
  return db
    .selectFrom(q.orderBy("error_km").limit(s.limit).offset(s.offset).as("s"))
    .select([sql<number>`${sql.lit(s.group)}`.as("grp"), "error_km"]);
}

/**
 * The seeks of one fine bin that each look at one country's rows, in one scan of the bin's
 * stretch of predictions_error (the true country is its last column): the rows of the countries
 * sought, numbered in error order within each country, and those at each seek's offsets.
 */
function countrySeeksQuery(db: Db, f: PredictionFilter, seeks: Seek[]) {
  const named = seeks.flatMap((s) => (s.country ? [s.country] : []));
  const numbered = inFineBin(
    applyFilter(
      db
        .selectFrom("predictions")
        .select([
          sql<string>`coalesce(true_country, '')`.as("country"),
          "error_km",
          sql<number>`row_number() over (partition by true_country order by error_km) - 1`.as("r"),
        ]),
      f,
    ),
    seeks[0].bin,
  ).where((eb) =>
    eb.or([
      ...(named.length > 0 ? [eb("true_country", "in", named)] : []),
      ...(named.length < seeks.length ? [eb("true_country", "is", null)] : []),
    ]),
  );
  const group = sql<number>`case country ${sql.join(
    seeks.map((s) => sql`when ${s.country} then ${sql.lit(s.group)}`),
    sql` `,
  )} end`;
  // One row per rank sought; IN (VALUES …) is a lookup per row where a chain of ORs is a scan of them.
  const ranks = seeks.flatMap((s) =>
    Array.from({ length: s.limit }, (_, k) => sql`(${s.country}, ${sql.lit(s.offset + k)})`),
  );
  return db
    .selectFrom(numbered.as("s"))
    .select([group.as("grp"), "error_km"])
    .where(sql<boolean>`(country, r) in (values ${sql.join(ranks)})`);
}

/**
 * The exact median of each group (its cells in error order): the bins give the fine bin and
 * the offset inside it of the one or two middle ranks; the rows are read by index seeks, a
 * country's within one scan of its fine bin shared by all the countries whose median is in it,
 * all in one UNION ALL.
 */
async function medians(db: Db, f: PredictionFilter, groups: Array<{ country: string | null; cells: Cell[] }>) {
  const seeks: Seek[] = [];
  groups.forEach(({ country, cells }, group) => {
    const n = cells.reduce((s, c) => s + c.n, 0);
    const ranks = n % 2 === 1 ? [(n - 1) / 2] : [n / 2 - 1, n / 2];
    let before = 0;
    let i = 0;
    for (const rank of ranks) {
      // Cells of one bin are adjacent (ordered by bin, then band).
      while (before + binCount(cells, i) <= rank) {
        before += binCount(cells, i);
        i = nextBin(cells, i);
      }
      const last = seeks[seeks.length - 1];
      if (last && last.group === group && last.bin === cells[i].bin) last.limit++;
      else seeks.push({ group, country, bin: cells[i].bin, offset: rank - before, limit: 1 });
    }
  });
  const byBin = new Map<number, Seek[]>();
  const arms = [];
  for (const s of seeks) {
    if (s.country === null) arms.push(seekQuery(db, f, s));
    else byBin.set(s.bin, [...(byBin.get(s.bin) ?? []), s]);
  }
  for (const binSeeks of byBin.values()) arms.push(countrySeeksQuery(db, f, binSeeks));
  const values: number[][] = groups.map(() => []);
  for (let start = 0; start < arms.length; start += ARMS_PER_QUERY) {
    const chunk = arms.slice(start, start + ARMS_PER_QUERY);
    const rows = await chunk
      .slice(1)
      .reduce((u, arm) => u.unionAll(arm), chunk[0])
      .execute();
    for (const r of rows) values[Number(r.grp)].push(r.error_km);
  }
  return values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
}

function binCount(cells: Cell[], i: number): number {
  let n = 0;
  for (let j = i; j < cells.length && cells[j].bin === cells[i].bin; j++) n += cells[j].n;
  return n;
}

function nextBin(cells: Cell[], i: number): number {
  let j = i;
  while (j < cells.length && cells[j].bin === cells[i].bin) j++;
  return j;
}

/** The aggregates of filters that binsCover, histograms of widths that binsCoverHistogram. */
export class BinAggregates implements AggregateSource {
  constructor(private readonly db: Db) {}

  async count(f: PredictionFilter): Promise<number> {
    return tally(await readCells(this.db, f, false)).n;
  }

  async histogram(f: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]> {
    const kMin = firstHistogramBin(binsPerDecade, minKm);
    const fineBinsPerBin = FINE_BINS_PER_DECADE / binsPerDecade;
    const counts = new Map<number, number>();
    for (const c of await readCells(this.db, f, false)) {
      const k = Math.max(kMin, Math.floor(c.bin / fineBinsPerBin));
      counts.set(k, (counts.get(k) ?? 0) + c.n);
    }
    return histogramBins(counts, binsPerDecade, kMin);
  }

  summary(f: PredictionFilter): Promise<AccuracySummary> {
    return snapshot(this.db, async (db) => {
      const cells = await readCells(db, f, false);
      const t = tally(cells);
      if (t.n === 0) {
        return {
          n: 0,
          medianKm: null,
          meanKm: null,
          geoScore: null,
          accuracy: t.accuracy,
          levels: { country: 0, admin1: 0, place: 0 },
          ...answerStats(0, t.answers),
        };
      }
      const [medianKm] = await medians(db, f, [{ country: null, cells }]);
      return {
        n: t.n,
        medianKm,
        meanKm: t.sumKm / t.n,
        geoScore: t.sumGeo / t.n,
        accuracy: t.accuracy,
        levels: { country: t.hitCountry / t.n, admin1: t.hitAdmin1 / t.n, place: t.hitPlace / t.n },
        ...answerStats(t.n, t.answers),
      };
    });
  }

  countries(f: PredictionFilter): Promise<CountryRow[]> {
    return snapshot(this.db, async (db) => {
      const byCountry = new Map<string, Cell[]>();
      for (const c of await readCells(db, f, true)) {
        const cells = byCountry.get(c.country);
        if (cells) cells.push(c);
        else byCountry.set(c.country, [c]);
      }
      const groups = [...byCountry].map(([country, cells]) => ({ country, cells }));
      const medianKm = await medians(db, f, groups);
      return groups
        .map(({ country, cells }, i): CountryRow => {
          const t = tally(cells);
          return {
            iso2: country,
            name: t.name || "(no country)",
            n: t.n,
            medianKm: medianKm[i],
            meanKm: t.sumKm / t.n,
            accuracy: t.accuracy,
            countryAccuracy: t.hitCountry / t.n,
          };
        })
        .sort((a, b) => b.n - a.n || (a.iso2 < b.iso2 ? -1 : a.iso2 > b.iso2 ? 1 : 0));
    });
  }
}
