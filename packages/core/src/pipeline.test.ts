import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { tempDir, tinyBlueMarble } from "../test/fixtures.ts";
import { ConfigValidationError, validateExperimentConfig } from "./experiment-config.ts";
import {
  ExperimentAborted,
  type ExperimentEvent,
  type ExperimentRunOptions,
  type PipelineStage,
  runDirOf,
  runExperiment,
  stageRunDir,
} from "./pipeline.ts";

const CONFIG = validateExperimentConfig({
  model: { convWidths: [8, 8], convStrides: [2, 2], featureDim: 16, embedDim: 4, headHidden: 16 },
  train: { steps: 8, batchSize: 16, checkpointEvery: 3, valLimit: 16, warmupSteps: 1 },
  rl: { steps: 6, imagesPerStep: 8, group: 4, evalEvery: 100, valLimit: 16, checkpointEvery: 2, reward: "exp:500" },
  eval: { split: "val", limit: 20 },
});

/** Runs the pipeline, recording its events; `stop` may abort the run at an event. */
async function run(
  opts: Omit<ExperimentRunOptions, "config" | "onEvent" | "signal"> & { config?: ExperimentRunOptions["config"] },
  stop: (e: ExperimentEvent) => boolean = () => false,
): Promise<{ events: ExperimentEvent[]; error: unknown }> {
  const events: ExperimentEvent[] = [];
  const ac = new AbortController();
  let error: unknown = null;
  try {
    await runExperiment({
      config: CONFIG,
      backend: "wasm",
      ...opts,
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (stop(e)) ac.abort();
      },
    });
  } catch (err) {
    error = err;
  }
  return { events, error };
}

const ofType = <T extends ExperimentEvent["type"]>(events: ExperimentEvent[], type: T) =>
  events.filter((e): e is Extract<ExperimentEvent, { type: T }> => e.type === type);
const steps = (events: ExperimentEvent[], stage: PipelineStage) =>
  ofType(events, "progress")
    .filter((e) => e.stage === stage)
    .map((e) => e.step);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Each stage's start and end in order, e.g. ["SFT:new", "SFT:8", "EVAL:new", "EVAL:20"]. */
function outline(events: ExperimentEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === "stageStarted") return [`${e.stage}:${e.resumed ? `resumed@${e.resumed.step}` : "new"}`];
    if (e.type === "stageFinished") return [`${e.stage}:${e.totalSteps}`];
    return [];
  });
}

describe("the experiment pipeline", () => {
  let dataset: string;
  before(async () => {
    dataset = await tinyBlueMarble();
  });

  it("runs SFT → RL → EVAL, reporting every stage, step, checkpoint and prediction", async () => {
    const runDir = tempDir("geor-pipeline-");
    // What a run killed before its first checkpoint left: the stage starts over.
    mkdirSync(stageRunDir(runDir, "SFT"), { recursive: true });
    writeFileSync(path.join(stageRunDir(runDir, "SFT"), "run.json"), "{}");
    const { events, error } = await run({ runDir, dataset, predictionBatch: 8 });
    assert.equal(error, null);

    assert.deepEqual(events[0], { type: "log", stage: null, line: events[0].type === "log" ? events[0].line : "" });
    assert.deepEqual(outline(events), ["SFT:new", "SFT:8", "RL:new", "RL:6", "EVAL:new", "EVAL:20"]);
    assert.deepEqual(steps(events, "SFT"), range(1, 8));
    assert.deepEqual(steps(events, "RL"), range(1, 6));
    const totals = new Set(ofType(events, "progress").map((e) => `${e.stage}/${e.totalSteps}`));
    assert.deepEqual([...totals], ["SFT/8", "RL/6", "EVAL/20"]);
    const sftProgress = ofType(events, "progress").find((e) => e.stage === "SFT");
    assert.deepEqual(Object.keys(sftProgress?.values ?? {}), ["loss", "lr", "imgsPerSec"]);
    const rlProgress = ofType(events, "progress").find((e) => e.stage === "RL");
    for (const k of ["loss", "rewardMean", "kl", "lr", "chainsPerSec"]) assert.ok(k in (rlProgress?.values ?? {}), k);
    const evalProgress = ofType(events, "progress").filter((e) => e.stage === "EVAL");
    assert.ok(evalProgress.length > 0);
    assert.deepEqual(evalProgress.at(-1), { type: "progress", stage: "EVAL", step: 20, totalSteps: 20, values: {} });

    const checkpoints = ofType(events, "checkpoint");
    assert.deepEqual(
      checkpoints.map((c) => `${c.stage}@${c.step}`),
      ["SFT@3", "SFT@6", "SFT@8", "RL@2", "RL@4", "RL@6"],
    );
    for (const c of checkpoints) assert.equal(runDirOf(c.path), stageRunDir(runDir, c.stage));
    assert.ok(ofType(events, "log").some((e) => e.stage === "SFT"));

    // Predictions come in batches after the evaluation, before EVAL finishes.
    const batches = ofType(events, "predictions").map((e) => e.predictions.length);
    assert.deepEqual(batches, [8, 8, 4]);
    const ids = ofType(events, "predictions").flatMap((e) => e.predictions.map((p) => p.id));
    assert.equal(new Set(ids).size, 20);
    const last = events.at(-1);
    assert.equal(last?.type, "finished");
    if (last?.type !== "finished") return;
    assert.equal(last.summary.evaluated, "RL");
    assert.equal(last.summary.split, "val");
    assert.equal(last.summary.step, 6);
    assert.ok(Number.isFinite(last.summary.metrics.medianKm));
    assert.deepEqual(Object.keys(last.summary), [
      "split",
      "step",
      "metrics",
      "levels",
      "calibrationEce",
      "baselines",
      "evaluated",
    ]);
    assert.ok(existsSync(path.join(stageRunDir(runDir, "RL"), "eval-val.json")));
  });

  it("stops at an abort with a checkpoint and resumes there, restoring the step points; finished stages are not run again", async () => {
    const runDir = tempDir("geor-pipeline-resume-");
    // Stopped at SFT step 4 (its trainer checkpoints the step it stops at).
    const first = await run({ runDir, dataset }, (e) => e.type === "progress" && e.stage === "SFT" && e.step === 4);
    assert.ok(first.error instanceof ExperimentAborted);
    assert.equal((first.error as ExperimentAborted).stage, "SFT");
    assert.deepEqual(outline(first.events), ["SFT:new"]);
    assert.deepEqual(steps(first.events, "SFT"), range(1, 4));

    // Resumed: the points of steps 1…4 come back, training goes on from step 5, stopped in RL.
    const second = await run({ runDir, dataset }, (e) => e.type === "progress" && e.stage === "RL" && e.step === 3);
    assert.equal((second.error as ExperimentAborted).stage, "RL");
    const started = ofType(second.events, "stageStarted")[0];
    assert.equal(started.stage, "SFT");
    assert.equal(started.resumed?.step, 4);
    const points = started.resumed?.points ?? [];
    assert.deepEqual(
      points.map((p) => p.step),
      range(1, 4),
    );
    const firstValues = ofType(first.events, "progress").filter((e) => e.stage === "SFT");
    // The same series and values as the progress events of those steps.
    assert.deepEqual(
      points.map((p) => p.values),
      firstValues.map((e) => e.values),
    );
    assert.deepEqual(outline(second.events), ["SFT:resumed@4", "SFT:8", "RL:new"]);
    assert.deepEqual(steps(second.events, "SFT"), range(5, 8));

    // The next attempt skips SFT (done) and resumes RL from its checkpoint.
    const third = await run({ runDir, dataset, done: ["SFT"] });
    assert.equal(third.error, null);
    assert.deepEqual(outline(third.events), ["RL:resumed@3", "RL:6", "EVAL:new", "EVAL:20"]);
    assert.deepEqual(steps(third.events, "RL"), range(4, 6));
    const rlResumed = ofType(third.events, "stageStarted")[0].resumed;
    assert.deepEqual(
      rlResumed?.points.map((p) => p.step),
      range(1, 3),
    );
    assert.ok("rewardMean" in (rlResumed?.points[0].values ?? {}));
  });

  it("evaluates the RL model of a finished RL stage, the SFT model without RL, and stops an evaluation at an abort", async () => {
    const runDir = tempDir("geor-pipeline-eval-");
    const trained = await run({ runDir, dataset, config: { ...CONFIG, eval: { split: "val", limit: 4 } } });
    assert.equal(trained.error, null);
    const evaluated = (r: { events: ExperimentEvent[] }) => {
      const last = r.events.at(-1);
      return last?.type === "finished" ? last.summary.evaluated : null;
    };
    assert.equal(evaluated(trained), "RL");

    const rlDone = await run({ runDir, dataset, done: ["SFT", "RL"] });
    assert.deepEqual(outline(rlDone.events), ["EVAL:new", "EVAL:20"]);
    assert.equal(evaluated(rlDone), "RL");

    const noRl = await run({ runDir, dataset, done: ["SFT"], config: { ...CONFIG, rl: null } });
    assert.deepEqual(outline(noRl.events), ["EVAL:new", "EVAL:20"]);
    assert.equal(evaluated(noRl), "SFT");

    const stopped = await run({ runDir, dataset, done: ["SFT", "RL"] }, (e) => e.type === "progress");
    assert.equal((stopped.error as ExperimentAborted).stage, "EVAL");
    assert.deepEqual(ofType(stopped.events, "predictions"), []);
    assert.deepEqual(outline(stopped.events), ["EVAL:new"]);
  });
});

describe("validateExperimentConfig", () => {
  const issuesOf = (input: unknown) => {
    try {
      validateExperimentConfig(input);
    } catch (err) {
      assert.ok(err instanceof ConfigValidationError);
      return { message: err.message, issues: err.issues };
    }
    assert.fail("expected a ConfigValidationError");
  };

  it("fills every default: no RL stage, the test split", () => {
    const c = validateExperimentConfig({});
    assert.equal(c.model.head, "chain");
    assert.equal(c.rl, null);
    assert.deepEqual(c.eval, { split: "test" });
    assert.equal(validateExperimentConfig(null).rl, null);
    assert.equal(validateExperimentConfig({ rl: {} }).rl?.steps, 200);
  });

  it("RL needs the chain head", () => {
    assert.deepEqual(issuesOf({ model: { head: "flat" }, rl: {} }), {
      message: 'invalid experiment config: config.rl: RL needs the chain head, not "flat"',
      issues: [{ field: "config.rl", message: 'RL needs the chain head, not "flat"' }],
    });
    // Without an rl section any head goes; a bad rl section or head is reported as itself.
    assert.equal(validateExperimentConfig({ model: { head: "regress" }, rl: null }).model.head, "regress");
    assert.deepEqual(issuesOf({ model: { head: "flat" }, rl: { group: 1 } }).issues, [
      { field: "config.rl.group", message: "Too small: expected number to be >=2" },
    ]);
    assert.deepEqual(issuesOf({ model: { head: "bogus" }, rl: {} }).issues, [
      { field: "config.model.head", message: 'Invalid option: expected one of "chain"|"flat"|"regress"' },
    ]);
  });

  it("names each bad field as config.<section>.<field>, unknown fields and sections too", () => {
    const { issues } = issuesOf({ model: { haed: "chain" }, train: { steps: 3, epochs: 2 }, rl: { grop: 2 } });
    assert.deepEqual(
      issues.map((i) => i.field),
      ["config.model.haed", "config.rl.grop", "config.train.steps"],
    );
    assert.equal(issues[2].message, "steps fixes the run's length: give it without epochs or minutes");
    assert.match(issues[0].message, /^unknown field \(known: head, backbone, /);
    assert.deepEqual(issuesOf({ extra: 1, eval: { beam: 0 } }), {
      message:
        'invalid experiment config: config.eval.beam: Too small: expected number to be >=1; config: Unrecognized key: "extra"',
      issues: [
        { field: "config.eval.beam", message: "Too small: expected number to be >=1" },
        { field: "config", message: 'Unrecognized key: "extra"' },
      ],
    });
  });
});
