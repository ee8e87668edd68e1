/**
 * The runnable examples of docs/graphql.md (code blocks whose info string ends in "example")
 * against a live server with a trained experiment, on both databases.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { DIALECTS, ok, startApi, subscribe, type TestApi, TINY_CONFIG, TOKEN } from "./helpers.ts";

const doc = readFileSync(fileURLToPath(new URL("../../../docs/graphql.md", import.meta.url)), "utf8");
const examples = [...doc.matchAll(/```(\w+) example\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
const python = spawnSync("python3", ["-c", "import requests"]).status === 0;

for (const dialect of DIALECTS) {
  describe(`docs/graphql.md examples on ${dialect}`, () => {
    let api: TestApi;
    let env: NodeJS.ProcessEnv;
    const dir = mkdtempSync(path.join(os.tmpdir(), "geor-docs-"));
    // Asynchronous: the server runs in this process and must keep answering.
    // The nth example block of a language, in document order.
    const run = async (lang: string, nth = 0): Promise<string> => {
      const { code } =
        examples.filter((e) => e.lang === lang)[nth] ??
        assert.fail(`docs/graphql.md has no ${nth + 1}. \`\`\`${lang} example block`);
      const file = path.join(dir, { bash: "example.sh", ts: "example.mts", python: "example.py" }[lang] as string);
      writeFileSync(file, code);
      const [cmd, args] =
        lang === "bash"
          ? ["bash", ["-euo", "pipefail", file]]
          : lang === "ts"
            ? [process.execPath, ["--import", "tsx", file]]
            : ["python3", [file]];
      return new Promise((resolve, reject) => {
        execFile(cmd as string, args as string[], { env, encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`${lang} example failed (${err.message}):\n${stdout}\n${stderr}`));
          else resolve(stdout);
        });
      });
    };

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
