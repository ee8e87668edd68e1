/**
 * The write side of one addPredictions call: scored rows gathered into batches, each batch
 * written while the rows of the next are read and scored (PostgreSQL's server or SQLite's
 * writer thread works while this thread scores; `writesAhead` batches may wait their turn), the
 * problems in the order a batch-by-batch writer would list them, and the store's ingest session
 * (IngestSession), which counts the call's rows in the run's bins when the call is committed and
 * takes them out again when it is refused. Rows are named by their position or line (`at`) in the call's unit
 * ("row 3", "line 7"), the words made only for a problem.
 */
import type { ScoredExternalPrediction } from "@geor/core";
import {
  type IngestSession,
  isDuplicatePrediction,
  type NewPrediction,
  PredictionBatch,
  type Store,
} from "../store/index.ts";
import { appendExternalRow } from "./external-row.ts";

/** Problems an error lists (it counts all of them). */
export const LISTED_PROBLEMS = 100;

export class IngestBatches {
  readonly problems: string[] = [];
  problemCount = 0;
  added = 0;
  unparsed = 0;
  /** Begun with the first write. */
  private session: Promise<IngestSession> | null = null;
  private batch: PredictionBatch;
  private batchAt: number[] = [];
  /**
   * Problems of the rows read since the last flush. They join `problems` after the write before
   * them has settled, which may add its own (samples the run has already).
   */
  private pendingListed: string[] = [];
  private pendingCount = 0;
  /** The last write handed over; each runs after the one before it has settled. */
  private tail: Promise<void> = Promise.resolve();
  private unsettled: Array<Promise<void>> = [];

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly batchRows: number,
    private readonly unit: "row" | "line",
    /** Batches handed over and not yet stored while the next is gathered (1: the one in flight). */
    private readonly writesAhead = 1,
    /** Begins the store's session, at the first write (or at commit, for a call with no rows). */
    private readonly begin: () => Promise<IngestSession> = () => store.predictions.beginIngest(runId),
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

  /**
   * Hands the batch gathered since the last flush to the writes, which run one after another,
   * and waits while more than `writesAhead` of them are still to settle: the reading goes on
   * meanwhile, so neither side waits for the other's slow batch.
   */
  async flush(): Promise<void> {
    const listed = this.pendingListed;
    const count = this.pendingCount;
    this.pendingListed = [];
    this.pendingCount = 0;
    const batch = this.batch.length > 0 ? this.batch : null;
    const at = this.batchAt;
    if (batch) {
      this.batch = new PredictionBatch(this.batchRows);
      this.batchAt = [];
    }
    // Encoded for its write now, before the write turn (PostgreSQL), unless a problem means it is never written.
    const ready =
      batch && this.problemCount + count === 0 ? this.store.predictions.encodeAhead(this.runId, batch) : null;
    // Its failure is the step's, after the writes before it have settled.
    ready?.catch(() => {});
    // The rows' problems join the list once the writes before them have settled, which may add their own.
    const step = this.tail.then(async () => {
      await ready;
      for (const p of listed) if (this.problems.length < LISTED_PROBLEMS) this.problems.push(p);
      this.problemCount += count;
      return batch ? this.write(batch, at) : undefined;
    });
    this.tail = step;
    // Handled here so a failure waits for the next flush without counting as unhandled.
    step.catch(() => {});
    this.unsettled.push(step);
    while (this.unsettled.length > this.writesAhead) await this.unsettled.shift();
  }

  /** Writes what is left and waits for it. */
  async finish(): Promise<void> {
    await this.flush();
    this.unsettled = [];
    await this.tail;
  }

  /**
   * Counts what the call wrote in the run's bins and ends its session (after finish(), with no
   * problems; a call with no rows begins one too, to learn what the run holds). The predictions
   * the run holds after the call.
   */
  async commit(): Promise<number> {
    await this.tail;
    const session = await (this.session ?? this.begin());
    this.session = null;
    await session.commit();
    return session.held + this.added;
  }

  /** Takes out every row this call wrote, once no write is in flight, and ends its session. */
  async undo(): Promise<void> {
    await this.tail.catch(() => {});
    const session = this.session;
    this.session = null;
    // A session that never began (its connection refused) has nothing to take out.
    const begun = await session?.catch(() => null);
    if (begun) await begun.abort();
  }

  private async write(batch: PredictionBatch, at: number[]): Promise<void> {
    const ids = batch.columns.sample_id;
    if (this.problemCount === 0) {
      try {
        this.session ??= this.begin();
        await (await this.session).write(batch);
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
