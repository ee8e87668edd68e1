/**
 * A fingerprint of the method's behaviour for refactors that must change nothing: a fixed-seed tiny
 * SFT → RL → EVAL run (step budgets, so the machine's load cannot change a run's length) and a
 * steps-budget heads ablation, reduced to SHA-256 digests of their predictions, reports and
 * markdown (wall times blanked). Run it before and after a change; on one machine the digests must
 * be equal bit for bit.
 *
 *   node --import tsx scripts/behaviour-digest.ts [--out digest.json]
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const home = mkdtempSync(path.join(os.tmpdir(), "geor-digest-"));
process.env.GEOR_HOME = home;
const core = await import("@geor/core");
const { runAblation } = await import("../packages/core/src/eval/ablation.ts");

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);
const SMALL = { convWidths: [8, 16], convStrides: [2, 2], featureDim: 32, embedDim: 8, headHidden: 32 };

const { dir: dataset } = await core.buildBlueMarble(
  { limit: 1500, seed: 1, minPerCell: 10, maxPerCell: 60 },
  { outDir: path.join(home, "datasets", "tiny") },
);
const sftDir = path.join(home, "runs", "sft");
const rlDir = path.join(home, "runs", "rl");
await core.trainSft({
  dataset,
  out: sftDir,
  backend: "wasm",
  model: SMALL,
  train: { steps: 40, batchSize: 32, seed: 3, valLimit: 50 },
});
await core.trainRl({
  from: sftDir,
  out: rlDir,
  backend: "wasm",
  rl: { steps: 8, seed: 3, evalEvery: 1000, valLimit: 30 },
});
const digest: Record<string, string> = {};
for (const [name, run] of [
  ["sft", sftDir],
  ["rl", rlDir],
] as const) {
  const report = await core.evaluateRun({ runDir: run, split: "val", limit: 300, backend: "wasm", threads: 1 });
  // Level flags and accuracies by position (country, admin-1, place): names may change, values may not.
  digest[`${name}.predictions`] = sha(
    JSON.stringify(report.predictions.map((p) => ({ ...p, hits: Object.values(p.hits) }))),
  );
  digest[`${name}.metrics`] = sha(JSON.stringify({ m: report.metrics, l: Object.values(report.levels) }));
  digest[`${name}.metricsLog`] = sha(
    readFileSync(path.join(run, "metrics.jsonl"), "utf8")
      .replace(/"(imgsPerSec|chainsPerSec|seconds|elapsedMs)":[^,}]*/g, "")
      .replaceAll('"city":', '"place":'),
  );
  console.log(`${name}: median ${report.metrics.medianKm.toFixed(3)} km, acc@750 ${report.metrics.acc["750"]}`);
}

const ablation = await runAblation(
  {
    dataset,
    seeds: [4],
    sections: ["heads"],
    budgetClock: "steps",
    sftSteps: 20,
    stepCost: { chain: 1, flat: 0.95, regress: 0.9 },
    split: "val",
    evalLimit: 60,
    model: SMALL,
  },
  path.join(home, "ablation"),
);
const md = readFileSync(ablation.files.markdown, "utf8")
  .replaceAll(home, "$HOME")
  .replace(/\d+(\.\d+)? s\b/g, "T s")
  // An arm row's last cell is its wall time.
  .replace(/^(\| [a-z][\w-]* \|.*\| )[\d.]+ \|$/gm, "$1T |");
digest["ablation.md"] = sha(md);
digest["ablation.rows"] = sha(
  JSON.stringify(
    ablation.rows.map(({ wallSeconds: _w, run: _r, ...r }) => ({ ...r, levels: Object.values(r.levels) })),
  ),
);
console.log(JSON.stringify(digest, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify({ digest, markdown: md }, null, 2)}\n`);
