import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { tempDir, tinyBlueMarble } from "../../test/fixtures.ts";
import type { StepCosts } from "../train/step-cost.ts";
import { userMessage } from "../util/errors.ts";
import { type AblationProgress, runAblation } from "./ablation.ts";
import type { AblationRow } from "./ablation-config.ts";

const SMALL = { convWidths: [8, 16], convStrides: [2, 2], featureDim: 32, embedDim: 8, headHidden: 32 };

describe("geor ablate", () => {
  let dataset: string;
  before(async () => {
    dataset = await tinyBlueMarble();
  });

  it("runs every arm with the same budget, writes ablation.json + ablation.md, and continues instead of redoing", async () => {
    const out = tempDir("geor-ablate-");
    const cfg = {
      dataset,
      seeds: [4],
      sftMinutes: 0.04,
      rlMinutes: 0.02,
      rewards: ["geor", "tiered"],
      groups: [2, 8],
      chainsPerStep: 64,
      split: "val" as const,
      evalLimit: 50,
      model: SMALL,
      rl: { evalEvery: 1000, valLimit: 20 },
      holdoutFraction: 0.3,
    };
    const phases: string[] = [];
    // Phase changes only (a training arm also reports its steps).
    const first = await runAblation(cfg, out, { onProgress: (p) => p.step === undefined && phases.push(p.phase) });
    const rows = JSON.parse(readFileSync(first.files.json, "utf8")) as AblationRow[];
    assert.deepEqual(
      rows.map((r) => r.arm),
      ["sft-chain", "sft-flat", "sft-regress", "sft-continued", "rl-geor", "rl-tiered", "rl-G2", "rl-G8"],
    );
    for (const r of rows) {
      assert.equal(r.seed, 4);
      assert.ok(r.metrics.medianKm > 0 && r.metrics.geoScore > 0, `${r.arm}: ${JSON.stringify(r.metrics)}`);
      assert.deepEqual(Object.keys(r.metrics.acc), ["1", "25", "200", "750", "2500"]);
      assert.ok(r.levels.country >= 0 && r.levels.country <= 1);
      assert.ok(r.wallSeconds > 0);
    }
    const by = (arm: string) => rows.find((r) => r.arm === arm) as AblationRow;
    assert.equal(by("sft-regress").head, "regress");
    assert.equal(by("sft-continued").stage, "sft+sft");
    assert.equal(by("rl-tiered").reward, "tiered");
    assert.equal(by("rl-G2").group, 2);
    // G = 8 at 64 chains per step is 8 images per step, not the default 16: a run of its own.
    assert.notEqual(by("rl-G8").run, by("rl-geor").run);
    // Both arms that start from the CoR SFT run really started from it.
    const rlRun = JSON.parse(readFileSync(path.join(by("rl-geor").run, "run.json"), "utf8"));
    assert.equal(rlRun.from, by("sft-chain").run);
    const cont = JSON.parse(readFileSync(path.join(by("sft-continued").run, "run.json"), "utf8"));
    assert.equal(cont.init, path.join(by("sft-chain").run, "checkpoint"));
    assert.equal(cont.train.lr, 2e-4);
    // SFT learned from 70% of train; both later arms from the other 30%.
    const sftRun = JSON.parse(readFileSync(path.join(by("sft-chain").run, "run.json"), "utf8"));
    assert.deepEqual([sftRun.train.holdoutFraction, sftRun.train.data], [0.3, "train"]);
    assert.deepEqual([cont.train.holdoutFraction, cont.train.data], [0.3, "holdout"]);
    assert.equal(rlRun.rl.data, "holdout");

    const md = readFileSync(first.files.markdown, "utf8");
    for (const title of ["## 1. Direct coordinates", "## 2. CoR SFT + RL", "## 3. RL reward", "## 4. Group size"]) {
      assert.ok(md.includes(title), `ablation.md lacks "${title}"`);
    }
    assert.match(md, /Deltas `rl-geor` − `sft-continued` over 1 seed/);
    assert.match(md, /SFT learns from 70% of the train split; RL and continued SFT from the other 30%/);
    assert.match(md, /Every arm's `model` settings include `\{"convWidths":\[8,16\],/);
    assert.match(md, /\| sft-regress \| 1 \| \d+ \|/);

    const again = await runAblation(cfg, out);
    assert.deepEqual(
      again.rows.map((r) => [r.arm, r.metrics.medianKm]),
      first.rows.map((r) => [r.arm, r.metrics.medianKm]),
    );
    assert.ok(phases.filter((p) => p === "train").length === 8);

    // Scored again under another decision rule: evaluated only, into files of its own.
    const rescored: string[] = [];
    const risk = await runAblation(
      { ...cfg, sections: ["heads"], heads: ["flat"] as const, decision: "within:750" },
      out,
      { onProgress: (p) => rescored.push(p.phase) },
    );
    assert.equal(rescored.filter((p) => p === "train").length, 0);
    assert.deepEqual(
      risk.rows.map((r) => r.arm),
      ["sft-chain", "sft-flat"],
    );
    assert.equal(rescored.filter((p) => p === "eval").length, 2);
    assert.equal(path.basename(risk.files.markdown), "ablation-within-750.md");
    assert.match(readFileSync(risk.files.markdown, "utf8"), /decision rule `within:750`/);
    assert.ok(readFileSync(path.join(by("sft-chain").run, "eval-val-within-750.json"), "utf8").length > 0);
    // The default report and evaluations are left as they were.
    assert.deepEqual(
      (JSON.parse(readFileSync(first.files.json, "utf8")) as AblationRow[]).map((r) => r.metrics.medianKm),
      first.rows.map((r) => r.metrics.medianKm),
    );
    assert.equal(
      (JSON.parse(readFileSync(path.join(by("sft-chain").run, "eval-val.json"), "utf8")) as AblationRow).metrics
        .medianKm,
      by("sft-chain").metrics.medianKm,
    );
  });

  it("gives each head a fixed step budget worth the chain's compute, measured once and repeatable", async () => {
    const out = tempDir("geor-ablate-steps-");
    const cfg = {
      dataset,
      seeds: [1],
      sections: ["heads" as const],
      budgetClock: "steps" as const,
      sftSteps: 12,
      split: "val" as const,
      evalLimit: 50,
      model: SMALL,
    };
    const progress: AblationProgress[] = [];
    const first = await runAblation(cfg, out, { onProgress: (p) => progress.push(p) });
    // Each arm reports its steps as it trains.
    const chainSteps = progress.filter((p) => p.arm === "sft-chain" && p.step !== undefined);
    assert.deepEqual(
      chainSteps.map((p) => [p.step, p.totalSteps]),
      Array.from({ length: 12 }, (_, i) => [i + 1, 12]),
    );
    const costs = JSON.parse(readFileSync(path.join(out, "step-cost.json"), "utf8")) as StepCosts;
    assert.equal(costs.relative.chain, 1);
    for (const head of ["chain", "flat", "regress"]) assert.ok(costs.msPerStep[head] > 0, head);
    const trained = (arm: string) => {
      const run = first.rows.find((r) => r.arm === arm)?.run as string;
      const lines = readFileSync(path.join(run, "metrics.jsonl"), "utf8").trim().split("\n");
      return {
        budget: JSON.parse(readFileSync(path.join(run, "run.json"), "utf8")).train.steps,
        steps: lines.filter((l) => JSON.parse(l).type === "step").length,
      };
    };
    assert.deepEqual(trained("sft-chain"), { budget: 12, steps: 12 });
    // ablation.json and the table carry each arm's steps.
    assert.deepEqual(
      first.rows.map((r) => r.steps),
      first.rows.map((r) => trained(r.arm).steps),
    );
    assert.match(readFileSync(first.files.markdown, "utf8"), /\| sft-chain \| 1 \|( [^|]+ \|){9} 12 \|/);
    for (const head of ["flat", "regress"]) {
      const want = Math.round(12 / costs.relative[head]);
      assert.deepEqual(trained(`sft-${head}`), { budget: want, steps: want }, head);
    }
    const md = readFileSync(first.files.markdown, "utf8");
    assert.match(md, /Budgets \(steps\): 12 SFT steps of the CoR chain/);
    assert.match(md, new RegExp(`flat ${Math.round(12 / costs.relative.flat)}, regress`));
    // The same budget elsewhere, costs given: the same step counts and the same models.
    const again = await runAblation({ ...cfg, stepCost: costs.relative }, tempDir("geor-ablate-steps-"));
    assert.deepEqual(
      again.rows.map((r) => [r.arm, r.metrics.medianKm]),
      first.rows.map((r) => [r.arm, r.metrics.medianKm]),
    );
  });

  it("rejects a bad reward or section before training anything", async () => {
    const out = tempDir("geor-ablate-bad-");
    await assert.rejects(runAblation({ dataset, rewards: ["geor", "exp:-1"] }, out), (e) =>
      /reward "exp:-1": exp needs a positive scale/.test(userMessage(e)),
    );
    await assert.rejects(runAblation({ dataset, sections: ["heads", "vibes" as "rl"] }, out), (e) =>
      /sections\.1/.test(userMessage(e)),
    );
    await assert.rejects(runAblation({ dataset, budgetClock: "steps" }, out), (e) =>
      /budgetClock "steps" needs sftSteps/.test(userMessage(e)),
    );
    await assert.rejects(runAblation({ dataset, budgetClock: "steps", sftSteps: 10 }, out), (e) =>
      /covers the heads section only .* run rl, rewards, groups with a "cpu" or "wall" clock/.test(userMessage(e)),
    );
    await assert.rejects(runAblation({ dataset, sftSteps: 10 }, out), (e) =>
      /sftSteps only apply with budgetClock "steps" \(this ablation's clock is "cpu"\)/.test(userMessage(e)),
    );
    await assert.rejects(
      runAblation({ dataset, budgetClock: "steps", sftSteps: 10, sections: ["heads"], train: { minutes: 2 } }, out),
      (e) => /steps fixes the run's length/.test(userMessage(e)),
    );
    await assert.rejects(
      runAblation({ dataset, budgetClock: "steps", sftSteps: 10, sections: ["heads"], stepCost: { chain: 1 } }, out),
      (e) => /stepCost lacks the head\(s\) flat, regress/.test(userMessage(e)),
    );
    await assert.rejects(runAblation({ dataset, decision: "within:far" }, out), (e) =>
      /decision must be argmax, mbr, marginal, risk, within:KM/.test(userMessage(e)),
    );
  });
});
