/**
 * The API over HTTP and WebSocket, the same suite on SQLite and on PostgreSQL: datasets, a tiny
 * experiment really trained and evaluated, auth, validation, pagination edges, cancellation and
 * concurrent mutations (its predictions, aggregates and predict: api-predictions.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DATASET, EXPERIMENT_FIELDS, type Exp, PRED_FIELDS, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { DIALECTS, gql, ok, startApi, subscribe, type TestApi, TINY_CONFIG, TOKEN, waitFor } from "./helpers.ts";

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
        { i: TINY_DATASET_INPUT },
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
