/** Store behaviour the job runners rely on, on both databases. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openDatabase } from "../src/db/connect.ts";
import { Store } from "../src/store/index.ts";
import { DIALECTS, freshPgDatabase, predictionRow } from "./helpers.ts";

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
    const create = () =>
      store.experiments.create({
        name: "e",
        dataset: "d",
        config: {},
        skipped: { RL: "no rl" },
        tags: [],
        notes: "",
        runDirOf: (id) => `/tmp/${id}`,
      });

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
  });
}
