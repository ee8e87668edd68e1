import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { tempDir, tinyBlueMarble } from "../../test/fixtures.ts";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/geor.mjs");

describe("geor train / eval / predict (CLI)", () => {
  let dataset: string;
  let home: string;
  const geor = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, GEOR_HOME: home } });
  before(async () => {
    dataset = await tinyBlueMarble();
    home = tempDir("geor-cli-train-");
  });

  it("trains, evaluates with --json and predicts a location and an image", async () => {
    const config = path.join(home, "small.json");
    writeFileSync(
      config,
      JSON.stringify({ model: { convWidths: [8, 16], convStrides: [2, 2], featureDim: 32, headHidden: 32 } }),
    );
    const train = geor(
      "train",
      "sft",
      "--dataset",
      dataset,
      "--out",
      "r1",
      "--epochs",
      "0.3",
      "--batch-size",
      "32",
      "--config",
      config,
      "--backend",
      "wasm",
    );
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /backend wasm \[simd=true, threads=1\]/);
    assert.match(
      train.stdout,
      new RegExp(`trained \\d+ steps .* → ${path.join(home, "runs", "r1").replaceAll("/", "\\/")}`),
    );
    assert.match(train.stdout, /val: median \d+ km · acc@25 [\d.]+% .* country [\d.]+%/);

    const ev = geor("eval", "--run", "r1", "--split", "val", "--json", "--backend", "wasm");
    assert.equal(ev.status, 0, ev.stderr);
    const report = JSON.parse(ev.stdout);
    assert.deepEqual(Object.keys(report.metrics.acc), ["1", "25", "200", "750", "2500"]);
    assert.equal(report.metrics.n, 150);
    for (const level of ["country", "admin1", "place"])
      assert.ok(report.levels[level] >= 0 && report.levels[level] <= 1);
    assert.ok(report.baselines.medoid.medianKm > 0 && report.baselines.topCountry.medianKm > 0);
    assert.ok(Array.isArray(report.perCountry) && report.perCountry.length > 0);

    const at = geor("predict", "--run", "r1", "--at", "48.8566,2.3522", "--top-k", "3", "--json", "--backend", "wasm");
    assert.equal(at.status, 0, at.stderr);
    const [patch] = JSON.parse(at.stdout);
    assert.equal(patch.chains.length, 3);
    assert.match(patch.chains[0].text, / › -?\d+\.\d{4}, -?\d+\.\d{4}$/);
    assert.ok(patch.chains[0].probability >= patch.chains[1].probability);

    const photo = path.join(home, "photo.jpg");
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 30, g: 120, b: 40 } } })
      .jpeg()
      .toFile(photo);
    const img = geor("predict", photo, "--run", "r1", "--backend", "wasm");
    assert.equal(img.status, 0, img.stderr);
    assert.match(img.stdout, /filled with training means: night, elevation/);
    assert.match(img.stdout, /→ .* \[p [\d.]+\]/);

    const rl = geor(
      "train",
      "rl",
      "--from",
      "r1",
      "--out",
      "r1-rl",
      "--reward",
      "exp:500+consistency:0.1",
      "--group",
      "4",
      "--images-per-step",
      "8",
      "--steps",
      "4",
      "--eval-every",
      "2",
      "--backend",
      "wasm",
    );
    assert.equal(rl.status, 0, rl.stderr);
    assert.match(rl.stdout, /4 RL steps in \d+ s \(\d+ chains\/s\) → .*r1-rl/);
    assert.match(rl.stdout, /best validation GeoScore \d+ at step [024] \(best\/\)/);
    const best = geor("eval", "--run", "r1-rl", "--checkpoint", "best", "--limit", "20", "--json", "--backend", "wasm");
    assert.equal(best.status, 0, best.stderr);
    assert.equal(JSON.parse(best.stdout).metrics.n, 20);
    const badReward = geor("train", "rl", "--from", "r1", "--out", "r1-bad", "--reward", "exp:0", "--backend", "wasm");
    assert.equal(badReward.status, 1);
    assert.match(badReward.stderr, /^geor: invalid config: reward: reward "exp:0": exp needs a positive scale/);
    // A refused config leaves no run directory behind (SFT and RL).
    assert.equal(existsSync(path.join(home, "runs", "r1-bad")), false);
    const badWeights = path.join(home, "bad-weights.json");
    writeFileSync(badWeights, JSON.stringify({ train: { lossWeights: { contry: 2, admin1: -1 } } }));
    const badSft = geor("train", "sft", "--dataset", dataset, "--out", "r2-bad", "--config", badWeights);
    assert.equal(badSft.status, 1);
    assert.match(
      badSft.stderr,
      /^geor: invalid config: lossWeights\.admin1: Too small.*lossWeights: Unrecognized key: "contry"/,
    );
    assert.equal(existsSync(path.join(home, "runs", "r2-bad")), false);

    const missing = geor("eval", "--run", "nope", "--backend", "wasm");
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^geor: no run at .*nope \(run.json missing\)/);
  });
});
