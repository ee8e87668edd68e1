/**
 * The third scored level is `place` (the geocell); `city` is its old GraphQL name, kept as a
 * deprecated alias so existing clients keep working: the same values, filters that select the same
 * rows, old experiments' stored reports read under the new name, and migration 0004 carrying the
 * stored hit flags across the column rename. Both databases.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type Kysely, sql } from "kysely";
import { openDatabase } from "../src/db/connect.ts";
import { migrateToLatest } from "../src/db/migrations/index.ts";
import { Store } from "../src/store/index.ts";
import {
  createTestExperiment,
  DIALECTS,
  freshPgDatabase,
  ok,
  oldPredictionRow,
  predictionCount,
  predictionRow,
  startApi,
  type TestApi,
} from "./helpers.ts";

/** Eight rows: the place is right in rows 0–2, the country in rows 0–4. */
const rows = Array.from({ length: 8 }, (_, k) =>
  predictionRow({ sample_id: `s${k}`, error_km: 10 + k, hit_country: k < 5 ? 1 : 0, hit_place: k < 3 ? 1 : 0 }),
);

for (const dialect of DIALECTS) {
  describe(`the place level on ${dialect}`, () => {
    let api: TestApi;
    let experimentId: string;
    before(async () => {
      api = await startApi(dialect, {}, { pgWorker: false });
      const store = api.server.services.store;
      experimentId = (await createTestExperiment(store, "levels")).id;
      await store.predictions.insertBatch(experimentId, rows);
      // A report stored before the rename spells the level `city`.
      await store.experiments.finish(experimentId, "SUCCEEDED", {
        finalMetrics: { levels: { country: 0.5, admin1: 0.25, city: 0.125 } },
      });
    });
    after(async () => {
      await api?.stop();
    });

    test("place and its deprecated alias city give the same accuracy and hits", async () => {
      const d = await ok<{
        accuracyAtThresholds: { levels: { place: number; city: number } };
        predictions: { edges: Array<{ node: { sampleId: string; hits: { place: boolean; city: boolean } } }> };
      }>(
        api,
        `query($f: PredictionFilter!) {
          accuracyAtThresholds(filter: $f) { levels { place city } }
          predictions(filter: $f, first: 20, orderBy: ID) { edges { node { sampleId hits { place city } } } }
        }`,
        { f: { experimentId } },
      );
      assert.deepEqual(d.accuracyAtThresholds.levels, { place: 3 / 8, city: 3 / 8 });
      assert.deepEqual(
        d.predictions.edges.map((e) => [e.node.hits.place, e.node.hits.city]),
        rows.map((r) => [r.hit_place === 1, r.hit_place === 1]),
      );
    });

    test("the filter's level CITY selects what PLACE selects", async () => {
      const count = (level: string, hit: boolean) => predictionCount(api, { experimentId, level, hit });
      assert.deepEqual([await count("PLACE", true), await count("PLACE", false)], [3, 5]);
      assert.deepEqual([await count("CITY", true), await count("CITY", false)], [3, 5]);
    });

    test("the schema marks the old names deprecated, saying what to use", async () => {
      const d = await ok<{
        hits: { fields: Array<{ name: string; isDeprecated: boolean; deprecationReason: string | null }> };
        level: { enumValues: Array<{ name: string; isDeprecated: boolean }> };
      }>(
        api,
        `{ hits: __type(name: "LevelHits") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
           level: __type(name: "Level") { enumValues(includeDeprecated: true) { name isDeprecated } } }`,
      );
      const city = d.hits.fields.find((f) => f.name === "city");
      assert.equal(city?.isDeprecated, true);
      assert.match(city?.deprecationReason ?? "", /Use place/);
      assert.equal(d.hits.fields.find((f) => f.name === "place")?.isDeprecated, false);
      assert.deepEqual(
        d.level.enumValues.map((v) => [v.name, v.isDeprecated]),
        [
          ["COUNTRY", false],
          ["ADMIN1", false],
          ["PLACE", false],
          ["CITY", true],
        ],
      );
    });

    test("an experiment's stored report reads its old city level as place", async () => {
      const d = await ok<{ experiment: { finalMetrics: { levels: Record<string, number> } } }>(
        api,
        `query($id: ID!) { experiment(id: $id) { finalMetrics } }`,
        { id: experimentId },
      );
      assert.deepEqual(d.experiment.finalMetrics.levels, { country: 0.5, admin1: 0.25, place: 0.125, city: 0.125 });
    });

    test("migration 0004 renames hit_city to hit_place and keeps every flag and bin", async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "geor-migrate-place-"));
      const target = { databaseUrl: dialect === "postgres" ? await freshPgDatabase() : null, home };
      const old = await openDatabase(target, { migrate: false });
      await migrateToLatest(old.db, old.dialect, "0003_integer_experiment_keys");
      // biome-ignore lint/suspicious/noExplicitAny: the schema as it was before 0004
      const db = old.db as Kysely<any>;
      await db
        .insertInto("experiments")
        .values({
          id: "5d0c6e0e-0000-4000-8000-0000000000c1",
          name: "old",
          dataset: "d",
          config: "{}",
          status: "SUCCEEDED",
          notes: "",
          created_at: new Date().toISOString(),
          cancel_requested: 0,
          version: 0,
          attempts: 1,
          run_dir: "/tmp/old",
        })
        .execute();
      const seq = sql`(select seq from experiments where id = '5d0c6e0e-0000-4000-8000-0000000000c1')`;
      for (const r of rows) {
        await db
          .insertInto("predictions")
          .values({ ...oldPredictionRow(r), exp: seq })
          .execute();
      }
      await sql`insert into prediction_bins (experiment_id, split, true_country, true_country_name, hit_country,
          hit_admin1, hit_city, bin, band, n, sum_km, sum_geo)
        select '5d0c6e0e-0000-4000-8000-0000000000c1', split, '', '', hit_country, hit_admin1, hit_city, 0, 0,
          count(*), sum(error_km), 0 from predictions group by split, hit_country, hit_admin1, hit_city`.execute(db);
      await old.close();

      const migrated = new Store(await openDatabase(target));
      try {
        const f = { experimentId: "5d0c6e0e-0000-4000-8000-0000000000c1" };
        assert.equal(await migrated.predictions.count({ ...f, level: "PLACE", hit: true }), 3);
        const bins = await migrated.database.db
          .selectFrom("prediction_bins")
          .select(["hit_place", "n"])
          .orderBy("hit_place")
          .orderBy("hit_country")
          .execute();
        assert.deepEqual(
          bins.map((b) => [Number(b.hit_place), Number(b.n)]),
          [
            [0, 3],
            [0, 2],
            [1, 3],
          ],
        );
      } finally {
        await migrated.close();
      }
    });
  });
}
