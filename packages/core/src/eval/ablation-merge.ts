/**
 * `geor ablate merge`: pools ablations of one design run over different seeds — seeds added
 * later, or split across processes — into one report whose deltas are paired over every seed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  type AblationConfig,
  type AblationResult,
  type AblationRow,
  type HeadStepBudgets,
  headStepBudgets,
  validateAblationConfig,
} from "./ablation-config.ts";
import { ablationMarkdown } from "./ablation-report.ts";
import { decisionTag, parseDecision } from "./decision.ts";
import { withStoredLevels } from "./legacy-levels.ts";

/** One pooled source: its directory and the seeds it gave. */
export interface MergedSource {
  dir: string;
  seeds: number[];
}

/** JSON with object keys sorted at every depth, so that equal settings compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${(e as Error).message})`);
  }
}

/** The step budget a source's arms trained under (null for time budgets). */
function stepBudgetOf(cfg: AblationConfig, dir: string): HeadStepBudgets | null {
  if (cfg.budgetClock !== "steps") return null;
  const costFile = path.join(dir, "step-cost.json");
  const relative =
    cfg.stepCost ??
    (existsSync(costFile) ? readJson<{ relative: Record<string, number> }>(costFile).relative : undefined);
  if (!relative) throw new Error(`${dir}: a step-budget ablation with neither stepCost nor step-cost.json`);
  return headStepBudgets(cfg, relative);
}

/**
 * Writes `out`/ablation.{json,md} (ablation-<rule>.* with `decision`), its config with the union of
 * the seeds, and merged-from.json. The sources must agree on every setting but the seeds and on
 * the step counts of each head, and share no arm and seed; `out` must not be an ablation's own
 * directory (its report would be overwritten by a merge, or a merge by its next arm).
 */
export function mergeAblations(
  sources: string[],
  out: string,
  opts: { decision?: string } = {},
): AblationResult & { sources: MergedSource[] } {
  if (sources.length < 2) throw new Error("merge needs at least two ablation directories");
  const tag = opts.decision !== undefined ? decisionTag(parseDecision(opts.decision)) : undefined;
  const named = (dir: string, base: string) => path.join(dir, `${base}${tag ? `-${tag}` : ""}.json`);
  const outDir = path.resolve(out);
  if (existsSync(path.join(outDir, "runs"))) {
    throw new Error(`--out ${outDir} is an ablation's own directory (it has runs/); merge into a new directory`);
  }
  const loaded = sources.map((src) => {
    const dir = path.resolve(src);
    if (dir === outDir) throw new Error(`--out ${outDir} is one of the sources; merge into a new directory`);
    for (const f of [named(dir, "ablation-config"), named(dir, "ablation")]) {
      if (!existsSync(f)) {
        throw new Error(
          `${dir} is not an ablation directory${tag ? ` scored with ${opts.decision}` : ""}: no ${path.basename(f)}`,
        );
      }
    }
    const cfg = validateAblationConfig(readJson(named(dir, "ablation-config")));
    const stored = readJson<AblationRow[]>(named(dir, "ablation"));
    if (!Array.isArray(stored)) throw new Error(`${named(dir, "ablation")}: expected an array of rows`);
    const rows = stored.map(withStoredLevels);
    return { dir, cfg, rows, budget: stepBudgetOf(cfg, dir) };
  });
  const [first, ...rest] = loaded;
  // Step costs are compared through the step counts they give (a measured step-cost.json and the
  // same rate given as stepCost train the same runs).
  const { seeds: _s, stepCost: _c, ...design } = first.cfg;
  for (const other of rest) {
    const { seeds: _o, stepCost: _oc, ...otherDesign } = other.cfg;
    const keys = [...new Set([...Object.keys(design), ...Object.keys(otherDesign)])] as (keyof typeof design)[];
    const differs = keys.find((k) => canonical(design[k]) !== canonical(otherDesign[k]));
    if (differs !== undefined) {
      throw new Error(
        `${other.dir} differs from ${first.dir} in ${differs} (${canonical(otherDesign[differs])} vs ${canonical(design[differs])}): only runs of one design pool`,
      );
    }
    if (canonical(first.budget?.steps) !== canonical(other.budget?.steps)) {
      throw new Error(
        `${other.dir} trained its heads for other step counts than ${first.dir} (${canonical(other.budget?.steps)} vs ${canonical(first.budget?.steps)}): give both the same stepCost`,
      );
    }
  }
  const owner = new Map<string, string>();
  for (const { dir, rows } of loaded) {
    for (const r of rows) {
      const key = `${r.arm} seed ${r.seed}`;
      const seen = owner.get(key);
      if (seen !== undefined) throw new Error(`${key} is in both ${seen} and ${dir}: pool disjoint seeds`);
      owner.set(key, dir);
    }
  }
  const rows = loaded.flatMap((l) => l.rows).sort((a, b) => a.seed - b.seed);
  const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
  // The rate goes into the pooled config, so that the pooled directory can itself be pooled again.
  const cfg: AblationConfig = { ...first.cfg, seeds, ...(first.budget ? { stepCost: first.budget.relative } : {}) };
  const merged = loaded.map((l) => ({
    dir: l.dir,
    seeds: [...new Set(l.rows.map((r) => r.seed))].sort((a, b) => a - b),
  }));
  mkdirSync(outDir, { recursive: true });
  const files = { json: named(outDir, "ablation"), markdown: named(outDir, "ablation").replace(/\.json$/, ".md") };
  writeFileSync(named(outDir, "ablation-config"), `${JSON.stringify(cfg, null, 2)}\n`);
  writeFileSync(path.join(outDir, "merged-from.json"), `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(files.json, `${JSON.stringify(rows, null, 2)}\n`);
  // Sources named as seen from beside `out` (usually siblings), so the report reads anywhere.
  const sourceName = (dir: string) => path.relative(path.dirname(outDir), dir) || ".";
  const pooled = `Pooled by \`geor ablate merge\` from ${merged.map((m) => `\`${sourceName(m.dir)}\` (seeds ${m.seeds.join(", ")})`).join(", ")}.`;
  writeFileSync(files.markdown, ablationMarkdown(rows, cfg, first.budget, [pooled]));
  return { rows, files, sources: merged };
}
