import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../test/fixtures.ts";
import { TrainConfig } from "./config.ts";
import { RlConfig } from "./rl/config.ts";
import { readRunRlConfig, readRunTrainConfig } from "./run-config.ts";

/** A run directory whose run.json holds `record`. */
function runWith(record: object): string {
  const dir = tempDir("geor-run-config-");
  writeFileSync(path.join(dir, "run.json"), JSON.stringify(record));
  return dir;
}

describe("run configs", () => {
  it("reads an SFT run's config as it was written", () => {
    const train = TrainConfig.parse({ steps: 40, batchSize: 32, seed: 3, threads: 2, holdoutFraction: 0.2 });
    assert.deepEqual(readRunTrainConfig(runWith({ kind: "sft", train })), train);
  });

  it("fills what an SFT run of the first version lacks with what it did", () => {
    // The train config as the first version wrote it.
    const first = {
      batchSize: 32,
      lr: 0.003,
      warmupSteps: 20,
      minLrFraction: 0.05,
      epochs: 2,
      seed: 1,
      checkpointEvery: 200,
      valLimit: 2000,
      augment: { brightness: 0.1, flip: false, rot90: false },
    };
    const cfg = readRunTrainConfig(runWith({ kind: "sft", train: first }));
    assert.deepEqual(cfg, {
      ...first,
      labelSmoothing: { epsilon: 0, km: 250 },
      holdoutFraction: 0,
      data: "train",
      budgetClock: "wall",
      threads: 1,
      lossWeights: {},
    });
    // A run without an SFT config (an RL run as the start of another): no held-out part.
    assert.equal(readRunTrainConfig(runWith({ kind: "rl", rl: {} })).holdoutFraction, 0);
  });

  it("reads an RL run's config, older runs on the wall clock and the train split", () => {
    const rl = RlConfig.parse({ steps: 8, seed: 3, budgetClock: "cpu", data: "holdout" });
    assert.deepEqual(readRunRlConfig(runWith({ kind: "rl", rl })), rl);
    const { budgetClock: _, data: __, ...older } = RlConfig.parse({ steps: 8, group: 4 });
    assert.deepEqual(readRunRlConfig(runWith({ kind: "rl", rl: older })), {
      ...older,
      budgetClock: "wall",
      data: "train",
    });
  });
});
