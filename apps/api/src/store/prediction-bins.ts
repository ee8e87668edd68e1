/**
 * The prediction bins: per experiment, counts and sums by split, true country, level hits, fine
 * error bin and threshold band, kept in step with the predictions. SQLite's writer adds a batch's
 * bins in the batch's transaction; a PostgreSQL upload adds its call's when the call commits
 * (prediction-writer.ts); an evaluation's batch on PostgreSQL adds its own in its insert. The
 * writers count their batches with BinCounter; the SQL here counts from stored rows (PostgreSQL's
 * evaluation batches, a recount, the migration that backfilled them); both give the same bins.
 * The thresholds are band edges, so accuracy at them is exact; a histogram whose binsPerDecade
 * divides FINE_BINS_PER_DECADE is a union of fine bins, so it is exact; medians are exact: the
 * bins say which fine bin holds the middle rank, and one index seek inside that bin reads the row
 * (aggregates-bins.ts reads them).
 */
import { THRESHOLDS_KM } from "@geor/geo/constants";
import { geoScore } from "@geor/geo/metrics";
import { ANSWER_SUMS, GEOSCORE_SQL } from "./aggregates-shared.ts";
import type { PredictionFilter } from "./types.ts";

export const FINE_BINS_PER_DECADE = 20;
/** Errors under 1 m (below the smallest minKm the API takes) share one bin under all others. */
export const FLOOR_KM = 0.001;
export const BELOW_FLOOR_BIN = -61; // floor(log10(0.001) × 20) − 1

/** The fine bin of a prediction row's error. */
export const FINE_BIN_SQL = `case when error_km < ${FLOOR_KM} then ${BELOW_FLOOR_BIN} else cast(floor(log10(error_km) * ${FINE_BINS_PER_DECADE}) as integer) end`;
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
  "hit_place",
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
  "hit_place",
  FINE_BIN_SQL,
  `(${BAND_SQL})`,
];

/** What a bin sums besides its count. */
const SUMS: ReadonlyArray<readonly [column: string, ofRow: string]> = [
  ["sum_km", "sum(error_km)"],
  ["sum_geo", `sum(${GEOSCORE_SQL})`],
  ...ANSWER_SUMS,
];
/** The prediction columns addBinsSql reads from its source. */
export const BINNED_COLUMNS = [
  "split",
  "true_country",
  "true_country_name",
  "error_km",
  "hit_country",
  "hit_admin1",
  "hit_place",
  "parsed",
  "stated_hit_country",
  "stated_hit_admin1",
  "stated_hit_city",
  "consistent",
] as const;

/**
 * INSERT … SELECT that adds the bins of the prediction rows in `source` (a table or CTE name
 * with its WHERE clause, with an experiment_id column) to the stored ones. Run in the
 * transaction that wrote those rows.
 */
export function addBinsSql(source: string): string {
  return `insert into prediction_bins (${BIN_COLUMNS.join(", ")})
    select ${KEY_OF_ROW.join(", ")}, count(*), ${SUMS.map(([, e]) => e).join(", ")}
    from ${source}
    group by ${KEY_OF_ROW.join(", ")}
    ${ADD_TO_STORED}`;
}

/** A bin row's columns: its key, its count, its sums. */
const BIN_COLUMNS = [...BIN_KEY, "n", ...SUMS.map(([c]) => c)];
/** A new bin row adds to the stored one of its key. */
const ADD_TO_STORED = `on conflict (${BIN_KEY.join(", ")}) do update set n = prediction_bins.n + excluded.n,
      ${SUMS.map(([c]) => `${c} = prediction_bins.${c} + excluded.${c}`).join(", ")}`;

/** Adds one bin row (one of BinCounter's rows, in BIN_COLUMNS' order) to the stored bins. */
export const ADD_BIN_ROW_SQL = `insert into prediction_bins (${BIN_COLUMNS.join(", ")})
    values (${BIN_COLUMNS.map(() => "?").join(", ")}) ${ADD_TO_STORED}`;

/**
 * PostgreSQL: adds bin rows given column by column (BinCounter.columns(), BIN_COLUMNS' order) to
 * the stored bins, in one statement.
 */
export const ADD_BIN_ARRAYS_SQL = `insert into prediction_bins (${BIN_COLUMNS.join(", ")})
    select * from unnest(${BIN_COLUMNS.map((c, i) => `$${i + 1}::${binColumnType(c)}[]`).join(", ")})
    ${ADD_TO_STORED}`;

function binColumnType(column: string): "text" | "float8" | "int4" {
  if (column === "sum_km" || column === "sum_geo") return "float8";
  return (BIN_KEY as readonly string[]).slice(0, 4).includes(column) ? "text" : "int4";
}

/** The prediction columns BinCounter reads, by name (a batch's columns, one value per row). */
export type BinnedColumns = Record<(typeof BINNED_COLUMNS)[number], ArrayLike<unknown>>;

/** The sums BinCounter adds, in its order; SUMS must name the same. */
const COUNTED_SUMS =
  "sum_km sum_geo n_unparsed n_stated sum_stated_country sum_stated_admin1 sum_stated_city n_checked n_consistent";
if (SUMS.map(([c]) => c).join(" ") !== COUNTED_SUMS)
  throw new Error(`BinCounter adds ${COUNTED_SUMS}; the bins hold ${SUMS.map(([c]) => c).join(" ")}`);

/** A new bin's n and sums. */
const ZEROS: number[] = new Array(1 + SUMS.length).fill(0);

/** How near (in fine bins) an error's log10 may lie to a bin's edge before SQL decides its bin. */
const EDGE = 1e-9;

/** An error's fine bin by JavaScript's log10, or NaN within rounding of a bin's edge (see fineBin). */
function jsFineBin(km: number): number {
  if (km < FLOOR_KM) return BELOW_FLOOR_BIN;
  const x = Math.log10(km) * FINE_BINS_PER_DECADE;
  const bin = Math.floor(x);
  return x - bin > EDGE && bin + 1 - x > EDGE ? bin : Number.NaN;
}

/** Whether JavaScript's log10 may put this error in another fine bin than the database's (see fineBin). */
export function nearBinEdge(km: number): boolean {
  return Number.isNaN(jsFineBin(km));
}

/**
 * The fine bin of an error, as FINE_BIN_SQL computes it. JavaScript's log10 and the database's
 * may differ in the last bit, which matters only within rounding of a bin's edge: there
 * `sqlBin` (FINE_BIN_SQL run by the database that seeks the median) decides, so that a row is
 * always counted in the bin the median's seek looks for it in.
 */
export function fineBin(km: number, sqlBin: (km: number) => number): number {
  const bin = jsFineBin(km);
  return Number.isNaN(bin) ? sqlBin(km) : bin;
}

/** A nullable 0/1 column's value: null stays null, anything else a number (as SQL sums it). */
function flag(v: unknown): number | null {
  return v == null ? null : Number(v);
}

/**
 * An experiment's bins counted in JavaScript from prediction batches: what addBinsSql's GROUP BY
 * of the same rows gives, as rows for ADD_BIN_ROW_SQL or ADD_BIN_ARRAYS_SQL. The writers count
 * the batches they write this way instead of reading the rows back and sorting them (measured in
 * docs/decisions.md, fifteenth pass): SQLite's writer a batch at a time, a PostgreSQL upload
 * over its call, written when the call commits.
 */
export class BinCounter {
  // By split, true country and its name (nested maps: no key string made per row), then by a
  // number made of the hits, the bin and the band (a string where those are out of its range).
  private readonly bySplit = new Map<string, Map<string, Map<string, Map<number | string, number[]>>>>();
  /** The bins counted, in BIN_COLUMNS' order (the key, n, the sums). */
  readonly rows: unknown[][] = [];

  constructor(private readonly experimentId: string) {}

  /** Counts a batch's rows; `sqlBin` gives the database's bin of an error at a bin's edge (fineBin). */
  add(c: BinnedColumns, rows: number, sqlBin: (km: number) => number): void {
    const firstSum = BIN_KEY.length + 1;
    for (let i = 0; i < rows; i++) {
      const km = Number(c.error_km[i]);
      const split = c.split[i] as string;
      const country = (c.true_country[i] as string | null) ?? "";
      const countryName = (c.true_country_name[i] as string | null) ?? "";
      const hc = Number(c.hit_country[i]);
      const ha = Number(c.hit_admin1[i]);
      const hp = Number(c.hit_place[i]);
      const bin = fineBin(km, sqlBin);
      let band = 0;
      for (const t of THRESHOLDS_KM) if (km > t) band++;
      const key =
        (hc === 0 || hc === 1) && (ha === 0 || ha === 1) && (hp === 0 || hp === 1) && bin >= -64 && bin < 192
          ? (((hc * 2 + ha) * 2 + hp) * 256 + bin + 64) * 8 + band
          : `${hc} ${ha} ${hp} ${bin} ${band}`;
      const ofCountry = child(child(child(this.bySplit, split), country), countryName);
      let sums = ofCountry.get(key);
      if (!sums) {
        // The key, then n and the sums at 0.
        const b = [this.experimentId, split, country, countryName, hc, ha, hp, bin, band, ...ZEROS];
        this.rows.push(b);
        sums = b as number[];
        ofCountry.set(key, sums);
      }
      const stated = flag(c.stated_hit_country[i]);
      const consistent = flag(c.consistent[i]);
      sums[firstSum - 1]++;
      sums[firstSum] += km;
      sums[firstSum + 1] += geoScore(km);
      sums[firstSum + 2] += 1 - Number(c.parsed[i]);
      sums[firstSum + 3] += stated == null ? 0 : 1;
      sums[firstSum + 4] += stated ?? 0;
      sums[firstSum + 5] += flag(c.stated_hit_admin1[i]) ?? 0;
      sums[firstSum + 6] += flag(c.stated_hit_city[i]) ?? 0;
      sums[firstSum + 7] += consistent == null ? 0 : 1;
      sums[firstSum + 8] += consistent ?? 0;
    }
  }

  /** The bins counted as one array per column (BIN_COLUMNS' order), ADD_BIN_ARRAYS_SQL's parameters. */
  columns(): unknown[][] {
    return BIN_COLUMNS.map((_, c) => this.rows.map((r) => r[c]));
  }
}

/** The map under `key` of a map of maps, made when missing. */
function child<K, V extends Map<unknown, unknown>>(m: Map<K, V>, key: K): V {
  let c = m.get(key);
  if (!c) {
    c = new Map() as V;
    m.set(key, c);
  }
  return c;
}

/**
 * Recounts an experiment's bins from its stored rows (after rows were taken out of the middle:
 * an upload that failed after some of its batches were written).
 */
export function rebinSql(experimentId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(experimentId)) throw new Error(`rebinSql: "${experimentId}" is not an experiment id`);
  const id = `'${experimentId}'`;
  return addBinsSql(
    `(select ${id} as experiment_id, p.* from predictions p where p.exp = (select seq from experiments where id = ${id})) rows`,
  );
}

/**
 * Whether the bins answer a filter: error ranges, the predicted country, an external run's
 * answer flags (parsed, consistent) and bounds need the rows.
 */
export function binsCover(f: PredictionFilter): boolean {
  return (
    f.bounds == null &&
    f.predictedCountry == null &&
    f.minErrorKm == null &&
    f.maxErrorKm == null &&
    f.parsed == null &&
    f.consistent == null &&
    !f.located
  );
}

/** Whether a histogram with this many bins per decade is a union of fine bins. */
export function binsCoverHistogram(binsPerDecade: number): boolean {
  return FINE_BINS_PER_DECADE % binsPerDecade === 0;
}
