/**
 * Writes predictions: a batch of rows and its bins in one transaction, so the bins never hold
 * half a batch, and deletes an experiment's rows and bins together. Every insert path (an
 * evaluation's batches, an external run's, anything else that stores predictions) goes through
 * insertBatch: on SQLite to the writer's thread (sqlite-writer.ts), on PostgreSQL as one statement.
 */
import type SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/tables.ts";
import { addBinsSql, BINNED_COLUMNS, rebinSql } from "./prediction-bins.ts";
import { PREDICTION_COLUMNS, PredictionBatch } from "./prediction-columns.ts";
import { experimentSeq } from "./prediction-filter.ts";
import { SqliteBatchWriter } from "./sqlite-writer.ts";
import type { NewPrediction } from "./types.ts";

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
function arrayLiteral(values: Float64Array | unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // NaN: null in a batch's Float64Array column.
    if (v == null || (typeof v === "number" && Number.isNaN(v))) parts[i] = "NULL";
    else if (typeof v === "number") parts[i] = String(v);
    else {
      const text = String(v);
      parts[i] = `"${NEEDS_ESCAPE.test(text) ? text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') : text}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

export class PredictionWriter {
  private readonly sqliteWriter: SqliteBatchWriter | null;
  /**
   * Rows per transaction for a long ingest (an external run's upload). SQLite's writer thread
   * gains from big ones: a batch dirties most leaf pages of the run's error-ordered indexes, so
   * more rows share each page written to the WAL (35 -> 27-30 µs a row at 30,000). PostgreSQL
   * barely does (13.6k -> 14.1k rows/s) while the API holds each batch's array literals twice
   * (RSS growth 129 -> 303 MB over a 1M-row upload), so it keeps 10,000.
   */
  readonly ingestBatchRows: number;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database | null,
  ) {
    this.sqliteWriter = sqlite ? new SqliteBatchWriter(sqlite.name) : null;
    this.ingestBatchRows = sqlite ? 30_000 : 10_000;
  }

  /** Inserts one batch and adds it to the experiment's bins, in one transaction. */
  async insertBatch(experimentId: string, rows: NewPrediction[] | PredictionBatch): Promise<void> {
    const batch = PredictionBatch.of(rows);
    if (batch.length === 0) return;
    if (this.sqliteWriter) return this.sqliteWriter.insert(experimentId, batch);
    // PostgreSQL: one statement, so one transaction: INSERT … SELECT FROM unnest(column arrays),
    // one parameter per column for any batch size, and the bins of the rows it returns.
    const columns = batch.ordered().values;
    const arrays = PREDICTION_COLUMNS.map(([, type], c) => sql`${arrayLiteral(columns[c])}::${sql.raw(type)}[]`);
    await sql`with batch as (
        insert into predictions (exp, ${sql.join(PREDICTION_COLUMNS.map(([c]) => sql.ref(c)))})
        select ${experimentSeq(experimentId)}, * from unnest(${sql.join(arrays)})
        returning ${experimentId}::text as experiment_id, ${sql.raw(BINNED_COLUMNS.join(", "))}
      ) ${sql.raw(addBinsSql("batch"))}`.execute(this.db);
  }

  /** Stops the SQLite writer's thread. */
  close(): Promise<void> {
    return this.sqliteWriter?.close() ?? Promise.resolve();
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
