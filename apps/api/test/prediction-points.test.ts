/**
 * predictionPoints on both databases: the decoded columns equal the seeded rows (as Float32),
 * limit and after give truncated chunks, the filter is the one `predictions` takes, reads follow
 * GEOR_PUBLIC_READ.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { NewPrediction } from "../src/store/index.ts";
import { createTestExperiment, DIALECTS, gql, ok, predictionRow, startApi, type TestApi } from "./helpers.ts";

const POINTS = `query($f: PredictionFilter!, $limit: Int!, $after: ID) {
  predictionPoints(filter: $f, limit: $limit, after: $after) {
    count truncated totalCount ids truePositions predictedPositions errorKm
  }
}`;

type Packed = {
  count: number;
  truncated: boolean;
  totalCount: number;
  ids: string;
  truePositions: string;
  predictedPositions: string;
  errorKm: string;
};

/** The columns as the dashboard decodes them: little-endian typed arrays over the base64 bytes. */
function decode(p: Packed) {
  const bytes = (b64: string) => {
    const b = Buffer.from(b64, "base64");
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  };
  const read = (b64: string, get: (v: DataView, at: number) => number) => {
    const v = bytes(b64);
    return Array.from({ length: v.byteLength / 4 }, (_, i) => get(v, i * 4));
  };
  return {
    ids: read(p.ids, (v, at) => v.getInt32(at, true)),
    truePositions: read(p.truePositions, (v, at) => v.getFloat32(at, true)),
    predictedPositions: read(p.predictedPositions, (v, at) => v.getFloat32(at, true)),
    errorKm: read(p.errorKm, (v, at) => v.getFloat32(at, true)),
  };
}

/** Twelve predictions: odd ones in France and right at country level, even ones in Germany and wrong. */
function seedRows(): NewPrediction[] {
  return Array.from({ length: 12 }, (_, k) =>
    predictionRow({
      sample_id: `s${k}`,
      split: k < 10 ? "test" : "val",
      true_lat: 45.1234567 + k * 0.1,
      true_lon: -1.7654321 + k * 0.3,
      true_country: k % 2 ? "FR" : "DE",
      true_country_name: k % 2 ? "France" : "Germany",
      pred_country: k % 2 ? "FR" : "PL",
      pred_country_name: k % 2 ? "France" : "Poland",
      pred_lat: -10.333333 - k,
      pred_lon: 170.987654 + k * 0.5,
      error_km: 1.1 * 10 ** (k / 3),
      hit_country: k % 2,
    }),
  );
}

for (const dialect of DIALECTS) {
  describe(`predictionPoints on ${dialect}`, () => {
    let api: TestApi;
    let experimentId: string;
    const rows = seedRows();

    before(async () => {
      api = await startApi(dialect, {}, { pgWorker: false });
      const store = api.server.services.store;
      const create = (name: string) => createTestExperiment(store, name);
      // Another experiment's rows first: the seeded ids do not start at 1 and must be left out.
      await store.predictions.insertBatch((await create("other")).id, rows.slice(0, 3));
      experimentId = (await create("points")).id;
      await store.predictions.insertBatch(experimentId, rows);
    });
    after(async () => {
      await api?.stop();
    });

    const points = async (filter: Record<string, unknown>, limit = 200_000, afterId: string | null = null) =>
      (await ok<{ predictionPoints: Packed }>(api, POINTS, { f: { experimentId, ...filter }, limit, after: afterId }))
        .predictionPoints;

    test("the decoded columns are the experiment's rows in id order, as Float32", async () => {
      const p = await points({});
      assert.equal(p.count, 12);
      assert.equal(p.truncated, false);
      assert.equal(p.totalCount, 12);
      const c = decode(p);
      const page = await ok<{ predictions: { edges: Array<{ node: { id: string } }> } }>(
        api,
        `query($f: PredictionFilter!) { predictions(filter: $f, first: 100) { edges { node { id } } } }`,
        { f: { experimentId } },
      );
      assert.deepEqual(
        c.ids,
        page.predictions.edges.map((e) => Number(e.node.id)),
      );
      assert.ok(c.ids[0]! > 3, "the other experiment's rows come first and are left out");
      const f = Math.fround;
      assert.deepEqual(
        c.truePositions,
        rows.flatMap((r) => [f(r.true_lon), f(r.true_lat)]),
      );
      assert.deepEqual(
        c.predictedPositions,
        rows.flatMap((r) => [f(r.pred_lon as number), f(r.pred_lat as number)]),
      );
      assert.deepEqual(
        c.errorKm,
        rows.map((r) => f(r.error_km)),
      );
    });

    test("limit and after may be left out: the first chunk of at most 200,000", async () => {
      const r = await ok<{ predictionPoints: { count: number; truncated: boolean } }>(
        api,
        `query($f: PredictionFilter!) { predictionPoints(filter: $f) { count truncated } }`,
        { f: { experimentId } },
      );
      assert.deepEqual(r.predictionPoints, { count: 12, truncated: false });
    });

    test("limit cuts the columns and sets truncated; after continues from the last id", async () => {
      const first = await points({}, 5);
      assert.equal(first.count, 5);
      assert.equal(first.truncated, true);
      assert.equal(first.totalCount, 12);
      const firstIds = decode(first).ids;
      assert.equal(firstIds.length, 5);
      const rest = await points({}, 7, String(firstIds.at(-1)));
      assert.equal(rest.count, 7);
      assert.equal(rest.truncated, false, "exactly the remaining rows: nothing more to read");
      const all = decode(await points({})).ids;
      assert.deepEqual([...firstIds, ...decode(rest).ids], all);
      assert.deepEqual(
        decode(rest).errorKm,
        rows.slice(5).map((r) => Math.fround(r.error_km)),
      );
    });

    test("the filter is the predictions filter", async () => {
      const missed = await points({ level: "COUNTRY", hit: false, split: "test" });
      // Even k (Germany → Poland) below 10: 0, 2, 4, 6, 8.
      assert.equal(missed.count, 5);
      assert.equal(missed.totalCount, 5);
      assert.deepEqual(
        decode(missed).errorKm,
        [0, 2, 4, 6, 8].map((k) => Math.fround(rows[k]!.error_km)),
      );
      const french = decode(await points({ trueCountry: "fr", maxErrorKm: 10 }));
      // Odd k with 1.1·10^(k/3) ≤ 10 km: only k = 1 (2.4 km; k = 3 gives 11 km).
      assert.deepEqual(
        french.errorKm,
        [1].map((k) => Math.fround(rows[k]!.error_km)),
      );
      const none = await points({ trueCountry: "PT" });
      assert.equal(none.count, 0);
      assert.equal(none.ids, "");
    });

    test("a bad limit, after or filter is BAD_USER_INPUT naming the field", async () => {
      for (const [vars, field] of [
        [{ limit: 0 }, "limit"],
        [{ limit: 200_001 }, "limit"],
        [{ after: "x1" }, "after"],
        [{ f: { experimentId: "x", trueCountry: "France" } }, "filter.trueCountry"],
      ] as const) {
        const r = await gql(api, POINTS, Object.assign({ f: { experimentId }, limit: 10 }, vars));
        assert.equal(r.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(vars));
        assert.equal(r.errors?.[0]?.extensions?.field, field);
      }
    });

    test("with GEOR_PUBLIC_READ=false it needs the token", async () => {
      const closed = await startApi(dialect, { publicRead: false }, { pgWorker: false });
      try {
        const r = await gql(closed, POINTS, { f: { experimentId }, limit: 10 });
        assert.equal(r.status, 401);
        assert.equal(r.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      } finally {
        await closed.stop();
      }
    });
  });
}
