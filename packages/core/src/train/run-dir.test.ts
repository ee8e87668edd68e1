import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { tempDir } from "../../test/fixtures.ts";
import { selectBackend } from "../backend/select.ts";
import type { CheckpointMeta } from "./checkpoint.ts";
import { openRunDir, readRunRecord, resumeState, writeRunRecord } from "./run-dir.ts";

describe("run directory", () => {
  before(async () => {
    await selectBackend({ backend: "cpu" });
  });

  it("starts a run: run.json with the record and its time, an empty metrics.jsonl", () => {
    const out = path.join(tempDir("geor-run-dir-"), "nested", "run");
    const run = openRunDir(out, false);
    assert.deepEqual(run, {
      dir: out,
      checkpoint: path.join(out, "checkpoint"),
      metrics: path.join(out, "metrics.jsonl"),
      resuming: false,
    });
    writeRunRecord(run, { kind: "sft", train: { seed: 3 } });
    const record = readRunRecord<Record<string, unknown>>(out);
    assert.deepEqual(Object.keys(record), ["kind", "train", "createdAt"]);
    assert.deepEqual(record.train, { seed: 3 });
    assert.ok(!Number.isNaN(Date.parse(String(record.createdAt))));
    assert.ok(readFileSync(path.join(out, "run.json"), "utf8").endsWith("}\n"));
    assert.equal(readFileSync(run.metrics, "utf8"), "");
  });

  it("refuses a new run where one is, and a resume without a checkpoint", () => {
    const out = tempDir("geor-run-dir-");
    writeRunRecord(openRunDir(out, false), { kind: "rl" });
    const holds = `run directory ${out} already holds a run (use --resume to continue it, or another --out)`;
    assert.throws(() => openRunDir(out, false), { message: holds });
    assert.throws(() => openRunDir(out, true), { message: holds });
    mkdirSync(path.join(out, "checkpoint"));
    writeFileSync(path.join(out, "checkpoint", "checkpoint.json"), "{}");
    assert.equal(openRunDir(out, true).resuming, true);
  });

  it("resumes the checkpoint's state: an unfixed length back to Infinity, metrics past its step dropped", async () => {
    const out = tempDir("geor-run-dir-");
    const run = openRunDir(out, false);
    writeRunRecord(run, { kind: "sft" });
    writeFileSync(run.metrics, [1, 2, 3].map((step) => JSON.stringify({ type: "step", step })).join("\n"));
    // As checkpoint.json stores it: JSON has no Infinity.
    const state = { step: 2, totalSteps: null, elapsedMs: 1500 };
    const meta = { optimizer: [], state } as unknown as CheckpointMeta;
    const lines: string[] = [];
    const resumed = await resumeState<{ step: number; totalSteps: number }>(
      run,
      { meta, weights: new Float32Array(0) },
      tf.train.adam(1e-3),
      (line) => lines.push(line),
    );
    assert.deepEqual(resumed, { step: 2, totalSteps: Number.POSITIVE_INFINITY, elapsedMs: 1500 });
    assert.equal(readFileSync(run.metrics, "utf8"), '{"type":"step","step":1}\n{"type":"step","step":2}\n');
    assert.deepEqual(lines, [`resuming ${out} at step 2/Infinity`]);
  });
});
