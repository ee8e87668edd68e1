/** `geor train sft`, `geor eval`, `geor predict`. */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { describeBackend } from "../backend/select.ts";
import { parseDecision } from "../eval/decision.ts";
import { AUTO_THREADS_MIN, evaluateRun } from "../eval/run-eval.ts";
import { predictImages } from "../model/predict.ts";
import { resolveRunDir } from "../train/runs.ts";
import { trainSft } from "../train/sft.ts";
import { num, pct } from "./format.ts";
import { progressBar } from "./progress.ts";
import { registerRlCommand } from "./rl.ts";

export function registerTrainCommands(program: Command): void {
  const train = program.command("train").description("train a model");
  registerRlCommand(train);
  train
    .command("sft")
    .description("supervised training of the Chain-of-Region model (or a baseline head)")
    .requiredOption("--dataset <name>", "dataset name or directory")
    .requiredOption("--out <run>", "run directory (a bare name goes under $GEOR_HOME/runs)")
    .option("--minutes <m>", "wall-clock budget", num)
    .option("--epochs <e>", "number of epochs (default 5 when no budget is given)", num)
    .option("--steps <n>", "a fixed number of optimizer steps (the schedule's length, load-proof)", num)
    .option("--seed <n>", "seed for init, data order and augmentation", num)
    .option("--threads <n>", "threads computing each step's gradient, data parallel (wasm or cpu; default 1)", num)
    .option("--head <head>", "chain (default) | flat | regress")
    .option(
      "--regions <level>",
      "admin-1 classes: groups (default: sparse units merged as in the geocells) | units (every admin-1 unit)",
    )
    .option("--batch-size <n>", "batch size", num)
    .option("--lr <lr>", "peak learning rate", num)
    .option("--checkpoint-every <n>", "steps between checkpoints", num)
    .option("--holdout <fraction>", "fraction of the train split kept out (by sample id) for a later stage", num)
    .option("--data <part>", "train (default) | holdout (only the held-out part: continued SFT)")
    .option(
      "--label-smoothing <epsilon>",
      "share of each target spread over nearby classes by distance (default 0.3; 0 = one-hot)",
      num,
    )
    .option("--smoothing-km <km>", "distance scale of the label smoothing (default 250)", num)
    .option("--config <file>", "JSON file with { model: {...}, train: {...} } (flags override it)")
    .option("--backend <name>", "auto | node-gpu | node | wasm | cpu", "auto")
    .option("--resume", "continue the run in --out from its last checkpoint")
    .option("--init <run>", "start from another run's latest weights (fresh optimizer and schedule)")
    .action(async (o) => {
      const file = o.config ? (JSON.parse(readFileSync(o.config, "utf8")) as { model?: object; train?: object }) : {};
      const trainCfg: Record<string, unknown> = { ...(file.train ?? {}) };
      for (const [flag, key] of [
        ["minutes", "minutes"],
        ["epochs", "epochs"],
        ["steps", "steps"],
        ["seed", "seed"],
        ["threads", "threads"],
        ["batchSize", "batchSize"],
        ["lr", "lr"],
        ["checkpointEvery", "checkpointEvery"],
        ["holdout", "holdoutFraction"],
        ["data", "data"],
      ] as const) {
        if (o[flag] !== undefined) trainCfg[key] = o[flag];
      }
      if (o.labelSmoothing !== undefined || o.smoothingKm !== undefined) {
        trainCfg.labelSmoothing = {
          ...((trainCfg.labelSmoothing as object | undefined) ?? {}),
          ...(o.labelSmoothing !== undefined ? { epsilon: o.labelSmoothing } : {}),
          ...(o.smoothingKm !== undefined ? { km: o.smoothingKm } : {}),
        };
      }
      const bar = progressBar("training");
      const result = await trainSft({
        dataset: o.dataset,
        out: resolveRunDir(o.out),
        model: {
          ...(file.model ?? {}),
          ...(o.head ? { head: o.head } : {}),
          ...(o.regions ? { regions: o.regions } : {}),
        },
        train: trainCfg,
        backend: o.backend,
        resume: Boolean(o.resume),
        init: o.init ? path.join(resolveRunDir(o.init), "checkpoint") : undefined,
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: (p) =>
          bar.update(
            p.step,
            Number.isFinite(p.totalSteps) ? p.totalSteps : p.step + 1,
            `loss ${p.loss.toFixed(3)} · ${p.imgsPerSec.toFixed(0)} img/s`,
          ),
      });
      bar.stop();
      console.log(`${describeBackend(result.backend)}`);
      console.log(
        `trained ${result.steps} steps in ${result.seconds.toFixed(0)} s (${result.imgsPerSec.toFixed(0)} img/s) → ${result.runDir}`,
      );
      if (result.val) {
        const m = result.val.metrics;
        console.log(
          `val: median ${m.medianKm.toFixed(0)} km · acc@25 ${pct(m.acc[25])} · @200 ${pct(m.acc[200])} · @750 ${pct(m.acc[750])} · @2500 ${pct(m.acc[2500])} · country ${pct(result.val.levels.country)}`,
        );
      }
    });

  program
    .command("eval")
    .description("evaluate a run on a dataset split; writes eval-<split>.json and predictions-<split>.jsonl")
    .requiredOption("--run <run>", "run directory or name")
    .option("--split <split>", "train | val | test", "test")
    .option("--dataset <name>", "evaluate on another dataset (default: the run's)")
    .option("--limit <n>", "evaluate the first N samples only", num)
    .option("--beam <n>", "beam width (1 = greedy)", num)
    .option(
      "--decision <rule>",
      "marginal (chain head default: the place with the most probability over its admin-1 units) | argmax (the most probable chain; other heads' default) | mbr (least expected distance among the beam's chains) | risk (the likely place with the least expected distance to the place distribution) | within:KM (the likely place with the most probability within KM) | mean[:T] (the spherical mean of the place distribution, sharpened or flattened by T: a hedge) | median[:T] (the point with the least expected great-circle error under the place distribution: a likely place when it holds half the probability, else between places)",
    )
    .option("--checkpoint <which>", "latest | best (the best validation GeoScore of an RL run)", "latest")
    .option("--backend <name>", "auto | node-gpu | node | wasm | cpu", "auto")
    .option(
      "--threads <n>",
      `decoding threads on wasm or cpu (default: one per core for splits of ${AUTO_THREADS_MIN.toLocaleString("en")}+ samples, else 1)`,
      num,
    )
    .option("--json", "print one JSON object")
    .action(async (o) => {
      const decision = o.decision !== undefined ? parseDecision(o.decision) : undefined;
      const bar = o.json ? null : progressBar("evaluating");
      const r = await evaluateRun({
        runDir: resolveRunDir(o.run),
        split: o.split,
        dataset: o.dataset,
        limit: o.limit,
        beam: o.beam,
        decision,
        checkpoint: o.checkpoint,
        backend: o.backend,
        threads: o.threads,
        onProgress: (done, total) => bar?.update(done, total, o.split),
      });
      bar?.stop();
      const { predictions: _predictions, ...report } = r;
      if (o.json) {
        console.log(JSON.stringify(report));
        return;
      }
      const row = (name: string, m: typeof r.metrics) =>
        `${name.padEnd(12)} ${m.medianKm.toFixed(0).padStart(8)} ${[1, 25, 200, 750, 2500]
          .map((t) => pct(m.acc[t as 1]).padStart(7))
          .join(" ")} ${m.geoScore.toFixed(0).padStart(7)}`;
      console.log(
        `${r.dataset} / ${r.split}: ${r.metrics.n} samples, step ${r.step}, ${describeBackend(r.backend)}${r.threads > 1 ? `, ${r.threads} decoding threads` : ""}`,
      );
      console.log(`${"".padEnd(12)} ${"median km".padStart(8)}    @1km   @25km  @200km  @750km @2500km GeoScore`);
      console.log(row("model", r.metrics));
      if (r.baselines) {
        console.log(row("medoid", r.baselines.medoid));
        console.log(row("top country", r.baselines.topCountry));
      }
      console.log(
        `levels: country ${pct(r.levels.country)} · admin-1 ${pct(r.levels.admin1)} · place ${pct(r.levels.place)}`,
      );
      if (r.calibration)
        console.log(`calibration: ECE ${r.calibration.ece.toFixed(3)} (chain confidence vs whole chain right)`);
      console.log(`wrote ${r.files.report} and ${r.files.predictions}`);
    });

  program
    .command("predict")
    .description("predict the chain and coordinate of images (or of the Blue Marble patch at --at lat,lon)")
    .argument("[images...]", "image files")
    .requiredOption("--run <run>", "run directory or name")
    .option("--at <lat,lon>", "cut the Blue Marble patch at this coordinate (5-channel Blue Marble models)")
    .option("--top-k <k>", "also list the k best chains", num, 3)
    .option("--backend <name>", "auto | node-gpu | node | wasm | cpu", "auto")
    .option("--json", "print JSON")
    .action(async (images: string[], o) => {
      const at = o.at ? (String(o.at).split(",").map(Number) as [number, number]) : undefined;
      const results = await predictImages({
        runDir: resolveRunDir(o.run),
        images,
        at,
        topK: o.topK,
        backend: o.backend,
      });
      if (o.json) {
        console.log(JSON.stringify(results, null, 2));
        return;
      }
      for (const r of results) {
        console.log(
          `${r.input}${r.channelsFilled.length > 0 ? ` (filled with training means: ${r.channelsFilled.join(", ")})` : ""}`,
        );
        for (const [i, c] of r.chains.entries()) {
          console.log(`  ${i === 0 ? "→" : " "} ${c.text}  [p ${c.probability.toFixed(3)}]`);
        }
      }
    });
}
