/** `geor ablate`: the method's comparisons in one command (see eval/ablation.ts). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { buildBlueMarble } from "../data/bluemarble/build.ts";
import { georHome, resolveDatasetDir } from "../data/store.ts";
import { runAblation } from "../eval/ablation.ts";
import { SECTIONS, validateAblationConfig } from "../eval/ablation-config.ts";
import { mergeAblations } from "../eval/ablation-merge.ts";
import { ablationAsStudy, defaultStudyName } from "../eval/ablation-study.ts";
import { num } from "./format.ts";
import { progressBar } from "./progress.ts";
import { studyPage, submitStudy } from "./submit-study.ts";

const list = (v: string) => v.split(",").map((s) => s.trim());

/** The reduced version: `small`, one seed, short budgets (under 10 minutes on 2 cores). */
const QUICK = { seeds: [0], sftMinutes: 1, rlMinutes: 0.4, chainsPerStep: 64, rl: { evalEvery: 50, valLimit: 300 } };

/** `--submit`: the design as a study on the API, its id and dashboard page printed; nothing trains here. */
async function submit(
  cfg: Parameters<typeof ablationAsStudy>[0],
  dataset: string,
  o: { submit: string; studyName?: string; dashboard?: string },
): Promise<void> {
  const study = ablationAsStudy(cfg, o.studyName ?? defaultStudyName(dataset, new Date()));
  const created = await submitStudy(study, o.submit, process.env.GEOR_API_TOKEN);
  const dashboard = o.dashboard ?? process.env.GEOR_DASHBOARD_URL ?? "http://127.0.0.1:3000";
  console.log(
    `study ${created.name}: ${created.arms.join(", ")} × seeds ${created.seeds.join(", ")} = ${created.runs} runs queued`,
  );
  console.log(`id ${created.id}`);
  console.log(studyPage(dashboard, created.id));
}

export function registerAblateCommand(program: Command): void {
  // Positional: `ablate` options before `merge` (both have --out and --decision), merge's after it.
  const ablate = program.command("ablate").enablePositionalOptions();
  ablate
    .command("merge")
    .description(
      "pool ablations of one design run over different seeds (e.g. seeds added later) into one report, paired over every seed",
    )
    .argument("<dirs...>", "ablation output directories (each with ablation-config.json and ablation.json)")
    .requiredOption("--out <dir>", "a new directory for the pooled ablation.md / ablation.json")
    .option("--decision <rule>", "pool the reports scored with this decision rule (ablation-<rule>.*)")
    .action((dirs: string[], o: { out: string; decision?: string }) => {
      const result = mergeAblations(dirs, o.out, { decision: o.decision });
      console.log(readFileSync(result.files.markdown, "utf8"));
      console.log(
        `wrote ${result.files.markdown} and ${result.files.json} (${result.rows.length} rows from ${result.sources
          .map((s) => `${s.seeds.length} seed(s) of ${s.dir}`)
          .join(", ")})`,
      );
    });
  ablate
    .description("reproduce the method's comparisons (heads, SFT vs SFT+RL, rewards, group size) on a dataset")
    .option("--dataset <name>", "dataset (default bluemarble-medium; bluemarble-small with --quick, built if absent)")
    .option("--out <dir>", "where ablation.md, ablation.json and the runs go (default $GEOR_HOME/ablations/<dataset>)")
    .option("--quick", "reduced version on bluemarble-small: one seed, 1 min SFT, 0.4 min per RL arm")
    .option("--seeds <list>", "comma-separated seeds (default 0,1,2)")
    .option("--sections <list>", `comma-separated subset of ${SECTIONS.join(",")}`)
    .option("--heads <list>", "baseline heads of the heads section beside the chain (default flat,regress)")
    .option("--sft-minutes <m>", "SFT budget per head", num)
    .option("--budget-clock <clock>", "cpu (default) | wall | steps (heads only: a fixed step count, load-proof)")
    .option(
      "--sft-steps <n>",
      "with --budget-clock steps: SFT steps of the chain; other heads get the same compute",
      num,
    )
    .option("--rl-minutes <m>", "extra budget per arm started from the CoR SFT run", num)
    .option("--rewards <list>", "comma-separated reward specs for the rewards section")
    .option("--groups <list>", "comma-separated group sizes for the groups section")
    .option("--holdout <fraction>", "train fraction kept out of SFT for the RL / continued-SFT arms", num)
    .option("--split <split>", "val | test", "test")
    .option("--eval-limit <n>", "evaluate the first N samples of the split", num)
    .option(
      "--decision <rule>",
      "score every head with this decision rule (see geor eval --decision); trained arms are re-evaluated, not retrained, and the report is ablation-<rule>.md",
    )
    .option("--config <file>", "JSON with any AblationConfig fields (flags override it)")
    .option(
      "--submit <url>",
      "send the design to the Geo-R API at <url> as a study (token in GEOR_API_TOKEN) instead of running it here; heads section with --budget-clock steps and stepCost only",
    )
    .option("--study-name <name>", "with --submit: the study's name (default heads-<dataset>-<time>)")
    .option(
      "--dashboard <url>",
      "with --submit: the dashboard whose study page is printed (default $GEOR_DASHBOARD_URL or http://127.0.0.1:3000)",
    )
    .action(async (o) => {
      const file = o.config ? (JSON.parse(readFileSync(o.config, "utf8")) as Record<string, unknown>) : {};
      const dataset =
        o.dataset ?? (file.dataset as string | undefined) ?? (o.quick ? "bluemarble-small" : "bluemarble-medium");
      const cfg: Record<string, unknown> = { ...(o.quick ? QUICK : {}), ...file, dataset, split: o.split };
      if (o.seeds) cfg.seeds = list(o.seeds).map(num);
      if (o.sections) cfg.sections = list(o.sections);
      if (o.heads) cfg.heads = list(o.heads);
      if (o.rewards) cfg.rewards = list(o.rewards);
      if (o.groups) cfg.groups = list(o.groups).map(num);
      if (o.sftMinutes !== undefined) cfg.sftMinutes = o.sftMinutes;
      if (o.rlMinutes !== undefined) cfg.rlMinutes = o.rlMinutes;
      if (o.budgetClock !== undefined) cfg.budgetClock = o.budgetClock;
      if (o.sftSteps !== undefined) cfg.sftSteps = o.sftSteps;
      if (o.evalLimit !== undefined) cfg.evalLimit = o.evalLimit;
      if (o.holdout !== undefined) cfg.holdoutFraction = o.holdout;
      if (o.decision !== undefined) cfg.decision = o.decision;
      if (o.submit) return submit(cfg as Parameters<typeof runAblation>[0], dataset, o);
      validateAblationConfig(cfg as Parameters<typeof runAblation>[0]);
      const builtIn = /^bluemarble-(small|medium|large)$/.exec(dataset);
      if (builtIn && !existsSync(path.join(resolveDatasetDir(dataset), "manifest.json"))) {
        const bar = progressBar(`building ${dataset}`);
        await buildBlueMarble(
          { size: builtIn[1] as "small" },
          { onProgress: (p) => bar.update(p.done, p.total, p.stage) },
        );
        bar.stop();
      }
      const out = o.out ? path.resolve(o.out) : path.join(georHome(), "ablations", dataset);
      const bar = progressBar("ablation");
      const result = await runAblation(cfg as Parameters<typeof runAblation>[0], out, {
        log: (line) => {
          if (line.startsWith("ablation:") || line.includes("time budget") || line.startsWith("step cost")) {
            process.stderr.write(`${line}\n`);
          }
        },
        onProgress: (p) => {
          const steps =
            p.step !== undefined ? ` step ${p.step}/${Number.isFinite(p.totalSteps) ? p.totalSteps : "…"}` : "";
          bar.update(p.done, p.total, `${p.arm} seed ${p.seed} · ${p.phase}${steps}`);
        },
      });
      bar.stop();
      console.log(readFileSync(result.files.markdown, "utf8"));
      console.log(`wrote ${result.files.markdown} and ${result.files.json} (${result.rows.length} rows)`);
    });
}
