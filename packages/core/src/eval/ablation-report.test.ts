import assert from "node:assert/strict";
import { test } from "node:test";
import { ablationRow as row } from "../../test/fixtures.ts";
import { AblationConfig } from "./ablation-config.ts";
import { ablationMarkdown } from "./ablation-report.ts";
import { comparedMetric, compareMetrics, pairBySeed } from "./comparison.ts";

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
  // The report's numbers are those of compareMetrics (what any other comparison of these runs gives).
  const [km, acc750] = compareMetrics(
    pairBySeed(
      rows.filter((r) => r.arm === "sft-chain"),
      rows.filter((r) => r.arm === "sft-flat"),
    ),
    ["medianKm", "acc@750"].map(comparedMetric),
  );
  assert.equal(mean[0], `${km.meanDelta.toFixed(0)} ± ${km.stdDelta?.toFixed(0)}`);
  assert.equal(t[3], `${acc750.t?.toFixed(2)} (${acc750.p?.toFixed(3)})`);
  assert.equal(ahead[0], `${km.ahead} of ${km.n}`);
});
