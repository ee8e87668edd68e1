/**
 * Writes predictions: a batch of rows and its bins in one transaction, so the bins never hold
 * half a batch, and deletes an experiment's rows and bins together. An evaluation's batches go
 * through insertBatch: on SQLite to the writer's thread (sqlite-writer.ts), on PostgreSQL as one
 * statement. An external run's upload goes through an ingest session (beginIngest): on SQLite the
 * same batches; on PostgreSQL each batch is a binary COPY of its own and the bins are counted once,
 * when the call commits, from the rows it wrote (IngestSession says why and what that means).
 */
import type SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import type pg from "pg";
import type { Database } from "../db/tables.ts";
import { COPY_PREDICTIONS_SQL, CopyBinaryEncoder, copyIn } from "./pg-copy.ts";
import {
  ADD_BIN_ARRAYS_SQL,
  addBinsSql,
  BINNED_COLUMNS,
  BinCounter,
  FINE_BIN_SQL,
  nearBinEdge,
  rebinSql,
} from "./prediction-bins.ts";
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

/**
 * One addPredictions call's writes into an external run: batches, then commit or abort. Each
 * batch is stored (all of it or none: a sample the run has already fails its batch with a
 * duplicate error) while the next is read. On PostgreSQL the rows of committed batches are visible
 * at once but added to the run's bins only by commit(), in one statement: upserting a batch's bins
 * cost the server as much as storing its rows (a 10,000-row batch of an upload touches ~4,600 of
 * them, a whole 1M-row upload ~26,000). The session counts them in JavaScript as it writes each
 * batch (BinCounter), so the commit does not read the call's rows back. While a call is in flight
 * the run's summary counts the calls before it; the dashboard hears of the call's rows when it
 * ends anyway. A running run's results are never cached.
 */
export interface IngestSession {
  /**
   * The predictions the run held when the call began its session (or took it over from the call
   * before, PgIngest): with the calls before it stored, and (PostgreSQL) the rows of a call that
   * never ended taken out. No other call writes into the run while the session lasts. Read it
   * before the call writes (RunCalls keeps a copy): a session taken over counts its calls' rows.
   */
  readonly held: number;
  write(batch: PredictionBatch): Promise<void>;
  /**
   * Adds what was written to the run's bins (PostgreSQL); ends the session. With `more` (another
   * call of the run is under way in this process), a PostgreSQL session may instead be kept for
   * that call's beginIngest, the call's rows marked answered and their bins counted with a later
   * call's (PgIngest.commit); beginIngest's caller then ends it with settleIngest once no call of
   * the run is left.
   */
  commit(more?: boolean): Promise<void>;
  /** Takes out every row the session wrote (its bins too on SQLite); ends the session. */
  abort(): Promise<void>;
}

/** Prediction ids from the first to the last, both included. */
export type IdRange = [first: number, last: number];

/** PostgreSQL's fine bins of errors at a bin's edge (nearBinEdge), in their order. */
const EDGE_BINS_SQL = `select ${FINE_BIN_SQL} as bin from unnest($1::float8[]) with ordinality as t(error_km, i) order by i`;

/** pg_advisory_lock's first key for uploads: one call per run at a time, across API processes. */
const PG_INGEST_LOCK = 0x696e67; // "ing"

/** Rows of answered calls a kept PostgreSQL session may hold before their bins are counted, however many calls follow. */
const KEPT_ROWS_MAX = 100_000;
/** A kept session no call has taken within this long counts its bins and ends (a backstop: settleIngest ends it first). */
const KEPT_MS = 2000;

/**
 * SQLite: each batch with its bins on the writer's thread; abort takes the call's rows out by
 * their ids and recounts. A batch's ids are consecutive (one transaction on the one writer), so a
 * call's rows are a few id ranges, one for all of them when nothing else wrote meanwhile, where a
 * list of their sample ids held a million strings through a 1M-row upload.
 */
class SqliteIngest implements IngestSession {
  private readonly written: IdRange[] = [];
  constructor(
    private readonly writer: PredictionWriter,
    private readonly experimentId: string,
    readonly held: number,
  ) {}
  async write(batch: PredictionBatch): Promise<void> {
    const first = await this.writer.insertSqliteBatch(this.experimentId, batch);
    const last = first + batch.length - 1;
    const prev = this.written.at(-1);
    if (prev && prev[1] + 1 === first) prev[1] = last;
    else this.written.push([first, last]);
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {
    if (this.written.length > 0) await this.writer.deleteIds(this.experimentId, this.written);
    this.written.length = 0;
  }
}

/**
 * PostgreSQL: a connection of its own for the call, holding the run's ingest lock; a
 * prediction_ingests row (the run's largest prediction id before the call) from the start until
 * the bins are counted, so that the rows of a call that never ended are found and taken out
 * (recoverIngest) by the run's next call, finishExperiment or the API's next start.
 *
 * Consecutive calls of a run in one process share a session: a call that commits while another
 * is under way (a client that sends its next chunk before this one's answer) records its last id
 * as answered (`acked_upto`) and leaves the session, lock and bins counted so far to the next
 * call's beginIngest (`kept`), which neither locks, recovers nor reads the run's count again. The
 * bins of all of them are counted once, by the call that ends the session: each call of 10,000
 * rows touched ~4,440 bins, a hundred such calls ~26,000 in all, and the upsert was a third of a
 * call's time on the server. Until then the rows are stored and the run's summary counts the
 * calls before the session; a recovery keeps and counts the answered rows and takes out the rest.
 */
class PgIngest implements IngestSession {
  private ended = false;
  /** Rows the current call has stored. */
  private callRows = 0;
  /** The largest id of the answered calls' rows, while their bins are not counted. */
  private ackedUpto: number | null = null;
  private ackedRows = 0;
  /** For batches not encoded ahead; its buffer is reused: each write's COPY has ended before the next encodes. */
  private readonly encoder = new CopyBinaryEncoder();
  private readonly bins: BinCounter;
  private constructor(
    private readonly client: pg.PoolClient,
    private readonly experimentId: string,
    private readonly seq: number,
    private readonly afterId: number,
    public held: number,
    private readonly encodedAhead: EncodedAhead,
    private readonly kept: KeptSessions,
  ) {
    this.bins = new BinCounter(experimentId);
  }

  static async begin(
    pool: pg.Pool,
    experimentId: string,
    encodedAhead: EncodedAhead,
    kept: KeptSessions,
  ): Promise<PgIngest> {
    const left = kept.take(experimentId);
    if (left) return left;
    const client = await pool.connect();
    // A checked-out connection the server closes reports here (the pool listens only to idle
    // ones); the session's next statement fails with it, and release() closes the connection.
    client.on("error", ignoreLost);
    let seq: number | null = null;
    try {
      const exp = await client.query<{ seq: number }>("select seq from experiments where id = $1", [experimentId]);
      if (exp.rows.length === 0) throw new Error(`experiment "${experimentId}" is gone`);
      seq = Number(exp.rows[0].seq);
      await client.query("select pg_advisory_lock($1, $2)", [PG_INGEST_LOCK, seq]);
      await recoverIngest(client, seq);
      const afterId = await idHighWater(client);
      await client.query("insert into prediction_ingests (exp, after_id, started_at) values ($1, $2, $3)", [
        seq,
        afterId,
        new Date().toISOString(),
      ]);
      const held = await client.query<{ n: string }>(HELD_SQL, [experimentId]);
      return new PgIngest(client, experimentId, seq, afterId, Number(held.rows[0].n), encodedAhead, kept);
    } catch (err) {
      await release(client, seq, err);
      throw err;
    }
  }

  async write(batch: PredictionBatch): Promise<void> {
    if (this.ended) throw new Error("prediction ingest: write after the session ended");
    const ahead = this.encodedAhead.get(batch);
    this.encodedAhead.delete(batch);
    const body = ahead?.seq === this.seq ? ahead.body : this.encoder.encode(batch, this.seq);
    await copyIn(this.client, COPY_PREDICTIONS_SQL, body);
    this.callRows += batch.length;
    // The bins of the rows now stored, counted here and written by commit().
    const errors = batch.columns.error_km.subarray(0, batch.length);
    const edges = errors.filter(nearBinEdge);
    const edgeBins = new Map<number, number>();
    if (edges.length > 0) {
      const { rows } = await this.client.query<{ bin: number }>(EDGE_BINS_SQL, [Array.from(edges)]);
      for (const [i, r] of rows.entries()) edgeBins.set(edges[i], Number(r.bin));
    }
    this.bins.add(batch.columns, batch.length, (km) => edgeBins.get(km) as number);
  }

  /**
   * Adds the bins of the session's calls (counted batch by batch) to the run's, in the transaction
   * that ends the session; or, with `more` and room, marks this call's rows answered and keeps the
   * session for the run's next beginIngest.
   */
  async commit(more = false): Promise<void> {
    if (this.ended) return;
    if (!more || this.ackedRows + this.callRows >= KEPT_ROWS_MAX) return this.countBins();
    try {
      // The run's rows up to here are answered: only this session writes them while it holds the lock.
      const upto = await idHighWater(this.client);
      await this.client.query("update prediction_ingests set acked_upto = $2 where exp = $1", [this.seq, upto]);
      this.ackedUpto = upto;
    } catch (err) {
      // Not answered: the rows stay for a recovery to take out, with the ingest row.
      this.ended = true;
      await release(this.client, this.seq, err);
      throw err;
    }
    this.ackedRows += this.callRows;
    this.held += this.callRows;
    this.callRows = 0;
    this.kept.keep(this.experimentId, this);
  }

  /** Takes out this call's rows; the answered calls' rows stay, counted into the bins. */
  abort(): Promise<void> {
    // Nothing of this call stored: the bins counted are exactly the answered calls'.
    if (this.callRows === 0) return this.countBins();
    return this.end(takeOutCall(this.seq, this.afterId, this.ackedUpto));
  }

  /**
   * Adds the bins counted to the run's and ends the session; where calls were answered before
   * their bins were in, the run's version moves too, so a dashboard that read its summary then
   * reads it again.
   */
  countBins(): Promise<void> {
    const statements: Array<[string, unknown[]]> = [[ADD_BIN_ARRAYS_SQL, this.bins.columns()]];
    if (this.ackedRows > 0) statements.push([BUMP_VERSION_SQL, [this.seq]]);
    return this.end(statements);
  }

  /** Ends the call (endIngest), then unlocks and releases. */
  private async end(statements: Array<[string, unknown[]]>): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    let failure: unknown;
    try {
      await endIngest(this.client, this.seq, statements);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      await release(this.client, this.seq, failure);
    }
  }
}

/**
 * PostgreSQL sessions kept for the next call of their run (PgIngest), by experiment id, and those
 * ending: a session no call takes within KEPT_MS ends by itself, and settle() waits for that too.
 */
class KeptSessions {
  private readonly kept = new Map<string, { session: PgIngest; timer: NodeJS.Timeout }>();
  private readonly ending = new Map<string, Promise<void>>();

  keep(experimentId: string, session: PgIngest): void {
    const timer = setTimeout(() => this.settle(experimentId).catch(() => {}), KEPT_MS);
    timer.unref();
    this.kept.set(experimentId, { session, timer });
  }

  /** The run's kept session, no longer kept. */
  take(experimentId: string): PgIngest | undefined {
    const kept = this.kept.get(experimentId);
    if (!kept) return undefined;
    this.kept.delete(experimentId);
    clearTimeout(kept.timer);
    return kept.session;
  }

  /** Ends the run's kept session, counting its bins, or waits for the one ending; rejects if that fails. */
  async settle(experimentId: string): Promise<void> {
    const session = this.take(experimentId);
    if (session) {
      const ended: Promise<void> = session.countBins().finally(() => {
        if (this.ending.get(experimentId) === ended) this.ending.delete(experimentId);
      });
      this.ending.set(experimentId, ended);
    }
    await this.ending.get(experimentId);
  }

  /** The runs with a session kept or ending. */
  runs(): string[] {
    return [...new Set([...this.kept.keys(), ...this.ending.keys()])];
  }
}

/** Batches' COPY bodies encoded before their session's write (PredictionWriter.encodeAhead), with the seq they carry. */
type EncodedAhead = WeakMap<PredictionBatch, { seq: number; body: Buffer }>;

/** Experiments whose seq encodeAhead keeps (a seq never changes); the map starts again past it. */
const KEPT_SEQS = 1000;

/**
 * The predictions a run holds, from its bins (a few thousand rows for a million predictions, where
 * counting the rows reads the whole run): exact once no call's rows wait to be counted.
 */
const HELD_SQL = "select coalesce(sum(n), 0) as n from prediction_bins where experiment_id = $1";

/** Tells a run's subscribers that its predictions changed (ExperimentStore.changed), by its seq. */
const BUMP_VERSION_SQL = "update experiments set version = version + 1 where seq = $1";

/** A call's rows: those of its run above the largest id before it. */
const DELETE_CALL_ROWS = "delete from predictions where exp = $1 and id > $2";

/** Adds the bins of a run's rows with ids in ($2, $3] (answered calls' rows whose bins were never counted). */
const ADD_ROW_BINS_SQL = addBinsSql(
  "(select e.id as experiment_id, p.* from predictions p join experiments e on e.seq = p.exp where p.exp = $1 and p.id > $2 and p.id <= $3) rows",
);

/**
 * What undoes a session's unanswered rows: those above the answered ones (or above the largest id
 * before the session) taken out, the answered ones counted into the bins.
 */
function takeOutCall(seq: number, afterId: number, ackedUpto: number | null): Array<[string, unknown[]]> {
  if (ackedUpto === null) return [[DELETE_CALL_ROWS, [seq, afterId]]];
  return [
    [DELETE_CALL_ROWS, [seq, ackedUpto]],
    [ADD_ROW_BINS_SQL, [seq, afterId, ackedUpto]],
    [BUMP_VERSION_SQL, [seq]],
  ];
}

/**
 * An id at least the run's largest and below any the session will write: the predictions' id
 * sequence's last value (0 before its first). Whoever holds the run's ingest lock is the only one
 * writing its rows, so its rows above this id are the ones it writes from now on. Not the run's
 * max(id): on a run growing by a call at a time the planner, with no statistics for it yet, read
 * that from a scan of the run's rows, 90 ms at 50,000 rows and 1.1 s at a million, twice a call
 * (decisions.md, twenty-third pass).
 */
async function idHighWater(client: pg.ClientBase): Promise<number> {
  const last = await client.query<{ m: string }>(
    "select coalesce(pg_sequence_last_value(pg_get_serial_sequence('predictions', 'id')::regclass), 0) as m",
  );
  return Number(last.rows[0].m);
}

/** Runs the statements and drops the run's prediction_ingests row, in one transaction. */
async function endIngest(client: pg.ClientBase, seq: number, statements: Array<[string, unknown[]]>): Promise<void> {
  await client.query("begin");
  try {
    for (const [text, values] of statements) await client.query(text, values);
    await client.query("delete from prediction_ingests where exp = $1", [seq]);
    await client.query("commit");
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  }
}

/** Takes out the rows of a call on this run that never ended; the caller holds the run's ingest lock. */
async function recoverIngest(client: pg.ClientBase, seq: number): Promise<boolean> {
  const left = await client.query<{ after_id: number; acked_upto: number | null }>(
    "select after_id, acked_upto from prediction_ingests where exp = $1",
    [seq],
  );
  if (left.rows.length === 0) return false;
  const { after_id, acked_upto } = left.rows[0];
  await endIngest(client, seq, takeOutCall(seq, Number(after_id), acked_upto === null ? null : Number(acked_upto)));
  return true;
}

function ignoreLost(): void {}

/** Unlocks the run (when locked) and gives the connection back; a connection that failed is closed (its lock goes with it). */
async function release(client: pg.PoolClient, seq: number | null, failure: unknown): Promise<void> {
  if (failure === undefined && seq !== null) {
    try {
      await client.query("select pg_advisory_unlock($1, $2)", [PG_INGEST_LOCK, seq]);
    } catch (err) {
      client.removeListener("error", ignoreLost);
      client.release(err as Error);
      return;
    }
  }
  client.removeListener("error", ignoreLost);
  client.release(failure === undefined ? undefined : true);
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
  /**
   * Batches of an upload handed to the writes and not yet stored while the next is gathered. On
   * PostgreSQL two: the server and the API's thread take about as long a batch, and a second batch
   * waiting keeps the server busy through the API's slower batches (SQLite keeps one: its batches
   * are three times larger, and memory is the upload's limit there).
   */
  readonly ingestWritesAhead: number;
  /**
   * Rows per addPredictions call a client is told to send (ingestSettings.chunkRows). SQLite
   * 20,000: its writer stores a call in one transaction, and a larger one writes each of the
   * run's index pages once for more rows (~1.5 µs a row less). PostgreSQL 10,000: with 20,000 a
   * quarter of the machine idled between calls and they were a seventh slower (decisions.md,
   * twenty-first pass).
   */
  readonly ingestCallRows: number;

  /** PostgreSQL: the COPY bodies encodeAhead made, taken by the session that writes the batch. */
  private readonly encodedAhead: EncodedAhead = new WeakMap();
  /** PostgreSQL: experiments' seq by id, for encodeAhead. */
  private readonly seqs = new Map<string, number>();
  /** PostgreSQL: upload sessions kept for their run's next call. */
  private readonly kept = new KeptSessions();

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database | null,
    private readonly pool: pg.Pool | null,
  ) {
    this.sqliteWriter = sqlite ? new SqliteBatchWriter(sqlite.name) : null;
    this.ingestBatchRows = sqlite ? 30_000 : 10_000;
    this.ingestWritesAhead = sqlite ? 1 : 2;
    this.ingestCallRows = sqlite ? 20_000 : 10_000;
  }

  /** Inserts one batch and adds it to the experiment's bins, in one transaction. */
  async insertBatch(experimentId: string, rows: NewPrediction[] | PredictionBatch): Promise<void> {
    const batch = PredictionBatch.of(rows);
    if (batch.length === 0) return;
    if (this.sqliteWriter) {
      await this.sqliteWriter.insert(experimentId, batch);
      return;
    }
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

  /** SQLite: inserts a non-empty batch with its bins, as insertBatch does; the batch's first id. */
  insertSqliteBatch(experimentId: string, batch: PredictionBatch): Promise<number> {
    if (!this.sqliteWriter) throw new Error("insertSqliteBatch: the store is not SQLite");
    return this.sqliteWriter.insert(experimentId, batch);
  }

  /** Starts an external run's upload (IngestSession); on PostgreSQL it waits for the run's previous one. */
  async beginIngest(experimentId: string): Promise<IngestSession> {
    if (this.sqliteWriter || !this.pool) {
      const held = await sql<{ n: number }>`select coalesce(sum(n), 0) as n from prediction_bins
        where experiment_id = ${experimentId}`.execute(this.db);
      return new SqliteIngest(this, experimentId, Number(held.rows[0].n));
    }
    return PgIngest.begin(this.pool, experimentId, this.encodedAhead, this.kept);
  }

  /**
   * Ends the run's session kept for a next call (IngestSession.commit's `more`), counting its
   * calls' bins, or waits for it to end: for the caller of beginIngest once no call of the run is
   * under way. A failure leaves the rows to a recovery, which keeps and counts the answered ones.
   */
  settleIngest(experimentId: string): Promise<void> {
    return this.kept.settle(experimentId);
  }

  /**
   * Prepares a batch of an ingest session before the session's write: on PostgreSQL its COPY body
   * is encoded now (~7 µs a row on the API's thread), so that the run's write turn, which one call
   * holds at a time, holds only the COPY; an upload's next batch is so encoded while the server
   * stores the last. SQLite: nothing (its writer thread binds the columns). An experiment it cannot
   * find is left to the session to refuse.
   */
  async encodeAhead(experimentId: string, batch: PredictionBatch): Promise<void> {
    if (this.sqliteWriter || !this.pool || batch.length === 0) return;
    let seq = this.seqs.get(experimentId);
    if (seq === undefined) {
      const row = await this.db
        .selectFrom("experiments")
        .select("seq")
        .where("id", "=", experimentId)
        .executeTakeFirst();
      if (!row) return;
      seq = Number(row.seq);
      if (this.seqs.size >= KEPT_SEQS) this.seqs.clear();
      this.seqs.set(experimentId, seq);
    }
    this.encodedAhead.set(batch, { seq, body: new CopyBinaryEncoder().encode(batch, seq) });
  }

  /**
   * Takes out the rows of uploads that never ended (the API or its connection gone mid-call),
   * skipping those still under way in another API process (their lock is held). The count.
   */
  async recoverIngests(): Promise<number> {
    if (!this.pool) return 0;
    const client = await this.pool.connect();
    let recovered = 0;
    try {
      const left = await client.query<{ exp: number }>("select exp from prediction_ingests");
      for (const { exp } of left.rows) {
        const seq = Number(exp);
        const got = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1, $2) as ok", [
          PG_INGEST_LOCK,
          seq,
        ]);
        if (!got.rows[0].ok) continue;
        try {
          if (await recoverIngest(client, seq)) recovered++;
        } finally {
          await client.query("select pg_advisory_unlock($1, $2)", [PG_INGEST_LOCK, seq]);
        }
      }
    } finally {
      client.release();
    }
    return recovered;
  }

  /** Ends the sessions kept for a next call; stops the SQLite writer's thread. */
  async close(): Promise<void> {
    for (const id of this.kept.runs()) await this.settleIngest(id).catch(() => {});
    await this.sqliteWriter?.close();
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
   * Takes the predictions with these ids (inclusive ranges) out of an experiment and recounts its
   * bins from the rows left: undoes the batches an upload wrote before it failed.
   */
  async deleteIds(experimentId: string, ranges: readonly IdRange[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const [first, last] of ranges) {
        await tx
          .deleteFrom("predictions")
          .where("exp", "=", experimentSeq(experimentId))
          .where("id", ">=", first)
          .where("id", "<=", last)
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
