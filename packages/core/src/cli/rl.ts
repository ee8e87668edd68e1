/** `geor train rl`: GRPO from an SFT run. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { describeBackend } from "../backend/select.ts";
import { trainRl } from "../train/rl/rl.ts";
import { resolveRunDir } from "../train/runs.ts";
import { num, pct } from "./format.ts";
import { progressBar } from "./progress.ts";

export function registerRlCommand(train: Command): void {
  train
    .command("rl")
    .description("reinforcement learning (GRPO) with a Haversine reward, from an SFT run")
    .requiredOption("--from <run>", "the SFT run to start from (its policy is also the KL reference)")
    .requiredOption("--out <run>", "run directory (a bare name goes under $GEOR_HOME/runs)")
    .option("--reward <spec>", "geor | exp:σkm | geoscore | tiered | log, optionally +consistency:w")
    .option("--group <G>", "chains sampled per image", num)
    .option("--kl <beta>", "weight of the KL penalty to the SFT reference", num)
    .option("--clip <eps>", "PPO clip range of the ratio", num)
    .option("--temperature <T>", "sampling temperature", num)
    .option("--images-per-step <n>", "images per step (each gives G chains)", num)
    .option("--lr <lr>", "peak learning rate", num)
    .option("--steps <n>", "number of steps (default 200 when no --minutes)", num)
    .option("--minutes <m>", "wall-clock budget", num)
    .option("--seed <n>", "seed of the sampling and data order", num)
    .option("--eval-every <n>", "steps between validations (best weights go to best/)", num)
    .option("--data <part>", "train | holdout (the part of train the SFT run held out)")
    .option("--config <file>", "JSON file with RL settings (flags override it)")
    .option("--dataset <name>", "dataset (default: the SFT run's)")
    .option("--backend <name>", "auto | node-gpu | node | wasm | cpu", "auto")
    .option("--resume", "continue the run in --out from its last checkpoint")
    .action(async (o) => {
      const rl: Record<string, unknown> = o.config ? JSON.parse(readFileSync(o.config, "utf8")) : {};
      for (const key of [
        "reward",
        "group",
        "kl",
        "clip",
        "temperature",
        "imagesPerStep",
        "lr",
        "steps",
        "minutes",
        "seed",
        "evalEvery",
        "data",
      ]) {
        if (o[key] !== undefined) rl[key] = o[key];
      }
      const bar = progressBar("RL");
      const r = await trainRl({
        from: resolveRunDir(o.from),
        out: resolveRunDir(o.out),
        dataset: o.dataset,
        rl,
        backend: o.backend,
        resume: Boolean(o.resume),
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: (p) =>
          bar.update(
            p.step,
            Number.isFinite(p.totalSteps) ? p.totalSteps : p.step + 1,
            `reward ${p.rewardMean.toFixed(3)} · KL ${p.kl.toFixed(4)} · ${p.chainsPerSec.toFixed(0)} chains/s`,
          ),
      });
      bar.stop();
      console.log(describeBackend(r.backend));
      console.log(
        `${r.steps} RL steps in ${r.seconds.toFixed(0)} s (${r.chainsPerSec.toFixed(0)} chains/s) → ${r.runDir}`,
      );
      if (r.val) {
        const m = r.val.metrics;
        console.log(
          `val (latest): median ${m.medianKm.toFixed(0)} km · acc@200 ${pct(m.acc[200])} · @750 ${pct(m.acc[750])} · GeoScore ${m.geoScore.toFixed(0)}`,
        );
      }
      if (r.best) console.log(`best validation GeoScore ${r.best.geoScore.toFixed(0)} at step ${r.best.step} (best/)`);
    });
}
