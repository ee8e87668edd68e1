/**
 * The write side of addPredictions over several batches, on both databases: writes overlap the
 * next batch's rows, yet the problems come in the order a batch-by-batch writer lists them and a
 * refused call leaves nothing stored.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openDatabase } from "../src/db/connect.ts";
import { IngestBatches } from "../src/services/ingest-batches.ts";
import { PredictionBatch, Store } from "../src/store/index.ts";
import { createTestExperiment, DIALECTS, freshPgDatabase, predictionRow } from "./helpers.ts";

for (const dialect of DIALECTS) {
  describe(`ingest batches on ${dialect}`, () => {
    let store: Store;
    before(async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "geor-ingest-batches-"));
      store = new Store(
        await openDatabase({ databaseUrl: dialect === "postgres" ? await freshPgDatabase() : null, home }),
      );
    });
    after(async () => {
      await store?.close();
    });
    const count = async (id: string) => (await store.predictions.summary({ experimentId: id })).n;

    test("batches of 2: everything written, counted and unparsed summed", async () => {
      const run = await createTestExperiment(store);
      const out = new IngestBatches(store, run.id, 2, "row");
      for (let i = 0; i < 5; i++)
        if (out.add(predictionRow({ sample_id: `s${i}`, parsed: i % 2 }), i + 1)) await out.flush();
      await out.finish();
      await out.commit();
      assert.deepEqual([out.added, out.unparsed, out.problemCount], [5, 3, 0]);
      assert.equal(await count(run.id), 5);
    });

    for (const ahead of [1, 3])
      test(`a stored sample in the second batch, ${ahead} write(s) ahead: problems in row order, then nothing stored`, async () => {
        const run = await createTestExperiment(store);
        await store.predictions.insertBatch(run.id, [predictionRow({ sample_id: "s3" })]);
        const out = new IngestBatches(store, run.id, 2, "row", ahead);
        const rows = ["s0", "s1", "s2", "s3", "bad", "s5", "s6"];
        for (const [i, sid] of rows.entries()) {
          if (sid === "bad") out.problem(i + 1, "lat 91 is not a number in [-90, 90]");
          else if (out.add(predictionRow({ sample_id: sid }), i + 1)) await out.flush();
        }
        await out.finish();
        assert.deepEqual(out.problems, [
          'row 4: sample "s3" has a prediction in this run already',
          "row 5: lat 91 is not a number in [-90, 90]",
        ]);
        assert.equal(out.problemCount, 2);
        await out.undo();
        assert.equal(await count(run.id), 1, "only the row stored before the call");
      });

    test("an aborted session takes out its own rows only, when another run's rows come between its batches", async () => {
      const run = await createTestExperiment(store);
      const other = await createTestExperiment(store);
      await store.predictions.insertBatch(run.id, [predictionRow({ sample_id: "before" })]);
      const session = await store.predictions.beginIngest(run.id);
      assert.equal(session.held, 1);
      await session.write(PredictionBatch.of([predictionRow({ sample_id: "a0" }), predictionRow({ sample_id: "a1" })]));
      await store.predictions.insertBatch(other.id, [predictionRow({ sample_id: "b0" })]);
      // SQLite: a row of the run from outside the session (another API process) between its
      // batches stays; PostgreSQL's session locks the run across processes instead.
      const outside = dialect === "sqlite" ? ["outside"] : [];
      if (outside.length > 0) await store.predictions.insertBatch(run.id, [predictionRow({ sample_id: "outside" })]);
      await session.write(PredictionBatch.of([predictionRow({ sample_id: "a2" })]));
      const all = ["before", "a0", "a1", "a2", ...outside];
      assert.equal((await store.predictions.existingSamples(run.id, all)).size, all.length, "stored as written");
      await session.abort();
      const left = await store.predictions.existingSamples(run.id, all);
      assert.deepEqual([...left].sort(), ["before", ...outside].sort());
      assert.equal(await count(run.id), 1 + outside.length, "the run's bins recounted");
      assert.deepEqual([...(await store.predictions.existingSamples(other.id, ["b0"]))], ["b0"]);
    });
  });
}
