/**
 * The prediction summary behind the aggregates: per experiment, counts and sums by split, true
 * country, level hits, fine error bin and threshold band, added to in the transaction of every
 * prediction batch. The thresholds are band edges, so accuracy at them is exact; a histogram
 * whose binsPerDecade divides FINE_BINS_PER_DECADE is a union of fine bins, so it is exact;
 * medians are exact: the bins say which fine bin holds the middle rank, and one index seek
 * inside that bin reads the row.
 */
import { GEOSCORE_MAX, GEOSCORE_SCALE_KM, THRESHOLDS_KM } from "@geor/geo/constants";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import { applyFilter, hitColumn } from "./prediction-filter.ts";
import type { AccuracySummary, CountryRow, PredictionFilter } from "./types.ts";

type Db = Kysely<Database>;

export const FINE_BINS_PER_DECADE = 20;
/** Errors under 1 m (below the smallest minKm the API takes) share one bin under all others. */
const FLOOR_KM = 0.001;
const BELOW_FLOOR_BIN = -61; // floor(log10(0.001) × 20) − 1
/** Arms of one UNION ALL of median seeks (SQLite allows 500). */
const SEEKS_PER_QUERY = 200;

/** GeoScore of one prediction row, GEOSCORE_MAX · exp(−error_km / GEOSCORE_SCALE_KM), as SQL. */
export const GEOSCORE_SQL = `${GEOSCORE_MAX} * exp(-error_km / ${GEOSCORE_SCALE_KM})`;
const FINE_BIN_SQL = `case when error_km < ${FLOOR_KM} then ${BELOW_FLOOR_BIN} else cast(floor(log10(error_km) * ${FINE_BINS_PER_DECADE}) as integer) end`;
/** How many thresholds the error exceeds: error_km <= THRESHOLDS_KM[i] exactly when band <= i. */
const BAND_SQL = THRESHOLDS_KM.map((t) => `case when error_km > ${t} then 1 else 0 end`).join(" + ");
/** The primary key of prediction_bins. */
export const BIN_KEY = [
  "experiment_id",
  "split",
  "true_country",
  "true_country_name",
  "hit_country",
  "hit_admin1",
  "hit_city",
  "bin",
  "band",
] as const;
const KEY_OF_ROW = [
  "experiment_id",
  "split",
  "coalesce(true_country, '')",
  "coalesce(true_country_name, '')",
  "hit_country",
  "hit_admin1",
  "hit_city",
  FINE_BIN_SQL,
  `(${BAND_SQL})`,
];

/**
 * INSERT … SELECT that adds the bins of the prediction rows in `source` (a table or CTE name
 * with its WHERE clause) to the stored ones. Run in the transaction that wrote those rows.
 */
export function addBinsSql(source: string): string {
  return `insert into prediction_bins (${BIN_KEY.join(", ")}, n, sum_km, sum_geo)
    select ${KEY_OF_ROW.join(", ")}, count(*), sum(error_km), sum(${GEOSCORE_SQL})
    from ${source}
    group by ${KEY_OF_ROW.join(", ")}
    on conflict (${BIN_KEY.join(", ")}) do update set n = prediction_bins.n + excluded.n,
      sum_km = prediction_bins.sum_km + excluded.sum_km, sum_geo = prediction_bins.sum_geo + excluded.sum_geo`;
}

/** Whether the bins answer a filter: error ranges and the predicted country need the rows. */
export function binsCover(f: PredictionFilter): boolean {
  return f.predictedCountry == null && f.minErrorKm == null && f.maxErrorKm == null;
}

/** Whether a histogram with this many bins per decade is a union of fine bins. */
export function binsCoverHistogram(binsPerDecade: number): boolean {
  return FINE_BINS_PER_DECADE % binsPerDecade === 0;
}

interface Cell {
  country: string;
  name: string;
  bin: number;
  band: number;
  n: number;
  hitCountry: number;
  hitAdmin1: number;
  hitCity: number;
  sumKm: number;
  sumGeo: number;
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
      eb.fn.sum<number>(sql`n * hit_city`).as("hit_city"),
      eb.fn.sum<number>("sum_km").as("sum_km"),
      eb.fn.sum<number>("sum_geo").as("sum_geo"),
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
    hitCity: Number(r.hit_city),
    sumKm: Number(r.sum_km),
    sumGeo: Number(r.sum_geo),
  }));
}

function tally(cells: Cell[]) {
  const t = { n: 0, sumKm: 0, sumGeo: 0, hitCountry: 0, hitAdmin1: 0, hitCity: 0, name: "" };
  const within = THRESHOLDS_KM.map(() => 0);
  for (const c of cells) {
    t.n += c.n;
    t.sumKm += c.sumKm;
    t.sumGeo += c.sumGeo;
    t.hitCountry += c.hitCountry;
    t.hitAdmin1 += c.hitAdmin1;
    t.hitCity += c.hitCity;
    if (c.name > t.name) t.name = c.name;
    for (let i = c.band; i < within.length; i++) within[i] += c.n;
  }
  const accuracy = THRESHOLDS_KM.map((km, i) => ({ km, accuracy: t.n === 0 ? 0 : within[i] / t.n }));
  return { ...t, accuracy };
}

/** Where a median seek looks: `limit` rows from `offset` of one fine bin, in error order. */
interface Seek {
  group: number;
  /** The true country ('' for none), or null for all. */
  country: string | null;
  bin: number;
  offset: number;
  limit: number;
}

function seekQuery(db: Db, f: PredictionFilter, s: Seek) {
  let q = applyFilter(db.selectFrom("predictions").select([sql<number>`${sql.lit(s.group)}`.as("grp"), "error_km"]), f);
  if (s.country !== null)
    q = s.country === "" ? q.where("true_country", "is", null) : q.where("true_country", "=", s.country);
  if (s.bin === BELOW_FLOOR_BIN) q = q.where("error_km", "<", FLOOR_KM);
  else {
    // A range slightly wider than the bin lets the index seek; the bin expression itself decides.
    q = q
      .where("error_km", ">=", 10 ** (s.bin / FINE_BINS_PER_DECADE) * (1 - 1e-9))
      .where("error_km", "<", 10 ** ((s.bin + 1) / FINE_BINS_PER_DECADE) * (1 + 1e-9))
      .where(sql<number>`${sql.raw(FINE_BIN_SQL)}`, "=", s.bin);
  }
  return db.selectFrom(q.orderBy("error_km").limit(s.limit).offset(s.offset).as("s")).select(["grp", "error_km"]);
}

/**
 * The exact median of each group (its cells in error order): the bins give the fine bin and
 * the offset inside it of the one or two middle ranks; the rows are read by index seeks, all
 * groups in one UNION ALL.
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
  const values: number[][] = groups.map(() => []);
  for (let start = 0; start < seeks.length; start += SEEKS_PER_QUERY) {
    const arms = seeks.slice(start, start + SEEKS_PER_QUERY).map((s) => seekQuery(db, f, s));
    const rows = await arms
      .slice(1)
      .reduce((u, arm) => u.unionAll(arm), arms[0])
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

export async function countFromBins(db: Db, f: PredictionFilter): Promise<number> {
  return tally(await readCells(db, f, false)).n;
}

/** Counts per histogram bin k (errors under minKm in kMin), for binsPerDecade dividing 20. */
export async function histogramFromBins(
  db: Db,
  f: PredictionFilter,
  binsPerDecade: number,
  kMin: number,
): Promise<Map<number, number>> {
  const fineBinsPerBin = FINE_BINS_PER_DECADE / binsPerDecade;
  const counts = new Map<number, number>();
  for (const c of await readCells(db, f, false)) {
    const k = Math.max(kMin, Math.floor(c.bin / fineBinsPerBin));
    counts.set(k, (counts.get(k) ?? 0) + c.n);
  }
  return counts;
}

export async function summaryFromBins(db: Db, f: PredictionFilter): Promise<AccuracySummary> {
  const cells = await readCells(db, f, false);
  const t = tally(cells);
  if (t.n === 0) {
    return {
      n: 0,
      medianKm: null,
      meanKm: null,
      geoScore: null,
      accuracy: t.accuracy,
      levels: { country: 0, admin1: 0, city: 0 },
    };
  }
  const [medianKm] = await medians(db, f, [{ country: null, cells }]);
  return {
    n: t.n,
    medianKm,
    meanKm: t.sumKm / t.n,
    geoScore: t.sumGeo / t.n,
    accuracy: t.accuracy,
    levels: { country: t.hitCountry / t.n, admin1: t.hitAdmin1 / t.n, city: t.hitCity / t.n },
  };
}

export async function countriesFromBins(db: Db, f: PredictionFilter): Promise<CountryRow[]> {
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
}
