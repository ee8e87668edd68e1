import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { tempDir, tinyBlueMarble } from "../../../test/fixtures.ts";
import { evaluateRun } from "../../eval/run-eval.ts";
import { userMessage } from "../../util/errors.ts";
import { loadModel, readCheckpoint, saveCheckpoint } from "../checkpoint.ts";
import { trainSft } from "../sft.ts";
import { RlDivergedError, trainRl } from "./rl.ts";

const SMALL = { convWidths: [8, 16], convStrides: [2, 2] as Array<1 | 2>, featureDim: 32, embedDim: 8, headHidden: 32 };
const RL = { group: 4, imagesPerStep: 8, evalEvery: 4, checkpointEvery: 3, valLimit: 60, seed: 3 };

const metrics = (dir: string) =>
  readFileSync(path.join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("RL (GRPO) training", () => {
  let sft: string;
  let dir: string;
  before(async () => {
    dir = tempDir("geor-rl-");
    sft = path.join(dir, "sft");
    await trainSft({
      dataset: await tinyBlueMarble(),
      out: sft,
      model: SMALL,
      train: { epochs: 0.5, batchSize: 32 },
      backend: "wasm",
    });
  });

  it("logs reward, KL, entropy and clipping per step, validates, keeps the best weights and evaluates", async () => {
    const out = path.join(dir, "rl");
    const r = await trainRl({ from: sft, out, rl: { ...RL, steps: 8 }, backend: "wasm" });
    assert.equal(r.steps, 8);
    assert.ok(r.chainsPerSec > 0);
    const lines = metrics(out);
    const steps = lines.filter((l) => l.type === "step");
    assert.deepEqual(
      steps.map((l) => l.step),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    for (const l of steps) {
      for (const key of ["rewardMean", "rewardStd", "zeroVarianceFraction", "kl", "clipFraction", "loss", "lr"]) {
        assert.ok(Number.isFinite(l[key]), `step ${l.step}: ${key} = ${l[key]}`);
      }
      assert.ok(l.rewardMean >= 0 && l.rewardMean <= 1);
      assert.ok(l.entropyCountry >= 0 && l.entropyPlace >= 0);
      assert.ok(l.kl >= -1e-6, `KL ${l.kl} is negative`);
    }
    // The policy starts at the reference: the first step's KL is (numerically) zero.
    assert.ok(Math.abs(steps[0].kl) < 1e-4);
    assert.ok(
      steps.slice(1).some((l) => l.kl > 0),
      "the policy left the reference",
    );
    assert.deepEqual(
      lines.filter((l) => l.type === "val").map((l) => l.step),
      [0, 4, 8],
    );
    assert.ok(existsSync(path.join(out, "reference", "checkpoint.json")));
    assert.ok(r.best && [0, 4, 8].includes(r.best.step));
    assert.equal(readCheckpoint(path.join(out, "best")).meta.step, r.best?.step);
    const run = JSON.parse(readFileSync(path.join(out, "run.json"), "utf8"));
    assert.equal(run.kind, "rl");
    assert.equal(run.rl.reward, "geor");
    assert.equal(run.rl.group, 4);
    const ev = await evaluateRun({ runDir: out, split: "test", backend: "wasm", limit: 40 });
    assert.equal(ev.metrics.n, 40);
    assert.equal(ev.step, 8);
  });

  it("resumes to exactly the weights and metric rows of an uninterrupted run", async () => {
    const rl = { ...RL, steps: 6, reward: "exp:1000+consistency:0.1" };
    await trainRl({ from: sft, out: path.join(dir, "straight"), rl, backend: "wasm" });
    const first = await trainRl({ from: sft, out: path.join(dir, "split"), rl, backend: "wasm", stopAfterSteps: 4 });
    assert.equal(first.finished, false);
    // Stopped after step 4 (as a cancelled job is: its checkpoint is saved); resume runs 5 and 6.
    const resumed = await trainRl({ from: sft, out: path.join(dir, "split"), backend: "wasm", resume: true });
    assert.equal(resumed.steps, 6);
    const a = readCheckpoint(path.join(dir, "straight", "checkpoint"));
    const b = readCheckpoint(path.join(dir, "split", "checkpoint"));
    let maxDiff = 0;
    for (let i = 0; i < a.weights.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.weights[i] - b.weights[i]));
    assert.ok(maxDiff < 1e-6, `weights differ by up to ${maxDiff}`);
    const rows = (run: string) =>
      metrics(path.join(dir, run))
        .filter((l) => l.type === "step")
        .map((l) => [l.step, l.rewardMean]);
    assert.deepEqual(rows("split"), rows("straight"));
  });

  it("stops with a clear message when the policy diverges and keeps the last good checkpoint", async () => {
    const out = path.join(dir, "diverge");
    await trainRl({ from: sft, out, rl: { ...RL, steps: 10 }, backend: "wasm", stopAfterSteps: 3 });
    // Poison the latest checkpoint's weights as a diverged update would, then resume.
    const ckpt = path.join(out, "checkpoint");
    const { model, meta } = loadModel(ckpt);
    model.v("feat/w").assign(tf.fill(model.v("feat/w").shape, Number.NaN));
    await saveCheckpoint(ckpt, model, null, meta.step, meta.state);
    model.dispose();
    const before = readFileSync(path.join(ckpt, "weights.bin"));
    await assert.rejects(
      trainRl({ from: sft, out, backend: "wasm", resume: true }),
      (e: Error) => e instanceof RlDivergedError && /RL diverged at step 3\b.*last good checkpoint is/.test(e.message),
    );
    assert.deepEqual(readFileSync(path.join(ckpt, "weights.bin")), before, "the checkpoint was left as it was");
  });

  it("refuses a baseline-head run and a missing run by name", async () => {
    const flat = path.join(dir, "flat");
    await trainSft({
      dataset: await tinyBlueMarble(),
      out: flat,
      model: { ...SMALL, head: "flat" },
      train: { epochs: 0.1, batchSize: 32 },
      backend: "wasm",
    });
    await assert.rejects(trainRl({ from: flat, out: path.join(dir, "x"), backend: "wasm" }), /needs a chain-head run/);
    await assert.rejects(
      trainRl({ from: path.join(dir, "nothing"), out: path.join(dir, "y"), backend: "wasm" }),
      /no SFT run with a checkpoint at .*nothing/,
    );
    await assert.rejects(trainRl({ from: sft, out: path.join(dir, "z"), rl: { reward: "l2" }, backend: "wasm" }), (e) =>
      /^invalid config: reward: unknown reward "l2"/.test(userMessage(e)),
    );
  });
});
