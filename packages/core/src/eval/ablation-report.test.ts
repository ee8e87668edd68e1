import assert from "node:assert/strict";
import { test } from "node:test";
import { ablationRow as row } from "../../test/fixtures.ts";
import { AblationConfig } from "./ablation.ts";
import { ablationMarkdown, pairedTest } from "./ablation-report.ts";

test("pairedTest: the t statistic and two-sided p of per-seed differences", () => {
  // mean 3, sd √2.5, n 5: t = 3 / (√2.5 / √5) = √18 ≈ 4.243; two-sided p with 4 dof ≈ 0.0132.
  const r = pairedTest([1, 2, 3, 4, 5]);
  assert.ok(r);
  assert.ok(Math.abs(r.t - Math.sqrt(18)) < 1e-9, `t ${r.t}`);
  assert.ok(Math.abs(r.p - 0.0132) < 5e-4, `p ${r.p}`);
  // Symmetric: the sign flips t, not p.
  const neg = pairedTest([-1, -2, -3, -4, -5]);
  assert.ok(neg && Math.abs(neg.t + r.t) < 1e-9 && Math.abs(neg.p - r.p) < 1e-12);
  // A large, consistent difference is far from chance; a zero-mean one is not.
  assert.ok((pairedTest([10, 11, 9, 10, 10.5, 9.5])?.p ?? 1) < 1e-4);
  assert.ok((pairedTest([1, -1, 2, -2])?.p ?? 0) > 0.99);
  // Nothing to test: one pair, or no spread.
  assert.equal(pairedTest([3]), undefined);
  assert.equal(pairedTest([2, 2, 2]), undefined);
});

test("ablationMarkdown: the deltas table gives mean ± std, the paired t and the seeds each arm leads", () => {
  const rows = [
    // chain − flat: median −10, −20, +5 km; acc@750 +1, +2, +3 pp; country +1 pp in every seed.
    row("sft-chain", 0, 190, 0.78, 0.73),
    row("sft-flat", 0, 200, 0.77, 0.72),
    row("sft-chain", 1, 180, 0.79, 0.74),
    row("sft-flat", 1, 200, 0.77, 0.73),
    row("sft-chain", 2, 205, 0.8, 0.71),
    row("sft-flat", 2, 200, 0.77, 0.7),
  ];
  const md = ablationMarkdown(rows, AblationConfig.parse({ dataset: "tiny", seeds: [0, 1, 2] }));
  const lines = md.split("\n");
  const at = lines.findIndex((l) => l.startsWith("Deltas `sft-chain` − `sft-flat` over 3 seed(s)"));
  assert.ok(at > 0, md);
  assert.equal(
    lines[at + 2],
    "| | median km | acc@25 pp | acc@200 pp | acc@750 pp | acc@2500 pp | country pp | GeoScore |",
  );
  const cells = (l: string) =>
    l
      .split("|")
      .slice(2, -1)
      .map((c) => c.trim());
  const [mean, t, ahead] = [lines[at + 4], lines[at + 5], lines[at + 6]].map(cells);
  assert.deepEqual(mean.slice(0, 1), ["-8 ± 13"]);
  assert.equal(mean[3], "2.0 ± 1.0");
  // acc@750: t = 2 / (1 / √3) = 3.46, p ≈ 0.074 (2 dof); no spread in acc@25 or country → "—".
  assert.equal(t[3], "3.46 (0.074)");
  assert.equal(t[1], "—");
  assert.equal(t[5], "—");
  assert.deepEqual([ahead[0], ahead[3], ahead[5]], ["2 of 3", "3 of 3", "3 of 3"]);
});
