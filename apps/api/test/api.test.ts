/**
 * The API over HTTP and WebSocket, the same suite on SQLite and on PostgreSQL: datasets, a tiny
 * experiment really trained and evaluated, predictions and their aggregates, predict, auth,
 * validation, pagination edges, cancellation and concurrent mutations.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { DIALECTS, gql, ok, startApi, subscribe, type TestApi, TINY_CONFIG, TOKEN, waitFor } from "./helpers.ts";

const DATASET = "tiny-api";

const EXPERIMENT_FIELDS = `id name dataset status attempts error finalMetrics config tags notes createdAt startedAt finishedAt
  stages { name status step totalSteps progress message }
  metricNames checkpoints { stage step path } logs(last: 200) { line stage }`;

type Exp = {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  finalMetrics: { metrics: { n: number; medianKm: number } } | null;
  config: { train: { batchSize: number; epochs: number } };
  tags: string[];
  stages: Array<{
    name: string;
    status: string;
    step: number;
    totalSteps: number | null;
    progress: number | null;
    message: string | null;
  }>;
  metricNames: string[];
  checkpoints: Array<{ stage: string; step: number }>;
  logs: Array<{ line: string }>;
};

type Pred = {
  id: string;
  sampleId: string;
  errorKm: number;
  trueChain: { country: { code: string } | null };
  predictedChain: { country: { code: string; probability: number } | null; lat: number; lon: number };
  hits: { country: boolean; admin1: boolean; place: boolean };
};

const PRED_FIELDS = `id sampleId errorKm trueChain { lat lon continent country { code name } admin1 { code name } city cell }
  predictedChain { country { code name probability } admin1 { code name probability } place { code name probability } lat lon confidence }
  hits { country admin1 place }`;

async function allPredictions(
  api: TestApi,
  filter: Record<string, unknown>,
  orderBy = "ID",
  pageSize = 7,
): Promise<Pred[]> {
  const out: Pred[] = [];
  let after: string | null = null;
  for (;;) {
    const d: {
      predictions: {
        edges: Array<{ cursor: string; node: Pred }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await ok(
      api,
      `query($f: PredictionFilter!, $o: PredictionOrder!, $a: String, $n: Int) { predictions(filter: $f, orderBy: $o, first: $n, after: $a) { edges { cursor node { ${PRED_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      {
        f: filter,
        o: orderBy,
        a: after,
        n: pageSize,
      },
    );
    out.push(...d.predictions.edges.map((e) => e.node));
    assert.ok(d.predictions.edges.length <= pageSize);
    if (!d.predictions.pageInfo.hasNextPage) break;
    after = d.predictions.pageInfo.endCursor;
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

for (const dialect of DIALECTS) {
  describe(`GraphQL API on ${dialect}`, () => {
    let api: TestApi;
    let trained: Exp;

    before(async () => {
      api = await startApi(dialect);
    });
    after(async () => {
      await api?.stop();
    });

    test("healthz reports the database", async () => {
      const res = await fetch(api.url.replace("/graphql", "/healthz"));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok", database: dialect });
    });

    test("mutations without a valid token fail UNAUTHENTICATED and change nothing", async () => {
      for (const token of [null, "wrong-token-wrong-token"]) {
        const r = await gql(
          api,
          `mutation { createExperiment(input: { name: "x", dataset: "none" }) { id } }`,
          {},
          token,
        );
        assert.equal(r.errors?.[0].extensions?.code, "UNAUTHENTICATED");
        assert.match(r.errors?.[0].message ?? "", /Authorization: Bearer/);
      }
      const d = await ok<{ experiments: { totalCount: number } }>(api, "{ experiments { totalCount } }");
      assert.equal(d.experiments.totalCount, 0);
    });

    test("buildDataset builds a Blue Marble dataset; datasets and dataset show its counts", async () => {
      const d = await ok<{
        buildDataset: {
          name: string;
          kind: string;
          counts: { train: number; val: number; test: number; total: number };
          countries: Array<{ iso2: string; total: number }>;
        };
      }>(
        api,
        `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name kind counts { train val test total } countries { iso2 total } } }`,
        { i: { name: DATASET, limit: 300, seed: 3, options: { minPerCell: 10, maxPerCell: 60 }, overwrite: true } },
      );
      const ds = d.buildDataset;
      assert.equal(ds.name, DATASET);
      assert.equal(ds.kind, "bluemarble");
      assert.equal(ds.counts.total, 300);
      assert.equal(ds.counts.train + ds.counts.val + ds.counts.test, 300);
      assert.equal(
        ds.countries.reduce((s, c) => s + c.total, 0),
        300,
      );
      const list = await ok<{ datasets: Array<{ name: string }> }>(api, "{ datasets { name } }");
      assert.ok(list.datasets.some((x) => x.name === DATASET));
      const missing = await ok<{ dataset: null }>(api, `{ dataset(name: "no-such") { name } }`);
      assert.equal(missing.dataset, null);
    });

    test("dataset samples page through a split without gaps or repeats", async () => {
      const q = `query($a: String) { dataset(name: "${DATASET}") { counts { test } samples(split: "test", first: 9, after: $a) { totalCount edges { cursor node { id index split lat lon chain { country { code name } } thumbnail { url x y size } } } pageInfo { hasNextPage endCursor hasPreviousPage } } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      for (;;) {
        const d: {
          dataset: {
            counts: { test: number };
            samples: {
              totalCount: number;
              edges: Array<{ node: { id: string; split: string; thumbnail: { url: string } } }>;
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          };
        } = await ok(api, q, { a: after });
        total = d.dataset.counts.test;
        assert.equal(d.dataset.samples.totalCount, total);
        for (const e of d.dataset.samples.edges) {
          assert.equal(e.node.split, "test");
          seen.push(e.node.id);
        }
        if (!d.dataset.samples.pageInfo.hasNextPage) break;
        after = d.dataset.samples.pageInfo.endCursor;
      }
      assert.equal(seen.length, total);
      assert.equal(new Set(seen).size, total);
      const sprite = await ok<{ dataset: { samples: { edges: Array<{ node: { thumbnail: { url: string } } }> } } }>(
        api,
        `{ dataset(name: "${DATASET}") { samples(first: 1) { edges { node { thumbnail { url } } } } } }`,
      );
      const res = await fetch(new URL(sprite.dataset.samples.edges[0].node.thumbnail.url, api.url));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "image/png");
    });

    test("page sizes outside [1, 100] and foreign cursors are rejected with the field named", async () => {
      for (const first of [0, 101, -1]) {
        const r = await gql(api, `{ experiments(first: ${first}) { totalCount } }`);
        assert.equal(r.errors?.[0].extensions?.code, "BAD_USER_INPUT");
        assert.match(r.errors?.[0].message ?? "", /^first: /);
      }
      const r = await gql(
        api,
        `{ predictions(filter: { experimentId: "x" }, after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`,
      );
      assert.equal(r.errors?.[0].extensions?.code, "BAD_USER_INPUT");
      assert.match(r.errors?.[0].message ?? "", /^after: /);
    });

    test("createExperiment validates the config with core's schemas, naming the field", async () => {
      const cases: Array<[unknown, string]> = [
        [{ train: { batchSize: 0 } }, "config.train.batchSize"],
        [{ train: { batchsize: 8 } }, "config.train.batchsize"],
        [{ model: { head: "tree" } }, "config.model.head"],
        [{ eval: { split: "dev" } }, "config.eval.split"],
        [{ optimiser: {} }, "config"],
        [{ rl: { reward: "l2" } }, "config.rl.reward"],
        [{ rl: { group: 1 } }, "config.rl.group"],
        [{ rl: { grup: 8 } }, "config.rl.grup"],
        [{ model: { head: "flat" }, rl: {} }, "config.rl"],
      ];
      for (const [config, field] of cases) {
        const r = await gql(
          api,
          `mutation($c: JSON) { createExperiment(input: { name: "bad", dataset: "${DATASET}", config: $c }) { id } }`,
          { c: config },
          TOKEN,
        );
        assert.equal(r.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(r.errors));
        assert.ok(r.errors?.[0].message.includes(field), `${r.errors?.[0].message} names ${field}`);
      }
      const r = await gql(
        api,
        `mutation { createExperiment(input: { name: "bad", dataset: "../etc" }) { id } }`,
        {},
        TOKEN,
      );
      assert.match(r.errors?.[0].message ?? "", /^input\.dataset: /);
      const d = await ok<{ experiments: { totalCount: number } }>(api, "{ experiments { totalCount } }");
      assert.equal(d.experiments.totalCount, 0);
    });

    test("a tiny experiment trains (SFT), skips RL, evaluates, and streams its progress over the subscription", async () => {
      const created = await ok<{ createExperiment: Exp }>(
        api,
        `mutation($c: JSON) { createExperiment(input: { name: "tiny sft", dataset: "${DATASET}", config: $c, tags: ["smoke"], notes: "tiny" }) { ${EXPERIMENT_FIELDS} } }`,
        // Four epochs: long enough (a second or two) for progress to show between polls.
        { c: { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 4 } } },
      );
      const id = created.createExperiment.id;
      assert.equal(created.createExperiment.config.train.batchSize, 32);
      const events = await subscribe<{
        experimentProgress: { status: string; stages: Array<{ name: string; status: string; step: number }> };
      }>(
        api,
        `subscription($id: ID!) { experimentProgress(id: $id) { status stages { name status step } } }`,
        { id },
        120_000,
      );
      const statuses = events.map((e) => e.experimentProgress.status);
      assert.equal(statuses.at(-1), "SUCCEEDED", JSON.stringify(events.at(-1)));
      // The subscription reported the run while it ran, and its SFT step never went backwards.
      // (Whether a poll lands mid-SFT depends on the machine's speed: a fast one finishes the
      // tiny run between two polls, so only an update before the end is required.)
      assert.ok(
        statuses.includes("RUNNING") || events.length > 1,
        `saw the run in progress: ${JSON.stringify(statuses)}`,
      );
      const sftSteps = events
        .filter((e) => e.experimentProgress.status === "RUNNING")
        .map((e) => e.experimentProgress.stages.find((s) => s.name === "SFT")?.step ?? 0);
      assert.deepEqual(
        sftSteps,
        [...sftSteps].sort((a, b) => a - b),
      );
      const d = await ok<{ experiment: Exp }>(api, `query($id: ID!) { experiment(id: $id) { ${EXPERIMENT_FIELDS} } }`, {
        id,
      });
      trained = d.experiment;
      assert.equal(trained.status, "SUCCEEDED", trained.error ?? "");
      const stage = (n: string) => trained.stages.find((s) => s.name === n);
      assert.equal(stage("SFT")?.status, "SUCCEEDED");
      assert.equal(stage("SFT")?.progress, 1);
      assert.equal(stage("RL")?.status, "SKIPPED");
      assert.equal(stage("EVAL")?.status, "SUCCEEDED");
      assert.ok(trained.metricNames.includes("loss"));
      assert.ok(trained.checkpoints.some((c) => c.stage === "SFT"));
      assert.equal(trained.finalMetrics?.metrics.n, 25);
      assert.deepEqual(trained.tags, ["smoke"]);
      const lines = trained.logs.map((l) => l.line);
      assert.ok(
        lines.some((l) => /^backend (wasm|cpu|node|node-gpu)\b.*tfjs \d/.test(l)),
        `the logs name the backend: ${lines.join(" | ")}`,
      );
      const m = await ok<{
        experiment: { metrics: Array<{ name: string; points: Array<{ step: number; value: number }> }> };
      }>(
        api,
        `query($id: ID!) { experiment(id: $id) { metrics(names: ["loss"]) { name points { step value stage } } } }`,
        { id },
      );
      const loss = m.experiment.metrics[0].points;
      assert.ok(loss.length >= 5);
      assert.deepEqual(
        loss.map((p) => p.step),
        [...loss.map((p) => p.step)].sort((a, b) => a - b),
      );
    });

    test("an experiment with an RL section runs SFT → RL (GRPO) → EVAL and records the RL series", async () => {
      const config = {
        ...TINY_CONFIG,
        train: { ...TINY_CONFIG.train, epochs: 0.5 },
        rl: { steps: 4, imagesPerStep: 8, group: 4, evalEvery: 2, valLimit: 16, checkpointEvery: 2, reward: "exp:500" },
      };
      const created = await ok<{ createExperiment: Exp }>(
        api,
        `mutation($c: JSON) { createExperiment(input: { name: "tiny rl", dataset: "${DATASET}", config: $c }) { id } }`,
        { c: config },
      );
      const id = created.createExperiment.id;
      await waitFor(
        "the RL experiment to finish",
        async () => {
          const d = await ok<{ experiment: { status: string } }>(
            api,
            `query($id: ID!) { experiment(id: $id) { status } }`,
            {
              id,
            },
          );
          return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(d.experiment.status);
        },
        180_000,
      );
      const d = await ok<{ experiment: Exp }>(api, `query($id: ID!) { experiment(id: $id) { ${EXPERIMENT_FIELDS} } }`, {
        id,
      });
      const e = d.experiment;
      assert.equal(e.status, "SUCCEEDED", e.error ?? "");
      const rl = e.stages.find((s) => s.name === "RL");
      assert.deepEqual([rl?.status, rl?.step, rl?.progress], ["SUCCEEDED", 4, 1]);
      for (const name of ["rewardMean", "rewardStd", "kl", "clipFraction", "entropyCountry", "chainsPerSec"]) {
        assert.ok(e.metricNames.includes(name), `metric series ${name} in ${e.metricNames.join(", ")}`);
      }
      assert.ok(e.checkpoints.some((c) => c.stage === "RL" && c.step === 4));
      assert.equal((e.finalMetrics as unknown as { evaluated: string }).evaluated, "RL");
      assert.equal(e.finalMetrics?.metrics.n, 25);
    });

    test("predictions page by id and by error, and every filter keeps exactly the matching rows", async () => {
      const id = trained.id;
      const all = await allPredictions(api, { experimentId: id });
      assert.equal(all.length, 25);
      assert.equal(new Set(all.map((p) => p.id)).size, 25);
      const byError = await allPredictions(api, { experimentId: id }, "ERROR_DESC", 6);
      assert.deepEqual(
        byError.map((p) => p.errorKm),
        [...all.map((p) => p.errorKm)].sort((a, b) => b - a),
      );
      const country = all.find((p) => p.trueChain.country)?.trueChain.country?.code as string;
      const inCountry = await allPredictions(api, { experimentId: id, trueCountry: country.toLowerCase() });
      assert.equal(inCountry.length, all.filter((p) => p.trueChain.country?.code === country).length);
      const mid = median(all.map((p) => p.errorKm));
      const near = await allPredictions(api, { experimentId: id, maxErrorKm: mid });
      assert.equal(near.length, all.filter((p) => p.errorKm <= mid).length);
      const missed = await allPredictions(api, { experimentId: id, level: "COUNTRY", hit: false });
      assert.equal(missed.length, all.filter((p) => !p.hits.country).length);
      const r = await gql(
        api,
        `{ predictions(filter: { experimentId: "${id}", level: COUNTRY }) { edges { cursor } } }`,
      );
      assert.match(r.errors?.[0].message ?? "", /^filter\.level: /);
      const one = await ok<{ prediction: Pred }>(api, `query($id: ID!) { prediction(id: $id) { ${PRED_FIELDS} } }`, {
        id: all[0].id,
      });
      assert.equal(one.prediction.sampleId, all[0].sampleId);
      const withSample = await ok<{
        prediction: {
          trueChain: { lat: number; lon: number };
          sample: { id: string; lat: number; lon: number; thumbnail: { url: string; size: number } };
        };
      }>(
        api,
        `query($id: ID!) { prediction(id: $id) { trueChain { lat lon } sample { id lat lon thumbnail { url size } } } }`,
        { id: all[0].id },
      );
      const { sample, trueChain } = withSample.prediction;
      assert.equal(sample.id, all[0].sampleId);
      // The stored truth is a REAL column (float4 on PostgreSQL): equal to the sample's to ~1e-5°.
      assert.ok(Math.abs(sample.lat - trueChain.lat) < 1e-4 && Math.abs(sample.lon - trueChain.lon) < 1e-4);
      const sprite = await fetch(new URL(sample.thumbnail.url, api.url));
      assert.equal(sprite.status, 200);
      assert.match(sprite.headers.get("content-type") ?? "", /^image\//);
      const count = await ok<{ predictions: { totalCount: number } }>(
        api,
        `{ predictions(filter: { experimentId: "${id}", maxErrorKm: ${mid} }, first: 1) { totalCount } }`,
      );
      assert.equal(count.predictions.totalCount, near.length);
    });

    test("aggregates equal the same numbers computed from the rows", async () => {
      const id = trained.id;
      const all = await allPredictions(api, { experimentId: id });
      const errors = all.map((p) => p.errorKm);
      const d = await ok<{
        accuracyAtThresholds: {
          n: number;
          medianKm: number;
          meanKm: number;
          thresholds: Array<{ km: number; accuracy: number }>;
          levels: { country: number };
        };
        errorHistogram: Array<{ loKm: number; hiKm: number; count: number }>;
        countryBreakdown: Array<{
          iso2: string;
          n: number;
          medianKm: number;
          thresholds: Array<{ km: number; accuracy: number }>;
          countryAccuracy: number;
        }>;
      }>(
        api,
        `query($f: PredictionFilter!) {
          accuracyAtThresholds(filter: $f) { n medianKm meanKm geoScore thresholds { km accuracy } levels { country admin1 place } }
          errorHistogram(filter: $f, binsPerDecade: 4, minKm: 1) { loKm hiKm count }
          countryBreakdown(filter: $f) { iso2 name n medianKm meanKm thresholds { km accuracy } countryAccuracy }
        }`,
        { f: { experimentId: id } },
      );
      const s = d.accuracyAtThresholds;
      assert.equal(s.n, 25);
      close(s.medianKm, median(errors), "median");
      close(s.meanKm, errors.reduce((a, b) => a + b, 0) / errors.length, "mean");
      assert.deepEqual(
        s.thresholds.map((t) => t.km),
        [1, 25, 200, 750, 2500],
      );
      for (const t of s.thresholds) close(t.accuracy, errors.filter((e) => e <= t.km).length / 25, `acc@${t.km}`);
      close(s.levels.country, all.filter((p) => p.hits.country).length / 25, "country level");
      const h = d.errorHistogram;
      assert.equal(
        h.reduce((a, b) => a + b.count, 0),
        25,
      );
      for (const bin of h) {
        const inBin = errors.filter((e) => (bin.loKm === 0 ? e < bin.hiKm : e >= bin.loKm && e < bin.hiKm)).length;
        assert.equal(bin.count, inBin, `bin [${bin.loKm}, ${bin.hiKm})`);
      }
      assert.equal(
        d.countryBreakdown.reduce((a, c) => a + c.n, 0),
        25,
      );
      for (const c of d.countryBreakdown) {
        const rows = all.filter((p) => (p.trueChain.country?.code ?? "") === c.iso2);
        assert.equal(c.n, rows.length);
        close(c.medianKm, median(rows.map((p) => p.errorKm)), `median of ${c.iso2}`);
        close(c.countryAccuracy, rows.filter((p) => p.hits.country).length / rows.length, `country acc of ${c.iso2}`);
      }
      const cmp = await ok<{
        compareExperiments: {
          countries: Array<{
            iso2: string;
            deltaMedianKm: number;
            nA: number;
            nB: number;
            thresholds: Array<{ delta: number }>;
          }>;
        };
      }>(
        api,
        `query($a: ID!) { compareExperiments(a: $a, b: $a) { a { n } b { n } countries { iso2 name nA nB medianKmA medianKmB deltaMedianKm thresholds { km a b delta } } } }`,
        { a: id },
      );
      assert.equal(cmp.compareExperiments.countries.length, d.countryBreakdown.length);
      for (const c of cmp.compareExperiments.countries) {
        assert.equal(c.deltaMedianKm, 0);
        assert.equal(c.nA, c.nB);
        for (const t of c.thresholds) assert.equal(t.delta, 0);
      }
    });

    test("predict: base64 and multipart uploads give a chain; non-images and oversize bytes are clean errors", async () => {
      const png = await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 20, g: 120, b: 40 } } })
        .png()
        .toBuffer();
      const q = `mutation($id: ID!, $b: String) { predict(experimentId: $id, imageBase64: $b, topK: 2) { imageType channelsFilled chains { text probability country { code name probability } lat lon } } }`;
      const d = await ok<{
        predict: { imageType: string; chains: Array<{ text: string; probability: number; lat: number; lon: number }> };
      }>(api, q, {
        id: trained.id,
        b: png.toString("base64"),
      });
      assert.equal(d.predict.imageType, "png");
      assert.equal(d.predict.chains.length, 2);
      assert.ok(d.predict.chains[0].probability >= d.predict.chains[1].probability);
      assert.ok(Math.abs(d.predict.chains[0].lat) <= 90);

      const garbage = await gql(
        api,
        q,
        { id: trained.id, b: Buffer.from("just some text, not an image").toString("base64") },
        TOKEN,
      );
      assert.equal(garbage.errors?.[0].extensions?.code, "BAD_USER_INPUT");
      assert.match(garbage.errors?.[0].message ?? "", /^imageBase64: is not a JPEG/);
      // A PNG signature on broken bytes: sniffing passes, decoding fails cleanly.
      const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(40, 7)]);
      const bad = await gql(api, q, { id: trained.id, b: broken.toString("base64") }, TOKEN);
      assert.equal(bad.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(bad.errors));
      assert.doesNotMatch(bad.errors?.[0].message ?? "", /\/tmp\//);

      const form = new FormData();
      form.append(
        "operations",
        JSON.stringify({
          query: `mutation($f: Upload) { predict(experimentId: "${trained.id}", image: $f) { imageType chains { text } } }`,
          variables: { f: null },
        }),
      );
      form.append("map", JSON.stringify({ 0: ["variables.f"] }));
      form.append("0", new Blob([png], { type: "application/octet-stream" }), "photo.bin");
      const res = await fetch(api.url, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${TOKEN}`, "apollo-require-preflight": "true" },
      });
      const body = (await res.json()) as {
        data?: { predict: { imageType: string; chains: unknown[] } };
        errors?: unknown;
      };
      assert.equal(body.data?.predict.imageType, "png", JSON.stringify(body));
      assert.equal(body.data?.predict.chains.length, 3);
    });

    test("cancelExperiment stops a running job within seconds; a queued one at once", async () => {
      const long = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 500 } };
      const a = await ok<{ createExperiment: { id: string } }>(
        api,
        `mutation($c: JSON) { createExperiment(input: { name: "long", dataset: "${DATASET}", config: $c }) { id } }`,
        { c: long },
      );
      const b = await ok<{ createExperiment: { id: string } }>(
        api,
        `mutation($c: JSON) { createExperiment(input: { name: "queued", dataset: "${DATASET}", config: $c }) { id } }`,
        { c: long },
      );
      const running = async (id: string) => {
        const d = await ok<{ experiment: Exp }>(
          api,
          `query($id: ID!) { experiment(id: $id) { status stages { name step } } }`,
          { id },
        );
        return d.experiment.status === "RUNNING" && d.experiment.stages[0].step > 0 && d.experiment;
      };
      await waitFor("the long experiment to train", () => running(a.createExperiment.id), 60_000);
      const qb = await ok<{ cancelExperiment: { status: string } }>(
        api,
        `mutation($id: ID!) { cancelExperiment(id: $id) { status } }`,
        { id: b.createExperiment.id },
      );
      assert.equal(qb.cancelExperiment.status, "CANCELLED");
      const t0 = Date.now();
      await ok(api, `mutation($id: ID!) { cancelExperiment(id: $id) { status cancelRequested } }`, {
        id: a.createExperiment.id,
      });
      const del = await gql(
        api,
        `mutation($id: ID!) { deleteExperiment(id: $id) }`,
        { id: a.createExperiment.id },
        TOKEN,
      );
      assert.equal(del.errors?.[0].extensions?.code, "CONFLICT");
      await waitFor(
        "the cancel to reach the job",
        async () =>
          (
            await ok<{ experiment: Exp }>(api, `query($id: ID!) { experiment(id: $id) { status } }`, {
              id: a.createExperiment.id,
            })
          ).experiment.status === "CANCELLED",
        15_000,
      );
      assert.ok(Date.now() - t0 < 15_000);
      const d = await ok<{ experiment: Exp }>(
        api,
        `query($id: ID!) { experiment(id: $id) { stages { name status } } }`,
        { id: a.createExperiment.id },
      );
      assert.equal(d.experiment.stages.find((s) => s.name === "SFT")?.status, "CANCELLED");
      assert.equal(d.experiment.stages.find((s) => s.name === "EVAL")?.status, "CANCELLED");
    });

    test("concurrent mutations: parallel tags all land, parallel creates get distinct ids", async () => {
      const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
      await Promise.all(
        tags.map((t) =>
          ok(api, `mutation($id: ID!, $t: String!) { tagExperiment(id: $id, add: [$t]) { id } }`, {
            id: trained.id,
            t,
          }),
        ),
      );
      const d = await ok<{ experiment: { tags: string[] } }>(api, `query($id: ID!) { experiment(id: $id) { tags } }`, {
        id: trained.id,
      });
      assert.deepEqual(d.experiment.tags, ["smoke", ...tags].sort());
      const removed = await ok<{ tagExperiment: { tags: string[]; notes: string } }>(
        api,
        `mutation($id: ID!) { tagExperiment(id: $id, remove: ["t0", "t1"], notes: "n") { tags notes } }`,
        { id: trained.id },
      );
      assert.equal(removed.tagExperiment.tags.length, 11);
      assert.equal(removed.tagExperiment.notes, "n");
      const hold = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 500 } };
      const ids = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          ok<{ createExperiment: { id: string } }>(
            api,
            `mutation($c: JSON, $n: String!) { createExperiment(input: { name: $n, dataset: "${DATASET}", config: $c, tags: ["batch"] }) { id } }`,
            { c: hold, n: `batch ${i}` },
          ).then((r) => r.createExperiment.id),
        ),
      );
      assert.equal(new Set(ids).size, 5);
      const list = await ok<{ experiments: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
        api,
        `{ experiments(filter: { tag: "batch" }, first: 2) { totalCount edges { node { id } } } }`,
      );
      assert.equal(list.experiments.totalCount, 5);
      await Promise.all(ids.map((id) => ok(api, `mutation($id: ID!) { cancelExperiment(id: $id) { id } }`, { id })));
      await waitFor(
        "every batch experiment to end",
        async () =>
          (
            await ok<{ experiments: { totalCount: number } }>(
              api,
              `{ experiments(filter: { tag: "batch", status: CANCELLED }) { totalCount } }`,
            )
          ).experiments.totalCount === 5,
        30_000,
      );
      const deleted = await Promise.all(
        ids.map((id) =>
          ok<{ deleteExperiment: boolean }>(api, `mutation($id: ID!) { deleteExperiment(id: $id) }`, { id }),
        ),
      );
      assert.ok(deleted.every((x) => x.deleteExperiment));
      const gone = await ok<{ experiment: null }>(api, `query($id: ID!) { experiment(id: $id) { id } }`, {
        id: ids[0],
      });
      assert.equal(gone.experiment, null);
    });

    test("the query cost limit rejects oversized queries before running them", async () => {
      const costly = await gql(
        api,
        `{ ${[1, 2, 3].map((i) => `p${i}: predictions(filter: { experimentId: "x" }, first: 100) { edges { node { ${PRED_FIELDS} } } }`).join(" ")} }`,
      );
      assert.equal(costly.errors?.[0].extensions?.code, "QUERY_TOO_COSTLY");
      assert.equal(costly.data, null);
      const fine = await gql(
        api,
        `{ predictions(filter: { experimentId: "x" }, first: 100) { edges { node { ${PRED_FIELDS} } } } }`,
      );
      assert.equal(fine.errors, undefined);
    });
  });
}
