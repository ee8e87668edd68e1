/**
 * Runs from any framework, on SQLite and PostgreSQL: start an external run, log metric points,
 * add predictions as rows and as CSV / JSON-lines uploads (scored against the dataset's truth),
 * finish; the metrics of a small run against figures computed by hand; every kind of bad input
 * refused whole, naming each bad row, with nothing stored.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadChainOfRegion } from "@geor/geo";
import { DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { DIALECTS, gql, ok, predictionCount, startApi, type TestApi, TOKEN } from "./helpers.ts";

type Sample = {
  id: string;
  split: string;
  lat: number;
  lon: number;
  chain: {
    country: { code: string; name: string } | null;
    admin1: { code: string; name: string } | null;
    city: { name: string } | null;
  };
};

/** π·R: the farthest two points can be, and the error of an unreadable answer. */
const HALF_CIRCUMFERENCE_KM = Math.PI * 6371.0088;
/** One degree of latitude along a meridian, 2πR / 360. */
const ONE_DEGREE_KM = (2 * Math.PI * 6371.0088) / 360;

const SUMMARY = `query($f: PredictionFilter!) { accuracyAtThresholds(filter: $f) {
  n medianKm meanKm geoScore thresholds { km accuracy } levels { country admin1 place }
  unparsed statedLevels { country admin1 city } consistency } }`;

async function upload(api: TestApi, experimentId: string, name: string, body: string) {
  const form = new FormData();
  form.append(
    "operations",
    JSON.stringify({
      query: `mutation($id: ID!, $f: Upload) { addPredictions(experimentId: $id, file: $f) { added unparsed } }`,
      variables: { id: experimentId, f: null },
    }),
  );
  form.append("map", JSON.stringify({ 0: ["variables.f"] }));
  form.append("0", new Blob([body]), name);
  const res = await fetch(api.url, {
    method: "POST",
    body: form,
    headers: { authorization: `Bearer ${TOKEN}`, "apollo-require-preflight": "true" },
  });
  return (await res.json()) as {
    data?: { addPredictions: { added: number; unparsed: number } } | null;
    errors?: Array<{ message: string; extensions?: { code?: string; problems?: string[]; problemCount?: number } }>;
  };
}

for (const dialect of DIALECTS) {
  describe(`external runs on ${dialect}`, () => {
    let api: TestApi;
    let test4: Sample[];
    let valSample: Sample;
    const start = async (name: string, split = "test") =>
      (
        await ok<{ startExternalExperiment: { id: string; status: string; kind: string; split: string } }>(
          api,
          `mutation($i: ExternalExperimentInput!) { startExternalExperiment(input: $i) { id status kind split } }`,
          { i: { name, dataset: DATASET, split, config: { model: "Qwen2.5-VL-7B", lr: 1e-6 }, tags: ["ext"] } },
        )
      ).startExternalExperiment;
    const add = (id: string, predictions: unknown[]) =>
      gql<{ addPredictions: { added: number; unparsed: number } }>(
        api,
        `mutation($id: ID!, $p: [PredictionInput!]) { addPredictions(experimentId: $id, predictions: $p) { added unparsed } }`,
        { id, p: predictions },
        TOKEN,
      );
    const count = (id: string) => predictionCount(api, { experimentId: id });

    before(async () => {
      api = await startApi(dialect, {}, { pgWorker: false });
      await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
      const samples = async (split: string) =>
        (
          await ok<{ dataset: { samples: { edges: Array<{ node: Sample }> } } }>(
            api,
            `query($s: String) { dataset(name: "${DATASET}") { samples(split: $s, first: 100) { edges { node {
              id split lat lon chain { country { code name } admin1 { code name } city { name } } } } } } }`,
            { s: split },
          )
        ).dataset.samples.edges.map((e) => e.node);
      const test = await samples("test");
      // Samples in a named city, so every stated level can be right.
      test4 = test.filter((s) => s.chain.city !== null && s.chain.admin1 !== null).slice(0, 4);
      assert.equal(test4.length, 4, "the tiny dataset has four test samples in cities");
      valSample = (await samples("val"))[0] as Sample;
    });
    after(async () => {
      await api?.stop();
    });

    test("ingestSettings says the call size this database stores fastest and the body limit", async () => {
      const { ingestSettings } = await ok<{ ingestSettings: { chunkRows: number; maxRequestBytes: number } }>(
        api,
        "{ ingestSettings { chunkRows maxRequestBytes } }",
      );
      assert.deepEqual(ingestSettings, {
        chunkRows: dialect === "sqlite" ? 20_000 : 10_000,
        maxRequestBytes: Math.ceil(api.config.maxUploadBytes * 1.4) + 65536,
      });
      // A body over the limit is refused whole, before anything is parsed.
      const over = await fetch(api.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          query: "{ __typename }",
          variables: { pad: "x".repeat(ingestSettings.maxRequestBytes) },
        }),
      });
      assert.equal(over.status, 413);
    });

    test("a small run's metrics equal the figures computed by hand", async () => {
      const run = await start("hand-checked");
      assert.deepEqual([run.status, run.kind, run.split], ["RUNNING", "EXTERNAL", "test"]);
      const [a, b, c, d] = test4 as [Sample, Sample, Sample, Sample];
      const north = a.lat > 80 ? -1 : 1;
      const named = (s: Sample, coordinates: string) =>
        `<think>…</think><answer>{"Country": "${s.chain.country?.name}", "State": "${s.chain.admin1?.name}", "City": "${s.chain.city?.name}", ${coordinates}}</answer>`;
      const r = await add(run.id, [
        // 1° of latitude away, no answer.
        { sampleId: a.id, lat: a.lat + north, lon: a.lon, confidence: 0.5 },
        // The exact spot, every level stated right.
        { sampleId: b.id, answer: named(b, `"Coordinates": [${b.lat}, ${b.lon}]`) },
        // No coordinate to read: unparsed.
        { sampleId: c.id, answer: "I cannot tell where this is." },
        // The antipode, with the right country stated: parsed, farthest, inconsistent.
        {
          sampleId: d.id,
          answer: `{"Country": "${d.chain.country?.name}", "LOC": [${-d.lat}, ${d.lon > 0 ? d.lon - 180 : d.lon + 180}]}`,
        },
      ]);
      assert.deepEqual(r.data?.addPredictions, { added: 4, unparsed: 1 }, JSON.stringify(r.errors));

      const s = (
        await ok<{
          accuracyAtThresholds: {
            n: number;
            medianKm: number;
            meanKm: number;
            thresholds: Array<{ km: number; accuracy: number }>;
            levels: { country: number };
            unparsed: number;
            statedLevels: { country: number; admin1: number; city: number };
            consistency: number;
          };
        }>(api, SUMMARY, { f: { experimentId: run.id } })
      ).accuracyAtThresholds;
      const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) < 1e-3, `${what}: ${x} ≠ ${y}`);
      // Errors: 0, 111.195, 20015.087 (unparsed), 20015.087 (antipode).
      assert.equal(s.n, 4);
      close(s.medianKm, (ONE_DEGREE_KM + HALF_CIRCUMFERENCE_KM) / 2, "median");
      close(s.meanKm, (ONE_DEGREE_KM + 2 * HALF_CIRCUMFERENCE_KM) / 4, "mean");
      assert.deepEqual(
        s.thresholds.map((t) => [t.km, t.accuracy]),
        [
          [1, 0.25],
          [25, 0.25],
          [200, 0.5],
          [750, 0.5],
          [2500, 0.5],
        ],
      );
      // The coordinate-level country: b is right, c and d are not, a where its shifted point lies.
      const cor = await loadChainOfRegion();
      const aRight = cor.countryOf(a.lat + north, a.lon) === a.chain.country?.code ? 1 : 0;
      close(s.levels.country, (1 + aRight) / 4, "country level");
      assert.equal(s.unparsed, 1);
      // Stated: b states all three right, d the country only; a and c state nothing (wrong).
      assert.deepEqual(s.statedLevels, { country: 0.5, admin1: 0.25, city: 0.25 });
      // b's coordinate lies in its stated country, d's does not; c has no coordinate.
      assert.equal(s.consistency, 0.5);

      const rows = await ok<{
        predictions: {
          edges: Array<{
            node: {
              sampleId: string;
              answer: string | null;
              parsed: boolean;
              consistent: boolean | null;
              predictedChain: { lat: number | null };
              statedChain: { country: { code: string } | null; city: { name: string } | null } | null;
            };
          }>;
        };
      }>(
        api,
        `query($f: PredictionFilter!) { predictions(filter: $f, first: 10, orderBy: ID) { edges { node {
          sampleId answer parsed consistent predictedChain { lat } statedChain { country { code } city { name } } } } } }`,
        { f: { experimentId: run.id } },
      );
      const byId = new Map(rows.predictions.edges.map((e) => [e.node.sampleId, e.node]));
      assert.equal(byId.get(c.id)?.parsed, false);
      assert.equal(byId.get(c.id)?.predictedChain.lat, null, "an unreadable answer has no point");
      assert.equal(byId.get(c.id)?.answer, "I cannot tell where this is.");
      assert.equal(byId.get(b.id)?.statedChain?.country?.code, b.chain.country?.code);
      assert.equal(byId.get(b.id)?.consistent, true);
      assert.equal(byId.get(d.id)?.consistent, false);
      assert.equal(byId.get(a.id)?.statedChain, null);

      // The map has points for the parsed ones only; filters reach the unreadable and inconsistent.
      const points = await ok<{ predictionPoints: { count: number } }>(
        api,
        `query($f: PredictionFilter!) { predictionPoints(filter: $f) { count } }`,
        { f: { experimentId: run.id } },
      );
      assert.equal(points.predictionPoints.count, 3);
      const unreadablePoints = await ok<{ predictionPoints: { count: number; totalCount: number } }>(
        api,
        `query($f: PredictionFilter!) { predictionPoints(filter: $f) { count totalCount } }`,
        { f: { experimentId: run.id, parsed: false } },
      );
      assert.deepEqual(
        unreadablePoints.predictionPoints,
        { count: 0, totalCount: 0 },
        "unreadable answers have no point",
      );
      const filtered = async (f: Record<string, unknown>) =>
        (
          await ok<{ predictions: { edges: Array<{ node: { sampleId: string } }> } }>(
            api,
            `query($f: PredictionFilter!) { predictions(filter: $f, first: 10) { edges { node { sampleId } } } }`,
            { f: { experimentId: run.id, ...f } },
          )
        ).predictions.edges.map((e) => e.node.sampleId);
      assert.deepEqual(await filtered({ parsed: false }), [c.id]);
      assert.deepEqual(await filtered({ consistent: false }), [d.id]);

      const done = await ok<{
        finishExperiment: { status: string; finalMetrics: { metrics: { n: number }; unparsed: number } };
      }>(api, `mutation($id: ID!) { finishExperiment(id: $id) { status finalMetrics } }`, { id: run.id });
      assert.equal(done.finishExperiment.status, "SUCCEEDED");
      assert.deepEqual(
        [done.finishExperiment.finalMetrics.metrics.n, done.finishExperiment.finalMetrics.unparsed],
        [4, 1],
      );
      const late = await add(run.id, [{ sampleId: (test4[0] as Sample).id, lat: 0, lon: 0 }]);
      assert.equal(late.errors?.[0]?.extensions?.code, "CONFLICT", "a finished run takes no more");
    });

    test("logMetrics and addPredictions move the run's version, which experimentProgress follows", async () => {
      const run = await start("followed");
      const version = async () =>
        (
          await ok<{ experiment: { version: number } }>(api, `query($id: ID!) { experiment(id: $id) { version } }`, {
            id: run.id,
          })
        ).experiment.version;
      const v0 = await version();
      await ok(api, `mutation($id: ID!, $p: [MetricPointInput!]!) { logMetrics(experimentId: $id, points: $p) }`, {
        id: run.id,
        p: [{ name: "loss", step: 1, value: 1 }],
      });
      const v1 = await version();
      assert.ok(v1 > v0, `logMetrics: version ${v0} → ${v1}`);
      const sample = test4[0] as Sample;
      const r = await add(run.id, [{ sampleId: sample.id, lat: sample.lat, lon: sample.lon }]);
      assert.deepEqual(r.data?.addPredictions, { added: 1, unparsed: 0 }, JSON.stringify(r.errors));
      const v2 = await version();
      assert.ok(v2 > v1, `addPredictions: version ${v1} → ${v2}`);
      // A refused call stores nothing and changes nothing a subscriber sees.
      const refused = await add(run.id, [{ sampleId: sample.id, lat: 0, lon: 0 }]);
      assert.equal(refused.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.equal(await version(), v2);
    });

    test("logMetrics feeds the run's series; a FAILED finish keeps the client's error", async () => {
      const run = await start("curves");
      const n = await ok<{ logMetrics: number }>(
        api,
        `mutation($id: ID!, $p: [MetricPointInput!]!) { logMetrics(experimentId: $id, points: $p) }`,
        {
          id: run.id,
          p: [
            { name: "loss", step: 1, value: 2.5 },
            { name: "loss", step: 2, value: 1.5 },
            { name: "reward/mean", step: 2, value: 0.25 },
          ],
        },
      );
      assert.equal(n.logMetrics, 3);
      const bad = await gql(
        api,
        `mutation($id: ID!, $p: [MetricPointInput!]!) { logMetrics(experimentId: $id, points: $p) }`,
        {
          id: run.id,
          p: [
            { name: "loss", step: 3, value: 1 },
            { name: "", step: -1, value: 0 },
          ],
        },
        TOKEN,
      );
      assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(bad.errors?.[0]?.message ?? "", /point 2: name "" must be/);
      const e = await ok<{
        experiment: { metricNames: string[]; metrics: Array<{ points: Array<{ step: number; stage: string }> }> };
      }>(
        api,
        `query($id: ID!) { experiment(id: $id) { metricNames metrics(names: ["loss"]) { points { step stage } } } }`,
        { id: run.id },
      );
      assert.deepEqual(e.experiment.metricNames, ["loss", "reward/mean"]);
      assert.deepEqual(
        e.experiment.metrics[0]?.points.map((p) => [p.step, p.stage]),
        [
          [1, "EXTERNAL"],
          [2, "EXTERNAL"],
        ],
        "the bad call stored nothing",
      );
      const failed = await ok<{ finishExperiment: { status: string; error: string } }>(
        api,
        `mutation($id: ID!) { finishExperiment(id: $id, failed: true, error: "CUDA out of memory") { status error } }`,
        { id: run.id },
      );
      assert.deepEqual(failed.finishExperiment, { status: "FAILED", error: "CUDA out of memory" });
    });

    test("every kind of bad row refuses the whole call, names each one, and stores nothing", async () => {
      const run = await start("bad rows");
      const [a, b, c] = test4 as [Sample, Sample, Sample];
      assert.equal((await add(run.id, [{ sampleId: a.id, lat: a.lat, lon: a.lon }])).data?.addPredictions.added, 1);
      const r = await add(run.id, [
        { sampleId: b.id, lat: b.lat, lon: b.lon },
        { sampleId: "no-such-sample", lat: 1, lon: 2 },
        { sampleId: valSample.id, lat: 1, lon: 2 },
        { sampleId: c.id },
        { sampleId: c.id, lat: 95, lon: 2 },
        { sampleId: c.id, lat: 1, lon: 200 },
        { sampleId: b.id, answer: "(1, 2)" },
        { sampleId: a.id, lat: 1, lon: 2 },
      ]);
      const err = r.errors?.[0];
      assert.equal(err?.extensions?.code, "BAD_USER_INPUT");
      assert.equal(err?.extensions?.problemCount, 7);
      assert.deepEqual(err?.extensions?.problems, [
        'row 2: unknown sample id "no-such-sample"',
        `row 3: sample "${valSample.id}" is in the val split, not test`,
        "row 4: neither coordinates (lat, lon) nor an answer",
        "row 5: lat 95 is not a number in [-90, 90]",
        "row 6: lon 200 is not a number in [-180, 180]",
        `row 7: sample "${b.id}" was predicted already at row 1`,
        `row 8: sample "${a.id}" has a prediction in this run already`,
      ]);
      assert.match(err?.message ?? "", /^predictions: 7 bad rows, nothing stored: row 2: unknown sample id/);
      assert.equal(await count(run.id), 1, "the good row of the refused call was not kept");

      // A row that does not fit PredictionInput, after good ones (the cost check reads a list's
      // first item only): the variable's coercion refuses the call, naming the row's field.
      for (const [bad, where] of [
        [{ sampleId: c.id, lat: "north", lon: 2 }, "p[2].lat"],
        [{ lat: 1, lon: 2 }, "p[2]"],
      ] as const) {
        const mistyped = await add(run.id, [{ sampleId: b.id, lat: b.lat, lon: b.lon }, { sampleId: c.id }, bad]);
        assert.equal(mistyped.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(mistyped.errors));
        assert.ok(
          mistyped.errors?.[0]?.message.includes(`Variable "$p" got invalid value`),
          mistyped.errors?.[0]?.message,
        );
        assert.ok(mistyped.errors?.[0]?.message.includes(`at "${where}"`), mistyped.errors?.[0]?.message);
      }
      assert.equal(await count(run.id), 1, "nothing of the mistyped calls was stored");

      const anonymous = await gql(
        api,
        `mutation($id: ID!, $p: [PredictionInput!]) { addPredictions(experimentId: $id, predictions: $p) { added } }`,
        { id: run.id, p: [{ sampleId: b.id, lat: 0, lon: 0 }] },
      );
      assert.equal(anonymous.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.equal(await count(run.id), 1);
    });

    test("CSV and JSON-lines uploads are read line by line; a bad line refuses the file", async () => {
      const run = await start("uploads");
      const [a, b, c, d] = test4 as [Sample, Sample, Sample, Sample];
      const csv = `sample_id,lat,lon,answer,confidence\n${a.id},${a.lat},${a.lon},,0.9\n${b.id},,,"{""Country"": ""${b.chain.country?.name}"", ""LOC"": [${b.lat}, ${b.lon}]}",\n`;
      const good = await upload(api, run.id, "preds.csv", csv);
      assert.deepEqual(good.data?.addPredictions, { added: 2, unparsed: 0 }, JSON.stringify(good.errors));

      const jsonl = [
        JSON.stringify({ sampleId: c.id, answer: `(${c.lat}, ${c.lon})` }),
        "{not json",
        JSON.stringify({ sample_id: d.id, lat: d.lat, lon: d.lon, extra: 1 }),
      ].join("\n");
      const bad = await upload(api, run.id, "preds.jsonl", jsonl);
      assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.deepEqual(
        bad.errors?.[0]?.extensions?.problems?.map((p) => p.replace(/: .*$/, "")),
        ["line 2", "line 3"],
      );
      assert.match(bad.errors?.[0]?.extensions?.problems?.[0] ?? "", /^line 2: invalid JSON/);
      assert.equal(bad.errors?.[0]?.extensions?.problems?.[1], "line 3: unknown key extra");
      assert.equal(await count(run.id), 2, "nothing of the refused file was stored");

      // No extension: JSON lines are recognised by their first character.
      const fixed = await upload(
        api,
        run.id,
        "answers",
        [jsonl.split("\n")[0], JSON.stringify({ id: d.id, lat: d.lat, lon: d.lon })].join("\n"),
      );
      assert.deepEqual(fixed.data?.addPredictions, { added: 2, unparsed: 0 }, JSON.stringify(fixed.errors));
      const header = await upload(api, run.id, "p.csv", "image,latitude\nx,1\n");
      assert.match(
        header.errors?.[0]?.message ?? "",
        /the CSV header needs sample_id \(or id\) and lat, lon or answer/,
      );
      assert.equal(await count(run.id), 4);
    });

    test("a bad start names the field", async () => {
      const bad = await gql(
        api,
        `mutation { startExternalExperiment(input: { name: "x", dataset: "${DATASET}", split: "dev" }) { id } }`,
        {},
        TOKEN,
      );
      assert.match(bad.errors?.[0]?.message ?? "", /^input\.split: must be one of train, val, test/);
      const noDataset = await gql(
        api,
        `mutation { startExternalExperiment(input: { name: "x", dataset: "nope" }) { id } }`,
        {},
        TOKEN,
      );
      assert.match(noDataset.errors?.[0]?.message ?? "", /^input\.dataset: no dataset "nope"/);
    });
  });
}
