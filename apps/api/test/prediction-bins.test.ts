/**
 * The aggregates from the prediction bins, on both databases: hand-checked values on a small
 * set, the same answers as from the rows (a `minErrorKm: 0` filter, which the bins do not
 * answer, makes the store read the rows), for a running experiment that grows batch by batch,
 * after a failed batch, and after a delete and a re-ingest.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openDatabase } from "../src/db/connect.ts";
import { type NewPrediction, type PredictionFilter, Store } from "../src/store/index.ts";
import { assertClose, createTestExperiment, DIALECTS, freshPgDatabase, predictionRow } from "./helpers.ts";

function prediction(
  country: string | null,
  errorKm: number,
  [hitCountry, hitAdmin1, hitPlace]: [number, number, number],
  split = "test",
): NewPrediction {
  return predictionRow({
    sample_id: `${country}-${errorKm}`,
    split,
    true_country: country,
    true_country_name: country === "FR" ? "France" : country === "DE" ? "Germany" : null,
    error_km: errorKm,
    hit_country: hitCountry,
    hit_admin1: hitAdmin1,
    hit_place: hitPlace,
  });
}

/** Errors 0.5, 1, 2, 10, 30, 300, 1000, 5000 km; FR has five (one in val), DE two, one has no country. */
const FIRST_BATCH = [
  prediction("FR", 1, [1, 1, 1]),
  prediction("FR", 10, [1, 1, 0]),
  prediction("FR", 300, [1, 0, 0]),
  prediction("FR", 5000, [0, 0, 0]),
  prediction("DE", 0.5, [1, 1, 1]),
  prediction("DE", 1000, [0, 0, 0]),
  prediction(null, 30, [0, 0, 0]),
  prediction("FR", 2, [1, 1, 0], "val"),
];

const FILTERS: Array<Omit<PredictionFilter, "experimentId">> = [
  {},
  { split: "test" },
  { trueCountry: "fr" },
  { level: "ADMIN1", hit: true },
  { level: "COUNTRY", hit: false, split: "test" },
];

for (const dialect of DIALECTS) {
  describe(`prediction bins on ${dialect}`, () => {
    let store: Store;
    let id: string;
    before(async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "geor-bins-"));
      store = new Store(
        await openDatabase({ databaseUrl: dialect === "postgres" ? await freshPgDatabase() : null, home }),
      );
      const e = await createExperiment("bins");
      id = e.id;
      // Running: every aggregate is computed, none comes from the finished-experiment cache.
      assert.equal(await store.experiments.claim(id, "w"), true);
      await store.predictions.insertBatch(id, FIRST_BATCH);
    });
    after(async () => {
      await store?.close();
    });
    const createExperiment = (name: string) => createTestExperiment(store, name);

    /** Every aggregate from the bins equals the same aggregate from the rows. */
    async function assertBinsMatchRows() {
      const p = store.predictions;
      for (const extra of FILTERS) {
        const f = { experimentId: id, ...extra };
        const rows = { ...f, minErrorKm: 0 };
        const where = JSON.stringify(extra);
        assertClose(await p.summary(f), await p.summary(rows), `summary ${where}`);
        assertClose(await p.countryBreakdown(f), await p.countryBreakdown(rows), `countries ${where}`);
        assert.equal(await p.count(f), await p.count(rows), `count ${where}`);
        for (const [b, minKm] of [
          [4, 1],
          [5, 0.001],
          [20, 3],
        ])
          assertClose(
            await p.errorHistogram(f, b, minKm),
            await p.errorHistogram(rows, b, minKm),
            `histogram ${where}`,
          );
      }
    }

    test("the aggregates of a running experiment have the hand-checked values", async () => {
      const p = store.predictions;
      const all = await p.summary({ experimentId: id });
      assert.equal(all.n, 8);
      assert.equal(all.medianKm, (10 + 30) / 2);
      assertClose(all.meanKm, 6343.5 / 8, "mean");
      assert.deepEqual(
        all.accuracy.map((a) => [a.km, a.accuracy]),
        [
          [1, 2 / 8],
          [25, 4 / 8],
          [200, 5 / 8],
          [750, 6 / 8],
          [2500, 7 / 8],
        ],
      );
      assert.deepEqual(all.levels, { country: 5 / 8, admin1: 4 / 8, place: 2 / 8 });
      assert.equal((await p.summary({ experimentId: id, split: "test" })).medianKm, 30);

      const countries = await p.countryBreakdown({ experimentId: id });
      assert.deepEqual(
        countries.map((c) => [c.iso2, c.name, c.n, c.medianKm, c.countryAccuracy]),
        [
          ["FR", "France", 5, 10, 4 / 5],
          ["DE", "Germany", 2, 500.25, 1 / 2],
          ["", "(no country)", 1, 30, 0],
        ],
      );
      assert.deepEqual(
        countries[0].accuracy.map((a) => a.accuracy),
        [1 / 5, 3 / 5, 3 / 5, 4 / 5, 4 / 5],
      );
      const admin1Hits = await p.countryBreakdown({ experimentId: id, level: "ADMIN1", hit: true });
      assert.deepEqual(
        admin1Hits.map((c) => [c.iso2, c.n, c.medianKm]),
        [
          ["FR", 3, 2],
          ["DE", 1, 0.5],
        ],
      );

      // Bin k holds [10^(k/4), 10^((k+1)/4)) km; 0.5 km joins the first bin (under minKm).
      const histogram = await p.errorHistogram({ experimentId: id }, 4, 1);
      assert.equal(histogram.length, 15);
      assert.deepEqual(
        histogram.flatMap((b, k) => (b.count > 0 ? [[k, b.count]] : [])),
        [
          [0, 2],
          [1, 1],
          [4, 1],
          [5, 1],
          [9, 1],
          [12, 1],
          [14, 1],
        ],
      );
      assert.equal(histogram[0].loKm, 0);
      await assertBinsMatchRows();
    });

    test("a later batch adds to the bins; a failed batch leaves them as they were", async () => {
      await store.predictions.insertBatch(id, [prediction("DE", 20, [1, 0, 0])]);
      const all = await store.predictions.summary({ experimentId: id });
      assert.equal(all.n, 9);
      assert.equal(all.medianKm, 20);
      const de = (await store.predictions.countryBreakdown({ experimentId: id })).find((c) => c.iso2 === "DE");
      assert.deepEqual([de?.n, de?.medianKm], [3, 20]);

      const bad = [
        prediction("FR", 7, [1, 1, 1]),
        { ...prediction("FR", 8, [1, 1, 1]), error_km: null as unknown as number },
      ];
      await assert.rejects(store.predictions.insertBatch(id, bad));
      assert.equal((await store.predictions.summary({ experimentId: id })).n, 9);
      await assertBinsMatchRows();
    });

    test("deleting an experiment's predictions empties its bins, and a re-run fills them again", async () => {
      const other = await createExperiment("other");
      await store.predictions.insertBatch(other.id, [prediction("FR", 3, [1, 0, 0])]);

      await store.predictions.deleteFor(id);
      const empty = await store.predictions.summary({ experimentId: id });
      assert.deepEqual([empty.n, empty.medianKm, empty.meanKm], [0, null, null]);
      assert.deepEqual(await store.predictions.countryBreakdown({ experimentId: id }), []);
      assert.deepEqual(await store.predictions.errorHistogram({ experimentId: id }, 4, 1), []);
      assert.equal(await store.predictions.count({ experimentId: id }), 0);
      assert.equal((await store.predictions.summary({ experimentId: other.id })).medianKm, 3, "other experiment kept");

      await store.predictions.insertBatch(id, FIRST_BATCH.slice(0, 4));
      await store.predictions.insertBatch(id, FIRST_BATCH.slice(4));
      const again = await store.predictions.summary({ experimentId: id });
      assert.deepEqual([again.n, again.medianKm], [8, 20]);
      await assertBinsMatchRows();
    });
  });
}
