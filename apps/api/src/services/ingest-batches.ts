/**
 * The write side of one addPredictions call: scored rows gathered into batches, each batch
 * written while the rows of the next are read and scored (one write in flight, so PostgreSQL's
 * server or SQLite's writer thread works while this thread scores), the problems in the order a
 * batch-by-batch writer would list them, and the samples written so that a call refused in the
 * end can take them out again. Rows are named by their position or line (`at`) in the call's
 * unit ("row 3", "line 7"), the words made only for a problem.
 */
import type { ScoredExternalPrediction } from "@geor/core";
import { isDuplicatePrediction, type NewPrediction, PredictionBatch, type Store } from "../store/index.ts";
import { appendExternalRow } from "./external-row.ts";

/** Problems an error lists (it counts all of them). */
export const LISTED_PROBLEMS = 100;

export class IngestBatches {
  readonly problems: string[] = [];
  problemCount = 0;
  added = 0;
  unparsed = 0;
  private readonly written: string[] = [];
  private batch: PredictionBatch;
  private batchAt: number[] = [];
  /**
   * Problems of the rows read since the last flush. They join `problems` after the write before
   * them has settled, which may add its own (samples the run has already).
   */
  private pendingListed: string[] = [];
  private pendingCount = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly batchRows: number,
    private readonly unit: "row" | "line",
  ) {
    this.batch = new PredictionBatch(batchRows);
  }

  /** "row 3" or "line 7". */
  where(at: number): string {
    return `${this.unit} ${at}`;
  }

  problem(at: number, message: string): void {
    this.pendingCount++;
    if (this.pendingListed.length < LISTED_PROBLEMS) this.pendingListed.push(`${this.where(at)}: ${message}`);
  }

  /** Adds a row; true when the batch is full (then call flush()). */
  add(row: NewPrediction, at: number): boolean {
    this.batch.push(row);
    return this.queued(at);
  }

  /** Adds an external run's scored prediction, straight into the batch's columns. */
  addScored(p: ScoredExternalPrediction, at: number): boolean {
    appendExternalRow(p, this.batch);
    return this.queued(at);
  }

  private queued(at: number): boolean {
    this.batchAt.push(at);
    return this.batch.length >= this.batchRows;
  }

  /** Waits for the write in flight, then starts writing the batch gathered since. */
  async flush(): Promise<void> {
    await this.inFlight;
    for (const p of this.pendingListed) if (this.problems.length < LISTED_PROBLEMS) this.problems.push(p);
    this.problemCount += this.pendingCount;
    this.pendingListed = [];
    this.pendingCount = 0;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const at = this.batchAt;
    this.batch = new PredictionBatch(this.batchRows);
    this.batchAt = [];
    this.inFlight = this.write(batch, at);
    // Handled here so a failure waits for the next flush without counting as unhandled.
    this.inFlight.catch(() => {});
  }

  /** Writes what is left and waits for it. */
  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  /** Takes out every sample this call wrote, once no write is in flight. */
  async undo(): Promise<void> {
    await this.inFlight.catch(() => {});
    if (this.written.length > 0) await this.store.predictions.deleteSamples(this.runId, this.written);
  }

  private async write(batch: PredictionBatch, at: number[]): Promise<void> {
    const ids = batch.columns.sample_id;
    if (this.problemCount === 0) {
      try {
        await this.store.predictions.insertBatch(this.runId, batch);
        for (const sid of ids) this.written.push(sid);
        this.added += batch.length;
        for (const p of batch.columns.parsed) if (p === 0) this.unparsed++;
        return;
      } catch (err) {
        if (!isDuplicatePrediction(err)) throw err;
      }
    }
    // Not written (a problem came first, or the batch met stored rows): name the samples the run has already.
    const existing = await this.store.predictions.existingSamples(this.runId, ids);
    ids.forEach((sid, k) => {
      if (existing.has(sid)) {
        this.problemCount++;
        if (this.problems.length < LISTED_PROBLEMS)
          this.problems.push(`${this.where(at[k])}: sample "${sid}" has a prediction in this run already`);
      }
    });
  }
}
