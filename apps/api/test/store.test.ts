/** Store behaviour the job runners rely on, on both databases. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { THRESHOLDS_KM } from "@geor/geo/constants";
import { type Kysely, sql } from "kysely";
import { openDatabase } from "../src/db/connect.ts";
import { migrateToLatest } from "../src/db/migrations/index.ts";
import { v2BinsBackfillSql } from "../src/db/migrations/shared.ts";
import { PredictionBatch, Store } from "../src/store/index.ts";
import { FINE_BINS_PER_DECADE } from "../src/store/prediction-bins.ts";
import {
  assertClose,
  createTestExperiment,
  DIALECTS,
  freshPgDatabase,
  oldPredictionRow,
  predictionRow,
} from "./helpers.ts";

for (const dialect of DIALECTS) {
  describe(`store on ${dialect}`, () => {
    let store: Store;
    before(async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "geor-store-"));
      store = new Store(
        await openDatabase({ databaseUrl: dialect === "postgres" ? await freshPgDatabase() : null, home }),
      );
    });
    after(async () => {
      await store?.close();
    });
    const create = () => createTestExperiment(store);

    test("a dead worker's experiment goes back to the queue, or ends CANCELLED if a cancel was pending", async () => {
      const a = await create();
      const b = await create();
      for (const id of [a.id, b.id]) assert.equal(await store.experiments.claim(id, "w1"), true);
      assert.equal(await store.experiments.claim(a.id, "w2"), false, "a running experiment is not claimed twice");
      await store.experiments.requestCancel(b.id);
      assert.deepEqual((await store.experiments.staleRunning(0)).sort(), [a.id, b.id].sort());
      await store.experiments.requeue(a.id);
      await store.experiments.requeue(b.id);
      assert.equal((await store.experiments.get(a.id))?.status, "QUEUED");
      assert.equal((await store.experiments.get(b.id))?.status, "CANCELLED");
      const stages = await store.experiments.stages(b.id);
      assert.deepEqual(
        stages.map((s) => [s.name, s.status]),
        [
          ["SFT", "CANCELLED"],
          ["RL", "SKIPPED"],
          ["EVAL", "CANCELLED"],
        ],
      );
      assert.equal(await store.experiments.claim(a.id, "w2"), true);
      assert.equal((await store.experiments.get(a.id))?.attempts, 2);
    });

    test("a batch of predictions is written whole, and the next experiment's ids follow", async () => {
      const e = await create();
      const row = (k: number) =>
        predictionRow({
          sample_id: `s${k}`,
          true_lat: 1,
          true_lon: 2,
          true_country: k % 2 ? "FR" : null,
          true_country_name: k % 2 ? "France" : null,
          error_km: k,
        });
      await store.predictions.insertBatch(
        e.id,
        Array.from({ length: 1234 }, (_, k) => row(k)),
      );
      assert.equal(await store.predictions.count({ experimentId: e.id }), 1234);
      assert.equal(await store.predictions.count({ experimentId: e.id, trueCountry: "fr" }), 617);
      // A row that violates NOT NULL fails the whole batch: nothing of it is stored.
      const bad = [row(0), { ...row(1), error_km: null as unknown as number }];
      await assert.rejects(store.predictions.insertBatch(e.id, bad));
      assert.equal(await store.predictions.count({ experimentId: e.id }), 1234);
      const s = await store.predictions.summary({ experimentId: e.id });
      assert.equal(s.medianKm, (616 + 617) / 2);
    });

    test("a batch's bins are the bins SQL counts from its rows: edges of fine bins, thresholds, answers", async () => {
      const e = await create();
      // Errors on and beside every fine bin's edge from 1 m to 20,000 km, the thresholds exactly,
      // under 1 m, 0; true countries with and without names; built-in rows and answered ones.
      const edges = Array.from({ length: 87 }, (_, k) => 10 ** ((k - 60) / FINE_BINS_PER_DECADE));
      // (JavaScript's log10 puts a few of the values an ulp or two off an edge in another bin than SQL's.)
      const ulps = Array.from({ length: 17 }, (_, d) => 1 + (d - 8) * Number.EPSILON);
      const errors = [0, 0.0005, ...THRESHOLDS_KM, ...edges.flatMap((x) => ulps.map((u) => x * u))];
      const row = (k: number, km: number) =>
        predictionRow({
          sample_id: `b${k}`,
          true_country: k % 3 === 0 ? null : k % 3 === 1 ? "FR" : "PT",
          true_country_name: k % 3 === 1 ? "France" : k % 6 === 2 ? "Portugal" : null,
          error_km: km,
          hit_country: k % 2,
          hit_admin1: k % 4 === 0 ? 1 : 0,
          hit_place: k % 8 === 0 ? 1 : 0,
          parsed: k % 5 === 0 ? 0 : 1,
          stated_hit_country: k % 7 === 0 ? null : k % 2,
          stated_hit_admin1: k % 7 === 0 ? null : (k >> 1) % 2,
          stated_hit_city: k % 7 === 0 ? null : 0,
          consistent: k % 3 === 0 ? null : (k >> 2) % 2,
        });
      const rows = errors.map((km, k) => row(k, km));
      const bins = async (id: string) =>
        (
          await sql<Record<string, unknown>>`select * from prediction_bins where experiment_id = ${id}
            order by split, true_country, true_country_name, hit_country, hit_admin1, hit_place, bin, band`.execute(
            store.database.db,
          )
        ).rows;
      const assertCountedAsSql = async (id: string) => {
        const stored = await bins(id);
        await store.predictions.deleteIds(id, []); // recounts the bins from the rows, in SQL
        const counted = await bins(id);
        assert.ok(new Set(stored.map((b) => b.bin)).size > 80, "the rows fill most fine bins");
        // Counts and keys exactly; the float sums within rounding (JavaScript's exp is not libm's).
        assertClose(stored, counted, "bins");
      };
      // Batch by batch (an evaluation's writes), the second adding to bins the first stored.
      await store.predictions.insertBatch(e.id, rows.slice(0, 1000));
      await store.predictions.insertBatch(e.id, rows.slice(1000));
      await assertCountedAsSql(e.id);
      // An upload's session of two batches, then a second session adding to the first's bins.
      const run = await create();
      for (const part of [rows.slice(0, 600), rows.slice(600, 1500), rows.slice(1500)]) {
        const session = await store.predictions.beginIngest(run.id);
        await session.write(PredictionBatch.of(part.slice(0, 300)));
        await session.write(PredictionBatch.of(part.slice(300)));
        await session.commit();
      }
      await assertCountedAsSql(run.id);
    });

    test("text and numbers come back exactly as written: quotes, backslashes, braces, NULL as text, -0", async () => {
      const e = await create();
      const answers = ['say "hi"', "a\\b\\\\c", "{1,2}", "NULL", "", " , ", "Zürich 🗺", null];
      await store.predictions.insertBatch(
        e.id,
        answers.map((answer, k) =>
          predictionRow({ sample_id: `q${k}`, answer, true_lat: -0, pred_lat: 1e-7, error_km: 1 / 3 }),
        ),
      );
      const { items } = await store.predictions.page({ experimentId: e.id }, "ID", 20, null);
      assert.deepEqual(
        items.map((r) => r.answer),
        answers,
      );
      assert.deepEqual([items[0].true_lat, items[0].pred_lat, items[0].error_km], [0, 1e-7, 1 / 3]);
    });

    test("a null float comes back null (a batch holds it as NaN), next to one that is not", async () => {
      const e = await create();
      await store.predictions.insertBatch(e.id, [
        predictionRow({ sample_id: "u", pred_lat: null, pred_lon: null, confidence: null, parsed: 0, error_km: 20000 }),
        predictionRow({ sample_id: "v", confidence: 0.25, pred_country_p: 0.5 }),
      ]);
      const { items } = await store.predictions.page({ experimentId: e.id }, "ID", 20, null);
      const floats = (r: (typeof items)[number]) => [r.pred_lat, r.pred_lon, r.confidence, r.pred_country_p];
      assert.deepEqual(floats(items[0]), [null, null, null, null]);
      assert.deepEqual(floats(items[1]).slice(2), [0.25, 0.5]);
      assert.equal(typeof items[1].pred_lat, "number");
    });

    test("migration 0003 moves stored predictions to integer experiment keys and keeps every row", async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "geor-migrate-"));
      const target = { databaseUrl: dialect === "postgres" ? await freshPgDatabase() : null, home };
      const old = await openDatabase(target, { migrate: false });
      await migrateToLatest(old.db, old.dialect, "0002_prediction_bins");
      // biome-ignore lint/suspicious/noExplicitAny: the schema as it was before 0003
      const db = old.db as Kysely<any>;
      const experiment = (id: string) => ({
        id,
        name: id,
        dataset: "d",
        config: "{}",
        status: "SUCCEEDED",
        notes: "",
        created_at: new Date().toISOString(),
        cancel_requested: 0,
        version: 0,
        attempts: 1,
        run_dir: `/tmp/${id}`,
      });
      const ids = ["5d0c6e0e-0000-4000-8000-00000000000a", "5d0c6e0e-0000-4000-8000-00000000000b"];
      await db.insertInto("experiments").values(ids.map(experiment)).execute();
      const rows = ids.flatMap((id, e) =>
        Array.from({ length: 50 + e * 20 }, (_, k) => ({
          experiment_id: id,
          ...oldPredictionRow(
            predictionRow({ sample_id: `s${k}`, error_km: k + 1, true_country: "PT", true_country_name: "Portugal" }),
          ),
        })),
      );
      await db.insertInto("predictions").values(rows).execute();
      await sql.raw(v2BinsBackfillSql()).execute(db);
      await old.close();

      const migrated = new Store(await openDatabase(target));
      try {
        const [a, b] = ids;
        assert.equal(await migrated.predictions.count({ experimentId: a }), 50);
        assert.equal(await migrated.predictions.count({ experimentId: b, trueCountry: "PT" }), 70);
        assert.equal((await migrated.predictions.summary({ experimentId: b })).medianKm, 35.5);
        const page = await migrated.predictions.page({ experimentId: b }, "ERROR_DESC", 3, null);
        assert.deepEqual(
          page.items.map((r) => [r.experiment_id, r.error_km]),
          [
            [b, 70],
            [b, 69],
            [b, 68],
          ],
        );
        assert.equal((await migrated.predictions.get(page.items[0].id))?.experiment_id, b);
        // A new experiment gets the next number; its batch lands under it alone.
        const c = await createTestExperiment(migrated, "c");
        await migrated.predictions.insertBatch(c.id, [predictionRow({ sample_id: "n", error_km: 5 })]);
        assert.deepEqual(
          await Promise.all([a, b, c.id].map((id) => migrated.predictions.count({ experimentId: id }))),
          [50, 70, 1],
        );
        // Deleting an experiment still takes its predictions with it, and only its.
        assert.equal(await migrated.experiments.delete(a), true);
        assert.equal(await migrated.predictions.count({ experimentId: b }), 70);
        const left = await migrated.database.db
          .selectFrom("predictions")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
        assert.equal(Number(left.n), 71);
      } finally {
        await migrated.close();
      }
    });
  });
}
