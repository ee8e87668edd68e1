/**
 * Writes predictions: a batch of rows and its bins in one transaction, so the bins never hold
 * half a batch, and deletes an experiment's rows and bins together. Every insert path (an
 * evaluation's batches, anything else that stores predictions) goes through insertBatch.
 */
import type SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import { addBinsSql, BINNED_COLUMNS, rebinSql } from "./prediction-bins.ts";
import { experimentSeq } from "./prediction-filter.ts";
import type { NewPrediction } from "./types.ts";

/** The columns of a prediction row with their PostgreSQL array types (for the unnest insert). */
export const PREDICTION_COLUMNS: Array<[keyof NewPrediction, "text" | "float8" | "int4"]> = [
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
];

/** Sample ids per IN list (SQLite takes 32,766 parameters a statement). */
const IDS_PER_QUERY = 5000;

/** A batch that would give a sample a second prediction in one experiment (the unique index). */
export function isDuplicatePrediction(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "SQLITE_CONSTRAINT_UNIQUE" || (e?.code === "23505" && /predictions_sample/.test(e.message ?? ""));
}

const NEEDS_ESCAPE = /[\\"]/;

/**
 * One column of the rows as a PostgreSQL array literal: the text pg would send for the JS array
 * (strings quoted with \\ and " escaped, NULL for null, numbers as their shortest decimal), built
 * without pg's two regex passes and quoting per element, which took some 15 µs a row.
 */
function arrayLiteral(rows: NewPrediction[], col: keyof NewPrediction): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][col];
    if (v == null) parts[i] = "NULL";
    else if (typeof v === "number") parts[i] = String(v);
    else {
      const text = String(v);
      parts[i] = `"${NEEDS_ESCAPE.test(text) ? text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') : text}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

export class PredictionWriter {
  private sqliteInsert: ((experimentId: string, rows: NewPrediction[]) => void) | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database | null,
  ) {
    if (sqlite) {
      // One prepared single-row statement, run for every row inside one transaction: no SQL
      // text to build or parse per batch (Kysely would compile and prepare a statement per call).
      const names = ["exp", ...PREDICTION_COLUMNS.map(([c]) => c)];
      const insert = sqlite.prepare(
        `insert into predictions (${names.join(", ")}) values (${names.map(() => "?").join(", ")})`,
      );
      // The batch's ids are consecutive from its first: nothing else writes inside the transaction.
      const addBins = sqlite.prepare(
        addBinsSql("(select ? as experiment_id, * from predictions where exp = ? and id >= ?)"),
      );
      const seqOf = sqlite.prepare("select seq from experiments where id = ?").pluck();
      const values: unknown[] = new Array(names.length);
      this.sqliteInsert = sqlite.transaction((experimentId: string, rows: NewPrediction[]) => {
        const seq = seqOf.get(experimentId);
        if (seq == null) throw new Error(`no experiment ${experimentId} to add predictions to`);
        values[0] = seq;
        let firstId = 0;
        for (const r of rows) {
          for (let c = 0; c < PREDICTION_COLUMNS.length; c++) values[c + 1] = r[PREDICTION_COLUMNS[c][0]];
          const { lastInsertRowid } = insert.run(values);
          if (firstId === 0) firstId = Number(lastInsertRowid);
        }
        addBins.run(experimentId, seq, firstId);
      });
    }
  }

  /** Inserts one batch and adds it to the experiment's bins, in one transaction. */
  async insertBatch(experimentId: string, rows: NewPrediction[]): Promise<void> {
    if (rows.length === 0) return;
    const sqliteInsert = this.sqliteInsert;
    if (sqliteInsert) {
      // Holding Kysely's connection keeps its own queries out while the transaction runs.
      await this.db.connection().execute(async () => sqliteInsert(experimentId, rows));
      return;
    }
    // PostgreSQL: one statement, so one transaction: INSERT … SELECT FROM unnest(column arrays),
    // one parameter per column for any batch size, and the bins of the rows it returns.
    const arrays = PREDICTION_COLUMNS.map(([col, type]) => sql`${arrayLiteral(rows, col)}::${sql.raw(type)}[]`);
    await sql`with batch as (
        insert into predictions (exp, ${sql.join(PREDICTION_COLUMNS.map(([c]) => sql.ref(c)))})
        select ${experimentSeq(experimentId)}, * from unnest(${sql.join(arrays)})
        returning ${experimentId}::text as experiment_id, ${sql.raw(BINNED_COLUMNS.join(", "))}
      ) ${sql.raw(addBinsSql("batch"))}`.execute(this.db);
  }

  /** Which of these sample ids the experiment has a prediction for already. */
  async existingSamples(experimentId: string, sampleIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < sampleIds.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom("predictions")
        .select("sample_id")
        .where("exp", "=", experimentSeq(experimentId))
        .where("sample_id", "in", sampleIds.slice(i, i + IDS_PER_QUERY))
        .execute();
      for (const r of rows) found.add(r.sample_id);
    }
    return found;
  }

  /**
   * Takes these samples' predictions out of an experiment and recounts its bins from the rows
   * left: undoes the batches an upload wrote before it failed.
   */
  async deleteSamples(experimentId: string, sampleIds: string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < sampleIds.length; i += IDS_PER_QUERY) {
        await tx
          .deleteFrom("predictions")
          .where("exp", "=", experimentSeq(experimentId))
          .where("sample_id", "in", sampleIds.slice(i, i + IDS_PER_QUERY))
          .execute();
      }
      await tx.deleteFrom("prediction_bins").where("experiment_id", "=", experimentId).execute();
      await sql.raw(rebinSql(experimentId)).execute(tx);
    });
  }

  /** Deletes an experiment's predictions and bins (an EVAL that starts again). */
  async deleteFor(experimentId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("predictions").where("exp", "=", experimentSeq(experimentId)).execute();
      await tx.deleteFrom("prediction_bins").where("experiment_id", "=", experimentId).execute();
    });
  }
}
