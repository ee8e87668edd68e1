/** The columns a prediction batch writes, in the order both writers bind them. */
import type { NewPrediction } from "./types.ts";

/** The columns of a prediction row with their PostgreSQL array types (for the unnest insert). */
export const PREDICTION_COLUMNS = [
  ["sample_id", "text"],
  ["split", "text"],
  ["true_lat", "float8"],
  ["true_lon", "float8"],
  ["true_continent", "text"],
  ["true_country", "text"],
  ["true_country_name", "text"],
  ["true_admin1", "text"],
  ["true_admin1_name", "text"],
  ["true_city", "text"],
  ["true_cell", "int4"],
  ["pred_country", "text"],
  ["pred_country_name", "text"],
  ["pred_country_p", "float8"],
  ["pred_admin1", "text"],
  ["pred_admin1_name", "text"],
  ["pred_admin1_p", "float8"],
  ["pred_cell", "int4"],
  ["pred_place_name", "text"],
  ["pred_place_p", "float8"],
  ["pred_lat", "float8"],
  ["pred_lon", "float8"],
  ["confidence", "float8"],
  ["error_km", "float8"],
  ["hit_country", "int4"],
  ["hit_admin1", "int4"],
  ["hit_place", "int4"],
  ["answer", "text"],
  ["parsed", "int4"],
  ["stated_country", "text"],
  ["stated_country_name", "text"],
  ["stated_admin1", "text"],
  ["stated_admin1_name", "text"],
  ["stated_city", "text"],
  ["stated_city_name", "text"],
  ["stated_unresolved", "text"],
  ["stated_hit_country", "int4"],
  ["stated_hit_admin1", "int4"],
  ["stated_hit_city", "int4"],
  ["consistent", "int4"],
] as const satisfies ReadonlyArray<readonly [keyof NewPrediction, "text" | "float8" | "int4"]>;

/** The float8 columns: a batch holds them in Float64Arrays, NaN for null (SQLite stores NaN as NULL). */
export type FloatColumn = Extract<(typeof PREDICTION_COLUMNS)[number], readonly [string, "float8"]>[0];
const FLOAT_COLUMNS = new Set<string>(PREDICTION_COLUMNS.filter(([, t]) => t === "float8").map(([c]) => c));

/** Each column of a batch: `columns.sample_id[i]` is row i's sample id. */
export type PredictionColumnArrays = {
  [K in keyof NewPrediction]: K extends FloatColumn ? Float64Array : Array<NewPrediction[K]>;
};

const FIRST_CAPACITY = 1024;

/**
 * A batch of predictions to store, held column by column: the form both writers send (SQLite's
 * thread gets the arrays as they are, PostgreSQL one array literal per column), so a scorer that
 * fills the columns directly (services/external-row.ts) makes no object per row. Coordinates,
 * errors and probabilities sit in Float64Arrays (NaN for null): in a plain array every such
 * value is a heap number of its own, and at 10,000 rows a batch those were most of what the
 * garbage collector copied while the batch waited for its write.
 */
export class PredictionBatch {
  readonly columns: PredictionColumnArrays;
  length = 0;
  private capacity: number;

  constructor(capacity = FIRST_CAPACITY) {
    this.capacity = Math.max(1, capacity);
    this.columns = Object.fromEntries(
      PREDICTION_COLUMNS.map(([c]) => [c, FLOAT_COLUMNS.has(c) ? new Float64Array(this.capacity) : []]),
    ) as unknown as PredictionColumnArrays;
  }

  static of(rows: NewPrediction[] | PredictionBatch): PredictionBatch {
    if (rows instanceof PredictionBatch) return rows;
    const batch = new PredictionBatch(rows.length);
    for (const row of rows) batch.push(row);
    return batch;
  }

  /** Starts a row: its index, at which the caller sets every column (in column order or not). */
  addRow(): number {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      const columns = this.columns as unknown as Record<string, unknown>;
      for (const c of FLOAT_COLUMNS) {
        const grown = new Float64Array(this.capacity);
        grown.set(columns[c] as Float64Array);
        columns[c] = grown;
      }
    }
    return this.length++;
  }

  push(row: NewPrediction): void {
    const i = this.addRow();
    const columns = this.columns as unknown as Record<string, Float64Array | unknown[]>;
    for (const [c] of PREDICTION_COLUMNS) {
      const v = row[c];
      if (FLOAT_COLUMNS.has(c)) (columns[c] as Float64Array)[i] = v == null ? Number.NaN : Number(v);
      else (columns[c] as unknown[])[i] = v;
    }
  }

  /**
   * The columns in PREDICTION_COLUMNS' order, each exactly one value per row (float columns
   * trimmed to the rows), and the buffers a postMessage may transfer instead of copying.
   */
  ordered(): { values: Array<Float64Array | unknown[]>; buffers: ArrayBuffer[] } {
    const buffers: ArrayBuffer[] = [];
    const values = PREDICTION_COLUMNS.map(([c]) => {
      const v = this.columns[c] as Float64Array | unknown[];
      if (v instanceof Float64Array) {
        const exact = v.length === this.length ? v : v.slice(0, this.length);
        buffers.push(exact.buffer as ArrayBuffer);
        return exact;
      }
      if (v.length !== this.length)
        throw new Error(`prediction batch: column ${c} has ${v.length} values for ${this.length} rows`);
      return v;
    });
    return { values, buffers };
  }

  /**
   * ordered(), with each column of few distinct values as a dictionary (dictionaryOf). A string
   * sent to another thread is copied and allocated there once for each row it is in: at 20,000
   * rows a batch, ~340,000 strings that the writer's young generation then collects, for a few
   * hundred distinct values (decisions.md, twenty-third pass).
   */
  forThread(): { values: ThreadColumn[]; buffers: ArrayBuffer[] } {
    const { values, buffers } = this.ordered();
    const columns = values.map((v): ThreadColumn => {
      if (v instanceof Float64Array) return v;
      const dictionary = dictionaryOf(v, this.length);
      if (!dictionary) return v;
      buffers.push(dictionary.index.buffer as ArrayBuffer);
      return dictionary;
    });
    return { values: columns, buffers };
  }
}

/**
 * A column as its distinct values and each row's index into them: `values[index[i]]` is row i's.
 * The SQLite writer's thread gets most text columns so (a country's name once, not once a row).
 */
export interface DictionaryColumn {
  values: unknown[];
  index: Int32Array;
}

/** A column as it crosses to the SQLite writer's thread: floats, a dictionary or one value a row. */
export type ThreadColumn = Float64Array | DictionaryColumn | unknown[];

/**
 * `rows` values as a dictionary, or null once they hold more than `rows / 8` distinct ones (a
 * sample id, a raw answer: a dictionary would only add the index).
 */
export function dictionaryOf(column: ArrayLike<unknown>, rows: number): DictionaryColumn | null {
  const limit = Math.max(16, rows >>> 3);
  const seen = new Map<unknown, number>();
  const values: unknown[] = [];
  const index = new Int32Array(rows);
  let last: unknown;
  let lastAt = -1;
  for (let i = 0; i < rows; i++) {
    const v = column[i];
    if (v !== last || lastAt < 0) {
      let at = seen.get(v);
      if (at === undefined) {
        if (values.length === limit) return null;
        at = values.length;
        seen.set(v, at);
        values.push(v);
      }
      last = v;
      lastAt = at;
    }
    index[i] = lastAt;
  }
  return { values, index };
}
