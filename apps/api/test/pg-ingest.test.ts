/**
 * An external run's upload on PostgreSQL (store/prediction-writer.ts, store/pg-copy.ts): batches as
 * binary COPY store every column as the unnest insert of an evaluation does, the bins are counted
 * when the call commits, a call that never ended is taken out (by the run's next call, by
 * recoverIngests, never while its lock is held), two calls on one run take turns, and calls that
 * follow one another share a session whose bins are counted once (what a recovery keeps of it).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase } from "../src/db/connect.ts";
import { PredictionBatch, Store } from "../src/store/index.ts";
import { PREDICTION_COLUMNS } from "../src/store/prediction-columns.ts";
import { assertClose, createTestExperiment, freshPgDatabase, predictionRow } from "./helpers.ts";

/** Rows with every column type, nulls, non-ASCII text and text COPY's and arrays' special characters. */
function awkwardRows(n: number) {
  return Array.from({ length: n }, (_, i) =>
    predictionRow({
      sample_id: `s${i}\t"quoted" \\ back\nslash ${"é🌍".repeat(i % 3)}`,
      split: i % 2 ? "test" : "val",
      true_lat: -89.5 + i * 0.123456789012345,
      true_lon: 179.999999999 - i,
      true_country: i % 4 === 0 ? null : ["FR", "JP", "BR"][i % 3],
      true_country_name: i % 4 === 0 ? null : ["France", "日本", "Brasil"][i % 3],
      true_city: i % 5 === 0 ? "" : `Zürich ${i}`,
      true_cell: i * 7,
      pred_cell: i % 3 === 0 ? null : -i,
      pred_country_p: i % 2 ? null : 1 / (i + 3),
      confidence: i % 3 === 0 ? null : 5e-324 * (i + 1),
      error_km: i === 0 ? 0 : 10 ** (i % 7) / 3,
      hit_country: i % 2,
      hit_admin1: i % 3 === 0 ? 1 : 0,
      hit_place: 0,
      answer: i % 2 ? `<answer>{"Coordinates": [${i}, ${-i}], "City": "São Paulo"}</answer>\r\n{}` : null,
      parsed: i % 6 === 5 ? 0 : 1,
      stated_country: i % 2 ? "BR" : null,
      stated_unresolved: i % 7 === 0 ? '["Nowhere"]' : null,
      stated_hit_country: i % 2 ? 1 : null,
      consistent: i % 2 ? (i % 4 === 1 ? 1 : 0) : null,
    }),
  );
}

const COLUMNS = PREDICTION_COLUMNS.map(([c]) => c);

describe("external run uploads on postgres", () => {
  let store: Store;
  let url: string;
  const home = mkdtempSync(path.join(os.tmpdir(), "geor-pg-ingest-"));
  before(async () => {
    url = await freshPgDatabase();
    store = new Store(await openDatabase({ databaseUrl: url, home }));
  });
  after(async () => {
    await store?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const rowsOf = async (id: string) =>
    (
      await sql<Record<string, unknown>>`select ${sql.join(COLUMNS.map((c) => sql.ref(`p.${c}`)))}
        from predictions p join experiments e on e.seq = p.exp where e.id = ${id} order by p.id`.execute(
        store.database.db,
      )
    ).rows;
  const binsOf = async (id: string) =>
    (
      await sql<Record<string, unknown>>`select * from prediction_bins where experiment_id = ${id}
        order by split, true_country, hit_country, hit_admin1, hit_place, bin, band`.execute(store.database.db)
    ).rows.map(({ experiment_id, ...bin }) => bin);
  const count = async (id: string) => (await rowsOf(id)).length;

  test("binary COPY stores every column as the unnest insert does; the bins are counted at commit", async () => {
    const rows = awkwardRows(40);
    const viaInsert = await createTestExperiment(store);
    await store.predictions.insertBatch(viaInsert.id, rows);
    const viaCopy = await createTestExperiment(store);
    const session = await store.predictions.beginIngest(viaCopy.id);
    await session.write(PredictionBatch.of(rows.slice(0, 25)));
    await session.write(PredictionBatch.of(rows.slice(25)));
    assert.equal(await count(viaCopy.id), 40, "the batches are stored as they are written");
    assert.deepEqual(await binsOf(viaCopy.id), [], "and counted only when the call commits");
    await session.commit();
    assert.deepEqual(await rowsOf(viaCopy.id), await rowsOf(viaInsert.id));
    // The call's bins are counted in JavaScript, the insert's in SQL: their sums of exp() may
    // differ in the last bit.
    assertClose(await binsOf(viaCopy.id), await binsOf(viaInsert.id), "bins");
    const summary = await store.predictions.summary({ experimentId: viaCopy.id });
    assert.equal(summary.n, 40);
  });

  test("a batch encoded ahead is written as encoded then, and only into the run it was encoded for", async () => {
    const rows = awkwardRows(12);
    const plain = await createTestExperiment(store);
    const plainSession = await store.predictions.beginIngest(plain.id);
    await plainSession.write(PredictionBatch.of(rows));
    await plainSession.commit();

    const ahead = await createTestExperiment(store);
    const batch = PredictionBatch.of(rows);
    await store.predictions.encodeAhead(ahead.id, batch);
    // Changed after the encoding: the session writes the body encoded ahead, not the batch as it is now.
    const confidence = batch.columns.confidence.slice();
    batch.columns.confidence.fill(0.5);
    const session = await store.predictions.beginIngest(ahead.id);
    await session.write(batch);
    await session.commit();
    batch.columns.confidence.set(confidence);
    assert.deepEqual(await rowsOf(ahead.id), await rowsOf(plain.id));
    assertClose(await binsOf(ahead.id), await binsOf(plain.id), "bins");

    // Encoded for one run, written in another's session: encoded again with that run's key.
    const other = await createTestExperiment(store);
    const elsewhere = PredictionBatch.of(rows);
    await store.predictions.encodeAhead(ahead.id, elsewhere);
    const otherSession = await store.predictions.beginIngest(other.id);
    try {
      await otherSession.write(elsewhere);
      await otherSession.commit();
    } catch (err) {
      // Its lock and connection given back, so the store closes.
      await otherSession.abort();
      throw err;
    }
    assert.deepEqual(await rowsOf(other.id), await rowsOf(plain.id));
    assert.equal(await count(ahead.id), 12, "nothing of it went into the run it was encoded for");
  });

  test("abort takes out the call's rows and leaves the rows before it and their bins", async () => {
    const run = await createTestExperiment(store);
    await store.predictions.insertBatch(run.id, [predictionRow({ sample_id: "before", error_km: 12 })]);
    const binsBefore = await binsOf(run.id);
    const session = await store.predictions.beginIngest(run.id);
    await session.write(PredictionBatch.of(awkwardRows(10)));
    await assert.rejects(
      session.write(PredictionBatch.of([predictionRow({ sample_id: "before" })])),
      /predictions_sample/,
    );
    await session.abort();
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      ["before"],
    );
    assert.deepEqual(await binsOf(run.id), binsBefore);
  });

  /** What `probe` gives once it is not `none`, asked every 100 ms for at most 10 s (then `none`). */
  const poll = async <T>(probe: () => Promise<T>, none: T): Promise<T> => {
    for (let i = 0; i < 100; i++) {
      const got = await probe();
      if (got !== none) return got;
      await new Promise((r) => setTimeout(r, 100));
    }
    return none;
  };

  /** Closes the connection of the session holding this run's ingest lock, as if its API died. */
  const loseSession = async (runId: string) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { seq } = (await admin.query("select seq from experiments where id = $1", [runId])).rows[0];
      const r = await admin.query(
        "select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and classid = $1 and objid = $2",
        [0x696e67, seq],
      );
      assert.equal(r.rowCount, 1, "one session holds the run's lock");
    } finally {
      await admin.end();
    }
  };

  test("a call that never ended is left alone while its lock is held, then taken out by recoverIngests", async () => {
    const run = await createTestExperiment(store);
    await store.predictions.insertBatch(run.id, [predictionRow({ sample_id: "kept" })]);
    const lost = await store.predictions.beginIngest(run.id);
    await lost.write(PredictionBatch.of(awkwardRows(5)));
    assert.equal(await count(run.id), 6);
    assert.equal(await store.predictions.recoverIngests(), 0, "a call whose lock is held is under way");
    assert.equal(await count(run.id), 6);
    await loseSession(run.id);
    // Its API's undo finds the connection gone: the rows stay until someone takes them out.
    await assert.rejects(lost.abort(), /terminat|connection/);
    // The server lets the lock go as the backend exits.
    assert.equal(await poll(() => store.predictions.recoverIngests(), 0), 1);
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      ["kept"],
    );
    assert.equal((await store.predictions.summary({ experimentId: run.id })).n, 1);
  });

  test("the run's next call also takes out what a lost call left", async () => {
    const run = await createTestExperiment(store);
    const left = await store.predictions.beginIngest(run.id);
    await left.write(PredictionBatch.of(awkwardRows(3)));
    await loseSession(run.id);
    await assert.rejects(left.write(PredictionBatch.of(awkwardRows(1))), /terminat|connection/);
    await assert.rejects(left.abort());
    const next = await store.predictions.beginIngest(run.id);
    await next.write(PredictionBatch.of([predictionRow({ sample_id: "n1" })]));
    await next.commit();
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      ["n1"],
    );
    assert.equal((await store.predictions.summary({ experimentId: run.id })).n, 1);
  });

  /** The bins of these rows as an evaluation's insert counts them, in SQL (the reference). */
  const binsCountedInSql = async (rows: ReturnType<typeof awkwardRows>) => {
    const reference = await createTestExperiment(store);
    await store.predictions.insertBatch(reference.id, rows);
    return binsOf(reference.id);
  };
  const seqOf = async (id: string) =>
    Number(
      (await sql<{ seq: number }>`select seq from experiments where id = ${id}`.execute(store.database.db)).rows[0].seq,
    );
  const lockHeld = async (id: string) =>
    (
      await sql`select 1 from pg_locks where locktype = 'advisory' and classid = ${0x696e67} and objid = ${await seqOf(id)}`.execute(
        store.database.db,
      )
    ).rows.length > 0;

  /** A call that stores these rows and is answered while another call is under way (its session kept). */
  const answeredCall = async (runId: string, rows: ReturnType<typeof awkwardRows>) => {
    const session = await store.predictions.beginIngest(runId);
    await session.write(PredictionBatch.of(rows));
    await session.commit(true);
  };

  test("calls that follow one another share a session; their bins are counted once, when the last one commits", async () => {
    const rows = awkwardRows(30);
    const run = await createTestExperiment(store);
    const first = await store.predictions.beginIngest(run.id);
    assert.equal(first.held, 0);
    await first.write(PredictionBatch.of(rows.slice(0, 10)));
    await first.commit(true);
    assert.equal(await count(run.id), 10, "the answered call's rows are stored");
    assert.deepEqual(await binsOf(run.id), [], "and counted with the next call's");
    assert.equal(await lockHeld(run.id), true, "the session keeps the run's lock for the next call");
    const second = await store.predictions.beginIngest(run.id);
    assert.equal(second.held, 10, "the next call is told what the run holds with the answered rows");
    await second.write(PredictionBatch.of(rows.slice(10, 22)));
    await second.commit(true);
    const third = await store.predictions.beginIngest(run.id);
    assert.equal(third.held, 22);
    await third.write(PredictionBatch.of(rows.slice(22)));
    await third.commit();
    assert.equal(await lockHeld(run.id), false);
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      rows.map((r) => r.sample_id),
    );
    assertClose(await binsOf(run.id), await binsCountedInSql(rows), "bins");
    assert.equal((await store.predictions.summary({ experimentId: run.id })).n, 30);
    assert.equal(await store.predictions.recoverIngests(), 0, "nothing left to recover");
  });

  test("a call refused after answered calls of its session: its rows are taken out, theirs kept and counted", async () => {
    const rows = awkwardRows(20);
    const run = await createTestExperiment(store);
    await answeredCall(run.id, rows.slice(0, 8));
    const second = await store.predictions.beginIngest(run.id);
    await second.write(PredictionBatch.of(rows.slice(8)));
    await assert.rejects(second.write(PredictionBatch.of([rows[3]])), /predictions_sample/);
    await second.abort();
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      rows.slice(0, 8).map((r) => r.sample_id),
    );
    assertClose(await binsOf(run.id), await binsCountedInSql(rows.slice(0, 8)), "bins");
    assert.equal(await lockHeld(run.id), false);
  });

  test("a call that stores nothing after answered calls ends the session with their bins", async () => {
    const rows = awkwardRows(6);
    const run = await createTestExperiment(store);
    await answeredCall(run.id, rows);
    // A chunk that expected another count gives its session back untouched (RunCalls.open).
    const next = await store.predictions.beginIngest(run.id);
    await next.abort();
    assertClose(await binsOf(run.id), await binsCountedInSql(rows), "bins");
    assert.equal((await store.predictions.summary({ experimentId: run.id })).n, 6);
  });

  test("a session lost after an answered call: a recovery keeps and counts that call's rows, and takes out the rest", async () => {
    const rows = awkwardRows(15);
    const run = await createTestExperiment(store);
    await answeredCall(run.id, rows.slice(0, 9));
    const second = await store.predictions.beginIngest(run.id);
    await second.write(PredictionBatch.of(rows.slice(9)));
    await loseSession(run.id);
    await assert.rejects(second.abort(), /terminat|connection/);
    // The server lets the lock go as the backend exits.
    assert.equal(await poll(() => store.predictions.recoverIngests(), 0), 1);
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      rows.slice(0, 9).map((r) => r.sample_id),
    );
    assertClose(await binsOf(run.id), await binsCountedInSql(rows.slice(0, 9)), "bins");
  });

  test("settleIngest ends a kept session: its bins counted, the run's version moved, the lock let go", async () => {
    const rows = awkwardRows(5);
    const run = await createTestExperiment(store);
    await answeredCall(run.id, rows);
    const version = await store.experiments.version(run.id);
    // The second waits for the session the first is ending.
    const [, second] = [store.predictions.settleIngest(run.id), store.predictions.settleIngest(run.id)];
    await second;
    assertClose(await binsOf(run.id), await binsCountedInSql(rows), "bins");
    assert.ok(
      ((await store.experiments.version(run.id)) ?? 0) > (version ?? 0),
      "a dashboard that read the summary before the bins were in reads it again",
    );
    assert.equal(await lockHeld(run.id), false);
    await store.predictions.settleIngest(run.id);
    const next = await store.predictions.beginIngest(run.id);
    assert.equal(next.held, 5, "the next call begins a session of its own");
    await next.commit();
  });

  test("a kept session no call takes ends by itself", async () => {
    const rows = awkwardRows(4);
    const run = await createTestExperiment(store);
    await answeredCall(run.id, rows);
    assert.equal(await poll(async () => (await store.predictions.summary({ experimentId: run.id })).n, 0), 4);
    // The lock goes once the counting transaction has committed.
    assert.equal(await poll(() => lockHeld(run.id), true), false);
  });

  test("two calls on one run take turns: the second begins once the first has committed", async () => {
    const run = await createTestExperiment(store);
    const first = await store.predictions.beginIngest(run.id);
    await first.write(PredictionBatch.of([predictionRow({ sample_id: "a" })]));
    let secondBegun = false;
    const second = store.predictions.beginIngest(run.id).then((s) => {
      secondBegun = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(secondBegun, false, "the second call waits for the run's lock");
    await first.commit();
    const s2 = await second;
    await s2.write(PredictionBatch.of([predictionRow({ sample_id: "b" })]));
    await s2.commit();
    assert.deepEqual(
      (await rowsOf(run.id)).map((r) => r.sample_id),
      ["a", "b"],
    );
    assert.equal((await store.predictions.summary({ experimentId: run.id })).n, 2);
  });
});
