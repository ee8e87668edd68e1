/**
 * The runnable examples of the docs (code blocks whose info string ends in "example") against a
 * live server: docs/graphql.md's queries with a trained experiment, on both databases; and
 * "evaluate your own model" — README.md, docs/getting-started.md and graphql.md's external runs —
 * from importing a stand-in IM2GPS3K with the CLI to uploading a model's answers with curl and the
 * Python client, on SQLite (they drive the CLI and the HTTP API; the dialects are
 * external-runs.test.ts's job).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { example, runExample } from "./doc-examples.ts";
import { DIALECTS, home, ok, startApi, subscribe, type TestApi, TINY_CONFIG, TOKEN } from "./helpers.ts";
import { IM2GPS3K_PHOTOS, IM2GPS3K_UNPARSED, writeIm2gps3kFixture } from "./im2gps3k-fixture.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const python = spawnSync("python3", ["-c", "import requests"]).status === 0;

for (const dialect of DIALECTS) {
  describe(`docs/graphql.md examples on ${dialect}`, () => {
    let api: TestApi;
    let env: NodeJS.ProcessEnv;
    const dir = mkdtempSync(path.join(os.tmpdir(), "geor-docs-"));
    const run = (lang: string, nth = 0) =>
      runExample(example("docs/graphql.md", "Examples", lang, nth), dir, env, process.cwd());

    before(async () => {
      api = await startApi(dialect);
      await ok(api, `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }`, {
        i: { name: "tiny-docs", limit: 300, seed: 3, options: { minPerCell: 10, maxPerCell: 60 }, overwrite: true },
      });
      const d = await ok<{ createExperiment: { id: string } }>(
        api,
        `mutation($c: JSON) { createExperiment(input: { name: "docs", dataset: "tiny-docs", config: $c }) { id } }`,
        { c: TINY_CONFIG },
      );
      const events = await subscribe<{ experimentProgress: { status: string } }>(
        api,
        `subscription($id: ID!) { experimentProgress(id: $id) { status } }`,
        { id: d.createExperiment.id },
        120_000,
      );
      assert.equal(events.at(-1)?.experimentProgress.status, "SUCCEEDED");
      const image = path.join(dir, "photo.jpg");
      await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 140, b: 60 } } })
        .jpeg()
        .toFile(image);
      env = {
        ...process.env,
        GEOR_API: api.url.replace(/\/graphql$/, ""),
        GEOR_API_TOKEN: TOKEN,
        EXPERIMENT_ID: d.createExperiment.id,
        IMAGE: image,
      };
    });
    after(async () => {
      await api?.stop();
    });

    test("the curl example: health, datasets, thresholds, a tag, a multipart predict", async () => {
      const out = await run("bash");
      assert.match(out, /"status":"ok"/);
      assert.match(out, /"name":"tiny-docs"/);
      assert.match(out, /"accuracyAtThresholds":\{"n":25/);
      assert.match(out, /"tags":\["from-curl"\]/);
      assert.match(out, /"predict":\{"chains":\[\{"text":"[^"]+ › /);
    });

    test("the TypeScript fetch example pages the misses and prints the country breakdown", async () => {
      const out = await run("ts");
      const missed = Number(/^(\d+) predictions with the wrong country$/m.exec(out)?.[1]);
      const d = await ok<{ predictions: { totalCount: number } }>(
        api,
        `query($id: ID!) { predictions(filter: { experimentId: $id, level: COUNTRY, hit: false }) { totalCount } }`,
        {
          id: env.EXPERIMENT_ID,
        },
      );
      assert.equal(missed, d.predictions.totalCount);
    });

    test("the predictionPoints example decodes every prediction and finds the API's median", async () => {
      const out = await run("ts", 1);
      const m = /^(\d+) predictions, median error ([\d.]+) km$/m.exec(out) ?? assert.fail(out);
      const d = await ok<{ accuracyAtThresholds: { n: number; medianKm: number } }>(
        api,
        `query($id: ID!) { accuracyAtThresholds(filter: { experimentId: $id }) { n medianKm } }`,
        { id: env.EXPERIMENT_ID },
      );
      assert.equal(Number(m[1]), d.accuracyAtThresholds.n);
      // Float32 errors, printed to 0.1 km.
      assert.ok(
        Math.abs(Number(m[2]) - d.accuracyAtThresholds.medianKm) <= 0.05 + 1e-6 * d.accuracyAtThresholds.medianKm,
      );
    });

    test("the Python requests example predicts from base64", {
      skip: python ? false : "python3 with requests is not installed",
    }, async () => {
      assert.match(await run("python"), /^\d\.\d{3} {2}.+ › /m);
    });
  });
}

// On both databases: the upload path differs (PostgreSQL: binary COPY, bins counted at the end of a call).
for (const dialect of DIALECTS)
  describe(`evaluate your own model: the README, getting-started and graphql.md examples on ${dialect}`, () => {
    let api: TestApi;
    let env: NodeJS.ProcessEnv;
    // The user's folder, as at the repository root: `npx geor` finds the CLI in node_modules (a
    // link to the repository's) and runs it here (without it, npx would ask the registry for "geor").
    const work = mkdtempSync(path.join(os.tmpdir(), "geor-docs-im2gps3k-"));
    symlinkSync(path.join(repo, "node_modules"), path.join(work, "node_modules"));
    const run = (doc: string, section: string, lang: string, nth = 0) =>
      runExample(example(doc, section, lang, nth), work, env);
    const GETTING_STARTED = ["docs/getting-started.md", "4. Evaluate your own model"] as const;
    // What the Python client prints, and the GraphQL response curl prints.
    const added = (n: number, unparsed: number) => new RegExp(`^\\{'added': ${n}, 'unparsed': ${unparsed}\\}$`, "m");
    const addedJson = (n: number, unparsed: number) =>
      new RegExp(`"addPredictions":\\{"added":${n},"unparsed":${unparsed}\\}`);
    const experimentNamed = async (name: string) =>
      (
        await ok<{
          experiments: { edges: Array<{ node: { id: string; name: string; kind: string; metricNames: string[] } }> };
        }>(api, "{ experiments(first: 100) { edges { node { id name kind metricNames } } } }")
      ).experiments.edges
        .map((e) => e.node)
        .find((e) => e.name === name) ?? assert.fail(`no experiment "${name}"`);

    before(async () => {
      api = await startApi(dialect);
      await writeIm2gps3kFixture(work);
      env = { ...process.env, GEOR_API: api.url.replace(/\/graphql$/, ""), GEOR_API_TOKEN: TOKEN };
    });
    after(async () => {
      await api?.stop();
      unlinkSync(path.join(work, "node_modules")); // the link first: rmSync must not reach the repository's
      rmSync(work, { recursive: true, force: true });
      // The walkthrough imports IM2GPS3K into the tests' GEOR_HOME: the next database's imports it again.
      rmSync(path.join(home, "datasets", "im2gps3k"), { recursive: true, force: true });
    });

    // In the walkthrough's order: each step uses what the one before made.
    test("getting-started: npx geor imports IM2GPS3K into the test split", async () => {
      await run(...GETTING_STARTED, "bash");
      const d = await ok<{ dataset: { kind: string; counts: { test: number } } }>(
        api,
        `{ dataset(name: "im2gps3k") { kind counts { test } } }`,
      );
      assert.equal(d.dataset.counts.test, IM2GPS3K_PHOTOS);
    });

    test("getting-started: the model sketch writes one JSON line per photo", async () => {
      await run(...GETTING_STARTED, "python");
      const lines = readFileSync(path.join(work, "answers.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, IM2GPS3K_PHOTOS);
      assert.deepEqual(Object.keys(lines[0]), ["sample_id", "answer"]);
    });

    test("getting-started: curl starts a run, uploads answers.jsonl and finishes it", async () => {
      const out = await run(...GETTING_STARTED, "bash", 1);
      assert.match(out, addedJson(IM2GPS3K_PHOTOS, IM2GPS3K_UNPARSED));
      assert.match(out, /"finishExperiment":\{"status":"SUCCEEDED","finalMetrics":\{"split":"test"/);
      const id = (await experimentNamed("geo-r-vlm (curl)")).id;
      assert.match(out, new RegExp(`^error map: http://127.0.0.1:3000/error-map\\?experiment=${id}$`, "m"));
    });

    test("getting-started: the Python client uploads it and prints the summary and the run's page", async () => {
      const out = await run(...GETTING_STARTED, "python", 1);
      assert.match(out, added(IM2GPS3K_PHOTOS, IM2GPS3K_UNPARSED));
      assert.match(out, /^median \d+ km, acc@25 km \d+\.\d%, country \d+\.\d%$/m);
      const experiment = await experimentNamed("geo-r-vlm");
      assert.equal(experiment.kind, "EXTERNAL");
      assert.match(out, new RegExp(`^http://127.0.0.1:3000/experiments/${experiment.id}$`, "m"));
    });

    test("README: the Python client example", async () => {
      const out = await run("README.md", "Evaluate your own model", "python");
      assert.match(out, added(IM2GPS3K_PHOTOS, IM2GPS3K_UNPARSED));
      assert.match(out, /'medianKm': [\d.]+/);
    });

    test("graphql.md external runs: curl logs points, shows a refused call, uploads, finishes", async () => {
      const out = await run("docs/graphql.md", "External runs", "bash");
      assert.match(out, /"logMetrics":2/);
      assert.match(out, /"problems":\["row 2: unknown sample id \\"not-in-im2gps3k.jpg\\""\]/);
      assert.match(out, addedJson(IM2GPS3K_PHOTOS, IM2GPS3K_UNPARSED));
      assert.match(out, /"finishExperiment":\{"status":"SUCCEEDED"/);
      assert.deepEqual((await experimentNamed("geo-r-vlm rl")).metricNames, ["loss", "reward/mean"]);
    });

    test("graphql.md external runs: the Python client logs curves and sends GeoCLIP's CSV as rows", async () => {
      const out = await run("docs/graphql.md", "External runs", "python");
      assert.match(out, added(IM2GPS3K_PHOTOS, 0));
      assert.match(out, /^SUCCEEDED: median \d+ km, 1 km \d+\.\d%, 25 km/m);
      assert.deepEqual((await experimentNamed("geoclip")).metricNames, ["loss", "lr"]);
    });
  });
