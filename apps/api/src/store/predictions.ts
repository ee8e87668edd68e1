/**
 * Predictions: the store's face for them. Writes go through the batch + bins writer
 * (prediction-writer.ts), reads are single rows and filtered keyset pages (here), and the
 * aggregates come from aggregates.ts, which picks the bins or the rows and keeps ended
 * experiments' results.
 */
import type SQLite from "better-sqlite3";
import type { Kysely } from "kysely";
import type pg from "pg";
import type { Database } from "../db/tables.ts";
import { PredictionAggregates } from "./aggregates.ts";
import type { PredictionBatch } from "./prediction-columns.ts";
import { applyFilter } from "./prediction-filter.ts";
import { type IdRange, type IngestSession, PredictionWriter } from "./prediction-writer.ts";
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
} from "./types.ts";

// The jobs (jobs/protocol.ts, jobs/thread.ts) import NewPrediction from this module.
export type { NewPrediction } from "./types.ts";

export class PredictionStore {
  private readonly writer: PredictionWriter;
  private readonly aggregates: PredictionAggregates;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database | null,
    pool: pg.Pool | null = null,
  ) {
    this.writer = new PredictionWriter(db, sqlite, pool);
    this.aggregates = new PredictionAggregates(db);
  }

  /** Rows per transaction for a long ingest (PredictionWriter.ingestBatchRows). */
  get ingestBatchRows(): number {
    return this.writer.ingestBatchRows;
  }

  /** Batches of an upload waiting to be stored while the next is gathered (PredictionWriter.ingestWritesAhead). */
  get ingestWritesAhead(): number {
    return this.writer.ingestWritesAhead;
  }

  /** Rows per addPredictions call clients are told to send (PredictionWriter.ingestCallRows). */
  get ingestCallRows(): number {
    return this.writer.ingestCallRows;
  }

  /** Inserts one batch and adds it to the experiment's bins, in one transaction. */
  insertBatch(experimentId: string, rows: NewPrediction[] | PredictionBatch): Promise<void> {
    return this.writer.insertBatch(experimentId, rows);
  }

  /** Starts one call's upload into an external run (PredictionWriter.beginIngest). */
  beginIngest(experimentId: string): Promise<IngestSession> {
    return this.writer.beginIngest(experimentId);
  }

  /** Ends the run's ingest session kept for a next call (PredictionWriter.settleIngest). */
  settleIngest(experimentId: string): Promise<void> {
    return this.writer.settleIngest(experimentId);
  }

  /** Prepares an ingest session's batch before its write (PredictionWriter.encodeAhead). */
  encodeAhead(experimentId: string, batch: PredictionBatch): Promise<void> {
    return this.writer.encodeAhead(experimentId, batch);
  }

  /** Takes out the rows of uploads that never ended; the count (PredictionWriter.recoverIngests). */
  recoverIngests(): Promise<number> {
    return this.writer.recoverIngests();
  }

  /** Stops the prediction writer (SQLite: its thread). */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Deletes an experiment's predictions and bins (an EVAL that starts again). */
  deleteFor(experimentId: string): Promise<void> {
    return this.writer.deleteFor(experimentId);
  }

  /** Which of these sample ids the experiment has a prediction for already. */
  existingSamples(experimentId: string, sampleIds: string[]): Promise<Set<string>> {
    return this.writer.existingSamples(experimentId, sampleIds);
  }

  /** Takes the predictions with these ids (inclusive ranges) out of an experiment, its bins recounted. */
  deleteIds(experimentId: string, ranges: readonly IdRange[]): Promise<void> {
    return this.writer.deleteIds(experimentId, ranges);
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

  count(filter: PredictionFilter): Promise<number> {
    return this.aggregates.count(filter);
  }

  summary(filter: PredictionFilter): Promise<AccuracySummary> {
    return this.aggregates.summary(filter);
  }

  countryBreakdown(filter: PredictionFilter): Promise<CountryRow[]> {
    return this.aggregates.countryBreakdown(filter);
  }

  errorHistogram(filter: PredictionFilter, binsPerDecade: number, minKm: number): Promise<ErrorBin[]> {
    return this.aggregates.errorHistogram(filter, binsPerDecade, minKm);
  }
}
