/**
 * `geor ablate … --submit URL` end to end: the CLI (spawned as a user runs it) sends a heads
 * ablation to a live API as a study, which holds the ablation's arms, seeds, step budgets and
 * settings; the CLI refuses, in one line and with nothing created, what a study cannot express, a
 * missing or wrong token, an unreachable API and a design the API refuses. PostgreSQL without a
 * worker: the study's runs stay queued, since what is checked is what was submitted. Also the
 * studies' runnable examples of docs/training.md (submitted from the CLI) and docs/graphql.md (curl).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { example, runExample } from "./doc-examples.ts";
import { ok, startApi, type TestApi, TINY_CONFIG, TOKEN } from "./helpers.ts";
import { STUDY_FIELDS, type Study } from "./study-fixtures.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const geor = fileURLToPath(new URL("../../../packages/core/bin/geor.mjs", import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), "geor-ablate-submit-"));

/** The ablation's --config: the tiny model and SFT settings, and the heads' step costs. */
const ablationConfig = {
  model: TINY_CONFIG.model,
  train: { batchSize: 32, lr: 0.002, checkpointEvery: 3, valLimit: 16, warmupSteps: 1 },
  stepCost: { chain: 1, flat: 0.8, regress: 0.5 },
};
const configFile = path.join(work, "ablation.json");
writeFileSync(configFile, JSON.stringify(ablationConfig));

type CliResult = { code: number; stdout: string; stderr: string };

function runGeor(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [geor, ...args],
      { cwd: work, env: { ...process.env, GEOR_HOME: work, GEOR_API_TOKEN: undefined, ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

/** `geor ablate` of the heads section, steps budget, seeds 0–2, submitted to `url`. */
const headsArgs = (url: string, extra: string[] = []) => [
  "ablate",
  "--dataset",
  DATASET,
  "--sections",
  "heads",
  "--heads",
  "flat,regress",
  "--budget-clock",
  "steps",
  "--sft-steps",
  "40",
  "--seeds",
  "0,1,2",
  "--eval-limit",
  "25",
  "--config",
  configFile,
  "--submit",
  url,
  ...extra,
];

describe("geor ablate --submit", () => {
  let api: TestApi;
  let base: string;
  const studyCount = async () =>
    (await ok<{ studies: unknown[] }>(api, "{ studies(first: 100) { id } }")).studies.length;

  before(async () => {
    api = await startApi("postgres", {}, { pgWorker: false });
    base = api.url.replace(/\/graphql$/, "");
    await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
  });
  after(async () => {
    await api?.stop();
  });

  test("submits the heads ablation as a study: its arms, seeds, budgets and each run's config", async () => {
    const r = await runGeor(headsArgs(base, ["--study-name", "cli-heads", "--dashboard", "http://127.0.0.1:3000/"]), {
      GEOR_API_TOKEN: TOKEN,
    });
    assert.equal(r.code, 0, r.stderr);
    const id = /^id (\S+)$/m.exec(r.stdout)?.[1] ?? assert.fail(r.stdout);
    assert.match(r.stdout, /^study cli-heads: chain, flat, regress × seeds 0, 1, 2 = 9 runs queued$/m);
    assert.match(r.stdout, new RegExp(`^http://127\\.0\\.0\\.1:3000/studies/${id}$`, "m"));

    const { study } = await ok<{ study: Study }>(api, `query($id: ID!) { study(id: $id) { ${STUDY_FIELDS} } }`, {
      id,
    });
    assert.equal(study.name, "cli-heads");
    assert.equal(study.dataset, DATASET);
    assert.equal(study.control, "chain");
    assert.deepEqual(study.arms, ["chain", "flat", "regress"]);
    assert.deepEqual(study.seeds, [0, 1, 2]);
    assert.deepEqual(study.tags, ["ablation", "heads"]);
    assert.deepEqual(study.budget, { sftSteps: 40, stepCost: { chain: 1, flat: 0.8, regress: 0.5 } });
    // The ablation's pricing: 40 chain steps cost what 40 × 1 / 0.8 = 50 flat and 80 regress steps cost.
    assert.deepEqual(
      study.armConfigs.map((a) => [a.name, a.head, a.sftSteps]),
      [
        ["chain", "chain", 40],
        ["flat", "flat", 50],
        ["regress", "regress", 80],
      ],
    );
    assert.equal(study.runs.length, 9);
    const steps: Record<string, number> = { chain: 40, flat: 50, regress: 80 };
    for (const run of study.runs) {
      const config = run.experiment.config as unknown as {
        model: Record<string, unknown>;
        train: Record<string, unknown>;
        eval: Record<string, unknown>;
      };
      const where = `${run.arm} seed ${run.seed}`;
      assert.equal(config.model.head, run.arm, where);
      for (const [k, v] of Object.entries(TINY_CONFIG.model))
        assert.deepEqual(config.model[k], v, `${where} model.${k}`);
      assert.equal(config.train.steps, steps[run.arm], where);
      assert.equal(config.train.seed, run.seed, where);
      assert.equal(config.train.lr, 0.002, where);
      assert.equal(config.train.batchSize, 32, where);
      assert.deepEqual(config.eval, { split: "test", limit: 25 }, where);
      assert.equal(run.experiment.status, "QUEUED", where);
      assert.ok(run.experiment.tags.includes("study:cli-heads"), where);
    }
    assert.deepEqual(
      study.runs.map((r) => `${r.arm}:${r.seed}`).sort(),
      ["chain", "flat", "regress"].flatMap((a) => [0, 1, 2].map((s) => `${a}:${s}`)).sort(),
    );
  });

  test("refuses what a study cannot express, naming it, and creates nothing", async () => {
    const before = await studyCount();
    const cases: Array<[string[], RegExp]> = [
      [["--sections", "heads,rl"], /the rl section\(s\) cannot be a study/],
      [["--budget-clock", "cpu"], /^geor: a study budgets steps, not time \(this ablation's clock is "cpu"/m],
      [["--decision", "argmax"], /--decision re-scores trained arms/],
    ];
    for (const [extra, message] of cases) {
      const r = await runGeor([...headsArgs(base), ...extra], { GEOR_API_TOKEN: TOKEN });
      assert.equal(r.code, 1, `${extra.join(" ")}: ${r.stdout}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    // A time clock on its own: a study budgets steps.
    const timed = await runGeor(
      ["ablate", "--dataset", DATASET, "--sections", "heads", "--budget-clock", "wall", "--submit", base],
      { GEOR_API_TOKEN: TOKEN },
    );
    assert.equal(timed.code, 1);
    assert.match(timed.stderr, /^geor: a study budgets steps, not time \(this ablation's clock is "wall"/m);
    // No step costs: the local ablation would measure them; the API cannot.
    const unpriced = path.join(work, "unpriced.json");
    writeFileSync(unpriced, JSON.stringify({ ...ablationConfig, stepCost: undefined }));
    const noCost = await runGeor(
      headsArgs(base).map((a) => (a === configFile ? unpriced : a)),
      { GEOR_API_TOKEN: TOKEN },
    );
    assert.equal(noCost.code, 1);
    assert.match(noCost.stderr, /a study needs the heads' step costs/);
    assert.equal(await studyCount(), before);
  });

  test("a missing token, a refused token and an unreachable API each fail in one clear line", async () => {
    const before = await studyCount();
    const missing = await runGeor(headsArgs(base), {});
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^geor: --submit needs GEOR_API_TOKEN/m);

    const wrong = await runGeor(headsArgs(base), { GEOR_API_TOKEN: `${TOKEN}x` });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`^geor: the API at ${base}/graphql refused GEOR_API_TOKEN: `, "m"));

    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = await runGeor(headsArgs(`http://127.0.0.1:${port}`), { GEOR_API_TOKEN: TOKEN });
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      new RegExp(`^geor: cannot reach the API at http://127.0.0.1:${port}/graphql: ECONNREFUSED`, "m"),
    );
    assert.equal(await studyCount(), before);
  });

  test("what only the API can check comes back with its reason: an unknown dataset, a taken name", async () => {
    const before = await studyCount();
    const unknown = await runGeor(
      headsArgs(base, ["--study-name", "cli-nowhere"]).map((a) => (a === DATASET ? "no-such-dataset" : a)),
      { GEOR_API_TOKEN: TOKEN },
    );
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      new RegExp(`^geor: the API at ${base}/graphql refused the study: .*no dataset "no-such-dataset"`, "m"),
    );
    const taken = await runGeor(headsArgs(base, ["--study-name", "cli-heads"]), { GEOR_API_TOKEN: TOKEN });
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /^geor: the API at .+ refused the study: .*cli-heads/m);
    assert.equal(await studyCount(), before);
  });

  describe("the docs' study examples", () => {
    // As at the repository root: `npx geor` finds the CLI through node_modules.
    const docs = mkdtempSync(path.join(os.tmpdir(), "geor-docs-studies-"));
    symlinkSync(path.join(repo, "node_modules"), path.join(docs, "node_modules"));
    const env = () => ({ ...process.env, GEOR_API: base, GEOR_API_TOKEN: TOKEN, DATASET, GEOR_HOME: docs });
    after(() => {
      unlinkSync(path.join(docs, "node_modules")); // the link first: rmSync must not reach the repository's
      rmSync(docs, { recursive: true, force: true });
    });

    test("training.md: a heads ablation submitted from the CLI, its study read back with curl", async () => {
      const out = await runExample(example("docs/training.md", "Ablations", "bash"), docs, env());
      assert.match(out, /^study chain-vs-flat-700: chain, flat × seeds 0, 1, 2, 3, 4, 5 = 12 runs queued$/m);
      assert.match(out, /^http:\/\/127\.0\.0\.1:3000\/studies\/\S+$/m);
      assert.match(out, /^chain-vs-flat-700 RUNNING: 0 of 12 runs succeeded$/m);
      const id = /^id (\S+)$/m.exec(out)?.[1] ?? assert.fail(out);
      const { study } = await ok<{ study: Study }>(api, `query($id: ID!) { study(id: $id) { ${STUDY_FIELDS} } }`, {
        id,
      });
      assert.equal(study.name, "chain-vs-flat-700");
      assert.deepEqual(
        study.armConfigs.map((a) => [a.name, a.sftSteps]),
        [
          ["chain", 700],
          ["flat", 737],
        ],
      );
    });

    test("graphql.md: createStudy and study with curl", async () => {
      const out = await runExample(example("docs/graphql.md", "Studies", "bash"), docs, env());
      assert.match(out, /^\[\{"name":"chain","sftSteps":1200\},\{"name":"flat","sftSteps":1263\}\]$/m);
      assert.match(out, /^\{"status":"RUNNING","runCounts":\{"succeeded":0,"total":6\},"comparisons":\[\]\}$/m);
    });
  });
});
