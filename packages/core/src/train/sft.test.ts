import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { tempDir, tinyBlueMarble, tinyOverlappingBlueMarble } from "../../test/fixtures.ts";
import { evaluateRun } from "../eval/run-eval.ts";
import { predictImages } from "../model/predict.ts";
import { CheckpointError, loadModel, readCheckpoint } from "./checkpoint.ts";
import { GradPool } from "./grad-pool.ts";
import { trainSft } from "./sft.ts";

const SMALL = {
  convWidths: [8, 16, 32],
  convStrides: [2, 2, 2] as Array<1 | 2>,
  featureDim: 64,
  embedDim: 8,
  headHidden: 64,
};

describe("SFT training", () => {
  let dataset: string;
  before(async () => {
    dataset = await tinyBlueMarble();
  });

  it("a 30-second run beats the medoid baseline on the validation split (overlapping-patch split)", async () => {
    const out = path.join(tempDir("geor-sft-"), "run");
    const r = await trainSft({
      dataset: await tinyOverlappingBlueMarble(),
      out,
      model: SMALL,
      train: { minutes: 0.5, batchSize: 32, lr: 3e-3, warmupSteps: 20 },
      backend: "wasm",
    });
    assert.ok(r.steps > 50, `only ${r.steps} steps in 30 s`);
    const ev = await evaluateRun({ runDir: out, split: "val", backend: "wasm" });
    assert.ok(ev.baselines, "the report has baselines");
    assert.ok(
      ev.metrics.medianKm < ev.baselines.medoid.medianKm,
      `model median ${ev.metrics.medianKm.toFixed(0)} km vs medoid ${ev.baselines.medoid.medianKm.toFixed(0)} km`,
    );
    assert.equal(ev.metrics.n, 150);
    const lines = readFileSync(path.join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.filter((l) => l.type === "step").length, r.steps);
    assert.ok(lines.some((l) => l.type === "epoch" && l.val.medianKm > 0));
    assert.equal(readFileSync(ev.files.predictions, "utf8").trim().split("\n").length, 150);
    // Two decoding threads give the same predictions, in the same order, as this thread.
    const pooled = await evaluateRun({ runDir: out, split: "val", backend: "wasm", threads: 2, tag: "pool" });
    assert.equal(pooled.threads, 2);
    assert.equal(ev.threads, 1);
    assert.deepEqual(pooled.predictions, ev.predictions);
    assert.deepEqual(pooled.metrics, ev.metrics);
  });

  it("resumes from a checkpoint to exactly the weights of an uninterrupted run", async () => {
    const dir = tempDir("geor-resume-");
    const train = { epochs: 0.4, batchSize: 32, checkpointEvery: 3, seed: 5 };
    const straight = await trainSft({ dataset, out: path.join(dir, "straight"), model: SMALL, train, backend: "wasm" });
    const first = await trainSft({
      dataset,
      out: path.join(dir, "split"),
      model: SMALL,
      train,
      backend: "wasm",
      stopAfterSteps: 7,
    });
    assert.equal(first.steps, 7);
    assert.equal(first.finished, false);
    const resumed = await trainSft({
      dataset,
      out: path.join(dir, "split"),
      model: SMALL,
      backend: "wasm",
      resume: true,
    });
    assert.equal(resumed.steps, straight.steps);
    const a = readCheckpoint(path.join(dir, "straight", "checkpoint"));
    const b = readCheckpoint(path.join(dir, "split", "checkpoint"));
    assert.equal(a.meta.step, b.meta.step);
    let maxDiff = 0;
    for (let i = 0; i < a.weights.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.weights[i] - b.weights[i]));
    assert.ok(maxDiff < 1e-6, `weights differ by up to ${maxDiff}`);
    const steps = (run: string) =>
      readFileSync(path.join(dir, run, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === "step")
        .map((l) => [l.step, l.loss]);
    assert.deepEqual(
      steps("split").map(([s]) => s),
      steps("straight").map(([s]) => s),
    );
  });

  it("takes data-parallel steps on two threads: the gradient of the whole batch, and an exact resume", async () => {
    const dir = tempDir("geor-threads-");
    const train = { steps: 8, batchSize: 33, checkpointEvery: 3, seed: 2, warmupSteps: 2 };
    const run = (name: string, threads: number, more: object = {}) =>
      trainSft({
        dataset,
        out: path.join(dir, name),
        model: SMALL,
        train: { ...train, threads },
        backend: "wasm",
        ...more,
      });
    await run("one", 1);
    const two = await run("two", 2);
    assert.equal(two.steps, 8);
    const losses = (name: string) =>
      readFileSync(path.join(dir, name, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === "step");
    // Shards of 17 and 16 rows, each loss weighted by its share: the same loss and parts as one
    // thread up to float summation order, step after step (the weights follow the same path).
    const [a, b] = [losses("one"), losses("two")];
    assert.equal(b.length, 8);
    for (const [i, l] of a.entries()) {
      for (const k of ["loss", "loss_country", "loss_admin1", "loss_offset"]) {
        assert.ok(
          Math.abs(l[k] - b[i][k]) < 1e-4 * Math.max(1, Math.abs(l[k])),
          `step ${i + 1} ${k}: ${l[k]} vs ${b[i][k]}`,
        );
      }
    }
    const wa = readCheckpoint(path.join(dir, "one", "checkpoint")).weights;
    const wb = readCheckpoint(path.join(dir, "two", "checkpoint")).weights;
    let maxDiff = 0;
    for (let i = 0; i < wa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa[i] - wb[i]));
    assert.ok(maxDiff < 1e-5, `one vs two threads: weights differ by up to ${maxDiff}`);
    console.log(
      "maxdiff",
      maxDiff,
      a.map((l, i) => l.loss - b[i].loss),
    );
    // Stopped after 4 steps and resumed (on two threads again, from run.json): bit for bit the same.
    await run("split", 2, { stopAfterSteps: 4 });
    await trainSft({ dataset, out: path.join(dir, "split"), backend: "wasm", resume: true });
    assert.deepEqual(readCheckpoint(path.join(dir, "split", "checkpoint")).weights, wb);
    const noSpeed = (ls: Record<string, number>[]) => ls.map(({ imgsPerSec: _, ...l }) => l);
    assert.deepEqual(noSpeed(losses("split")), noSpeed(b));
    // The node bindings use every core themselves: a pool there is refused, before any work.
    await assert.rejects(
      GradPool.open(loadModel(path.join(dir, "two", "checkpoint")).model, { threads: 2, backend: "node" }),
      /training threads run on wasm or cpu, not node/,
    );
  });

  it("reports a corrupt checkpoint, a missing dataset, an existing run and an undecodable image clearly", async () => {
    const dir = tempDir("geor-errors-");
    const out = path.join(dir, "run");
    await trainSft({ dataset, out, model: SMALL, train: { epochs: 0.1, batchSize: 32 }, backend: "wasm" });
    await assert.rejects(
      trainSft({ dataset, out, model: SMALL, train: { epochs: 0.1 }, backend: "wasm" }),
      /already holds a run \(use --resume/,
    );
    const bad = path.join(dir, "not-an-image.jpg");
    writeFileSync(bad, "this is text, not a JPEG");
    await assert.rejects(
      predictImages({ runDir: out, images: [bad], backend: "wasm" }),
      /cannot decode .*not-an-image.jpg/,
    );
    const weights = path.join(out, "checkpoint", "weights.bin");
    const bytes = readFileSync(weights);
    bytes[100] ^= 0xff;
    writeFileSync(weights, bytes);
    assert.throws(() => readCheckpoint(path.join(out, "checkpoint")), CheckpointError);
    assert.throws(() => readCheckpoint(path.join(out, "checkpoint")), /checksum mismatch/);
    await assert.rejects(
      trainSft({ dataset: path.join(dir, "no-such-dataset"), out: path.join(dir, "x"), backend: "wasm" }),
      /no dataset at .*no-such-dataset \(manifest.json missing\)/,
    );
    // A misspelt field is an error, not a silent default (and no run directory is left behind).
    const typo = path.join(dir, "typo");
    // As a JSON config file would hold them: TypeScript cannot see the typos there either.
    const typoModel = JSON.parse(`{"haed": "flat", "convWidths": [8]}`);
    const typoTrain = JSON.parse(`{"epochs": 0.1, "batchsize": 8}`);
    await assert.rejects(
      trainSft({ dataset, out: typo, model: typoModel, train: { epochs: 0.1 }, backend: "wasm" }),
      /invalid config: model\.haed: unknown field \(known: head, /,
    );
    await assert.rejects(
      trainSft({ dataset, out: typo, model: SMALL, train: typoTrain, backend: "wasm" }),
      /train\.batchsize: unknown field/,
    );
    assert.equal(existsSync(path.join(typo, "run.json")), false);
  });
});
