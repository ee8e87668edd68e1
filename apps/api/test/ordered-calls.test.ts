/**
 * addPredictions calls on one run that overlap, on SQLite and PostgreSQL: they score at once and
 * store one at a time; with expectStored (a client's chunks sent without waiting for each other's
 * answer) they are stored in the client's order or not at all, a call that arrived before the
 * chunk it follows waits for it, and calls that could never be stored are refused, not left waiting.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { PredictionRowIn, PredictionRowSource } from "../src/services/prediction-rows.ts";
import { DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { DIALECTS, gql, ok, predictionCount, startApi, type TestApi, TOKEN } from "./helpers.ts";

type Point = { id: string; lat: number; lon: number };
type Added = { added: number; unparsed: number; stored: number };

/** A row source that yields its rows only once `open()` is called (a call still reading its rows). */
function gatedRows(points: Point[]) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reading!: () => void;
  const started = new Promise<void>((resolve) => {
    reading = resolve;
  });
  async function* batches(): AsyncGenerator<PredictionRowIn[]> {
    reading();
    await opened;
    yield points.map((p, i) => ({ at: i + 1, input: { sampleId: p.id, lat: p.lat, lon: p.lon } }));
  }
  const source: PredictionRowSource = { unit: "row", batches: batches() };
  return { source, open, started };
}

function rowsOf(points: Point[]): PredictionRowSource {
  return {
    unit: "row",
    batches: [points.map((p, i) => ({ at: i + 1, input: { sampleId: p.id, lat: p.lat, lon: p.lon } }))],
  };
}

/** Whether the promise has settled after the event loop has turned a few times. */
async function settledSoon(p: Promise<unknown>, turns = 20): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < turns && !settled; i++) await new Promise((r) => setTimeout(r, 5));
  return settled;
}

for (const dialect of DIALECTS) {
  // A call left waiting for good fails its test instead of hanging the run.
  describe(`overlapping addPredictions calls on ${dialect}`, { timeout: 120_000 }, () => {
    let api: TestApi;
    let points: Point[];
    const service = () => api.server.services.externalRuns;
    const start = async (name: string) =>
      (
        await ok<{ startExternalExperiment: { id: string } }>(
          api,
          `mutation($i: ExternalExperimentInput!) { startExternalExperiment(input: $i) { id } }`,
          { i: { name, dataset: DATASET, split: "test" } },
        )
      ).startExternalExperiment.id;
    const add = (id: string, p: Point[], expectStored?: number) =>
      gql<{ addPredictions: Added }>(
        api,
        `mutation($id: ID!, $p: [PredictionInput!], $e: Int) {
          addPredictions(experimentId: $id, predictions: $p, expectStored: $e) { added unparsed stored } }`,
        { id, p: p.map((x) => ({ sampleId: x.id, lat: x.lat, lon: x.lon })), e: expectStored ?? null },
        TOKEN,
      );
    const count = (id: string) => predictionCount(api, { experimentId: id });

    before(async () => {
      api = await startApi(dialect, {}, { pgWorker: false });
      await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
      points = (
        await ok<{ dataset: { samples: { edges: Array<{ node: Point }> } } }>(
          api,
          `{ dataset(name: "${DATASET}") { samples(split: "test", first: 12) { edges { node { id lat lon } } } } }`,
        )
      ).dataset.samples.edges.map((e) => e.node);
      assert.equal(points.length, 12, "the tiny dataset has 12 test samples to predict");
    });
    after(async () => {
      await api?.stop();
    });

    test("stored counts the run's predictions; a wrong expectStored is refused with both numbers, nothing stored", async () => {
      const id = await start("expect");
      assert.deepEqual((await add(id, points.slice(0, 3))).data?.addPredictions, { added: 3, unparsed: 0, stored: 3 });
      assert.deepEqual((await add(id, points.slice(3, 5), 3)).data?.addPredictions, {
        added: 2,
        unparsed: 0,
        stored: 5,
      });
      for (const [expect, why] of [
        [
          9,
          /holds 5 predictions, not the 9 this call expects \(expectStored\); no call under way could store the rest/,
        ],
        [4, /holds 5 predictions, not the 4 this call expects \(expectStored\); more than that are stored/],
      ] as const) {
        const r = await add(id, points.slice(5, 7), expect);
        const err = r.errors?.[0];
        assert.equal(err?.extensions?.code, "CONFLICT", JSON.stringify(r.errors));
        assert.equal(err?.extensions?.stored, 5);
        assert.equal(err?.extensions?.expectStored, expect);
        assert.match(err?.message ?? "", why);
        assert.match(err?.message ?? "", /nothing stored$/);
      }
      assert.equal(await count(id), 5);
      // An empty call says what the run holds, and checks expectStored too.
      assert.deepEqual((await add(id, [], 5)).data?.addPredictions, { added: 0, unparsed: 0, stored: 5 });
      assert.equal((await add(id, [], 6)).errors?.[0]?.extensions?.code, "CONFLICT");
      const negative = await add(id, [], -1);
      assert.equal(negative.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(negative.errors?.[0]?.message ?? "", /expectStored: must be an integer ≥ 0, got -1/);
    });

    test("a chunk that arrives before the one it follows waits for it, then both are stored in order", async () => {
      const id = await start("out of order");
      const first = gatedRows(points.slice(0, 4));
      const a = service().addPredictions(id, first.source, "predictions", 0);
      await first.started; // chunk 1 is under way, still reading its rows
      const b = service().addPredictions(id, rowsOf(points.slice(4, 10)), "predictions", 4);
      assert.equal(await settledSoon(b), false, "chunk 2 waits while chunk 1 reads");
      assert.equal(await count(id), 0, "and stores nothing meanwhile");
      first.open();
      assert.deepEqual(await a, { added: 4, unparsed: 0, stored: 4 });
      assert.deepEqual(await b, { added: 6, unparsed: 0, stored: 10 });
      const rows = await ok<{ predictions: { edges: Array<{ node: { sampleId: string } }> } }>(
        api,
        `query($f: PredictionFilter!) { predictions(filter: $f, first: 20) { edges { node { sampleId } } } }`,
        { f: { experimentId: id } },
      );
      assert.deepEqual(
        rows.predictions.edges.map((e) => e.node.sampleId),
        points.slice(0, 10).map((p) => p.id),
        "stored in the chunks' order",
      );
    });

    test("when the chunk before is refused, the chunk waiting for it is refused too; nothing of either is stored", async () => {
      const id = await start("refused before");
      await add(id, points.slice(0, 2));
      const first = gatedRows([...points.slice(2, 4), { id: "no-such-sample", lat: 1, lon: 2 }]);
      const a = service().addPredictions(id, first.source, "predictions", 2);
      await first.started;
      const b = service().addPredictions(id, rowsOf(points.slice(4, 6)), "predictions", 5);
      assert.equal(await settledSoon(b), false, "chunk 2 waits while chunk 1 reads");
      first.open();
      await assert.rejects(a, /predictions: 1 bad row, nothing stored: row 3: unknown sample id "no-such-sample"/);
      await assert.rejects(b, (err: Error & { extensions?: Record<string, unknown> }) => {
        assert.equal(err.extensions?.code, "CONFLICT");
        assert.equal(err.extensions?.stored, 2);
        return true;
      });
      assert.equal(await count(id), 2, "only what was stored before the two chunks");
    });

    test("chunks that all wait for one that never comes are refused, not left waiting", async () => {
      const id = await start("never");
      const gate = gatedRows(points.slice(0, 1));
      // Two calls expecting rows no call will store, beside a call that is still reading.
      const reading = service().addPredictions(id, gate.source, "predictions");
      await gate.started;
      const b = service().addPredictions(id, rowsOf(points.slice(2, 4)), "predictions", 3);
      const c = service().addPredictions(id, rowsOf(points.slice(4, 6)), "predictions", 5);
      assert.equal(await settledSoon(Promise.race([b, c])), false, "they wait while a call is under way");
      gate.open();
      assert.deepEqual(await reading, { added: 1, unparsed: 0, stored: 1 });
      for (const late of [b, c])
        await assert.rejects(late, (err: Error & { extensions?: Record<string, unknown> }) => {
          assert.equal(err.extensions?.code, "CONFLICT");
          assert.equal(err.extensions?.stored, 1);
          return true;
        });
      assert.equal(await count(id), 1);
    });

    test("finishExperiment waits for the calls under way, counts their rows and refuses new ones", async () => {
      const id = await start("finish while adding");
      const gate = gatedRows(points.slice(0, 5));
      const a = service().addPredictions(id, gate.source, "predictions");
      await gate.started;
      const finished = ok<{ finishExperiment: { status: string; finalMetrics: { metrics: { n: number } } } }>(
        api,
        `mutation($id: ID!) { finishExperiment(id: $id) { status finalMetrics } }`,
        { id },
      );
      assert.equal(await settledSoon(finished), false, "finish waits for the call");
      // A call begun while the run is being finished would be stored after its summary: refused.
      await assert.rejects(
        service().addPredictions(id, rowsOf(points.slice(5, 7)), "predictions"),
        (err: Error & { extensions?: Record<string, unknown> }) => {
          assert.equal(err.extensions?.code, "CONFLICT");
          assert.match(err.message, /is being finished; it takes no more predictions/);
          return true;
        },
      );
      gate.open();
      await a;
      const done = await finished;
      assert.equal(done.finishExperiment.status, "SUCCEEDED");
      assert.equal(done.finishExperiment.finalMetrics.metrics.n, 5);
    });
  });
}
