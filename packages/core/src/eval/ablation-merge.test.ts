import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ablationRow as row, tempDir } from "../../test/fixtures.ts";
import { AblationConfig, type AblationRow } from "./ablation-config.ts";
import { mergeAblations } from "./ablation-merge.ts";

const bin = fileURLToPath(new URL("../../bin/geor.mjs", import.meta.url));

/** Writes an ablation directory as `geor ablate` leaves it (config with defaults, rows). */
function ablationDir(root: string, name: string, seeds: number[], extra: Record<string, unknown> = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const cfg = AblationConfig.parse({
    dataset: "tiny",
    seeds,
    sections: ["heads"],
    heads: ["flat"],
    budgetClock: "steps",
    sftSteps: 700,
    stepCost: { chain: 1, flat: 0.95 },
    ...extra,
  });
  const rows: AblationRow[] = seeds.flatMap((s) => [
    row("sft-chain", s, 200 - s, 0.78 + s / 1000, 0.73),
    row("sft-flat", s, 205, 0.77, 0.72 - s / 1000),
  ]);
  writeFileSync(path.join(dir, "ablation-config.json"), JSON.stringify(cfg));
  writeFileSync(path.join(dir, "ablation.json"), JSON.stringify(rows));
  return dir;
}

test("mergeAblations pools disjoint seeds of one design into one report paired over all of them", () => {
  const root = tempDir("geor-merge-");
  const a = ablationDir(root, "a", [0, 1]);
  // Same design; the key order of a nested setting does not matter.
  const b = ablationDir(root, "b", [3, 2], { stepCost: { flat: 0.95, chain: 1 } });
  const out = path.join(root, "pooled");
  const r = mergeAblations([a, b], out);
  assert.equal(r.rows.length, 8);
  assert.deepEqual(
    r.rows.map((x) => x.seed),
    [0, 0, 1, 1, 2, 2, 3, 3],
  );
  assert.deepEqual(r.sources, [
    { dir: a, seeds: [0, 1] },
    { dir: b, seeds: [2, 3] },
  ]);
  const cfg = JSON.parse(readFileSync(path.join(out, "ablation-config.json"), "utf8"));
  assert.deepEqual(cfg.seeds, [0, 1, 2, 3]);
  assert.deepEqual(JSON.parse(readFileSync(path.join(out, "merged-from.json"), "utf8")), r.sources);
  const md = readFileSync(r.files.markdown, "utf8");
  assert.match(md, /seeds 0, 1, 2, 3\./);
  assert.match(md, /Pooled by `geor ablate merge` from `a` \(seeds 0, 1\), `b` \(seeds 2, 3\)/);
  assert.match(md, /chain 700, flat 737 steps/);
  assert.match(md, /Deltas `sft-chain` − `sft-flat` over 4 seed\(s\)/);
  // median deltas −5, −6, −7, −8 km: the chain ahead in all four.
  assert.match(md, /\| `sft-chain` ahead \| 4 of 4 \|/);
  assert.match(md, /\| paired t \(p\) \| -10\.07 \(0\.002\) \|/);
  // A pooled directory pools again.
  const c = ablationDir(root, "c", [4]);
  assert.equal(mergeAblations([out, c], path.join(root, "pooled2")).rows.length, 10);
});

test("mergeAblations refuses what would not pool, and says which directory and why", () => {
  const root = tempDir("geor-merge-bad-");
  const a = ablationDir(root, "a", [0, 1]);
  const check = (dirs: string[], out: string, re: RegExp) =>
    assert.throws(
      () => mergeAblations(dirs, out),
      (e) => re.test((e as Error).message),
    );
  const out = path.join(root, "out");
  check([a], out, /at least two ablation directories/);
  check([a, ablationDir(root, "overlap", [1, 2])], out, /sft-chain seed 1 is in both .*a and .*overlap/);
  check(
    [a, ablationDir(root, "split", [2], { split: "val" })],
    out,
    /split differs from .*a in split \("val" vs "test"\)/,
  );
  check([a, ablationDir(root, "model", [2], { model: { countryHead: "linear" } })], out, /differs from .* in model/);
  check(
    [a, ablationDir(root, "rate", [2], { stepCost: { chain: 1, flat: 0.8 } })],
    out,
    /rate trained its heads for other step counts .*"flat":875.*"flat":737/,
  );
  check([a, path.join(root, "nothing")], out, /nothing is not an ablation directory: no ablation-config\.json/);
  check([a, ablationDir(root, "b", [2])], a, /is one of the sources/);
  mkdirSync(path.join(root, "withRuns", "runs"), { recursive: true });
  check([a, path.join(root, "b")], path.join(root, "withRuns"), /ablation's own directory \(it has runs\/\)/);
  // Nothing was written by a refused merge, and the sources are untouched.
  assert.equal(existsSync(out), false);
  assert.equal(JSON.parse(readFileSync(path.join(a, "ablation.json"), "utf8")).length, 4);
});

test("geor ablate merge: --out after the subcommand is the merge's, not ablate's", () => {
  const root = tempDir("geor-merge-cli-");
  const a = ablationDir(root, "a", [0]);
  const b = ablationDir(root, "b", [1]);
  const out = path.join(root, "pooled");
  const r = spawnSync(process.execPath, [bin, "ablate", "merge", a, b, "--out", out], {
    encoding: "utf8",
    env: { ...process.env, GEOR_HOME: root },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*pooled.ablation\.md .*\(4 rows from 1 seed\(s\) of .*a, 1 seed\(s\) of .*b\)/);
  assert.ok(existsSync(path.join(out, "ablation.json")));
  const bad = spawnSync(process.execPath, [bin, "ablate", "merge", a, a, "--out", out], {
    encoding: "utf8",
    env: { ...process.env, GEOR_HOME: root },
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^geor: sft-chain seed 0 is in both/);
});
