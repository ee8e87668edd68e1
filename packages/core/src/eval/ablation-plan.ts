/** The arms an ablation runs: their names, what each row records of them, and how each trains. */
import path from "node:path";
import { RlConfig } from "../train/rl/config.ts";
import { trainRl } from "../train/rl/rl.ts";
import { trainSft } from "../train/sft.ts";
import type { AblationConfig, AblationRow, Section } from "./ablation-config.ts";

export type StepProgress = (p: { step: number; totalSteps: number }) => void;

/** One arm of the ablation: what it is (its row's fields) and how it trains. */
export interface Arm {
  name: string;
  section: Section;
  head: string;
  stage: AblationRow["stage"];
  reward: string | null;
  group: number | null;
  /** Reuse the run of this arm (same configuration) instead of training again. */
  alias?: string;
  /** Trains the arm's run into `dir` (from the seed's CoR SFT run `sftDir` when it needs it). */
  train: (dir: string, seed: number, sftDir: string, onProgress: StepProgress) => Promise<unknown>;
}

/**
 * The arms of an ablation in the order they run, each with its trainer: the CoR SFT run first
 * (every arm that continues from SFT starts from it), then the arms of each section. With step
 * budgets (`steps`, heads only) each head trains its steps; otherwise the config's minutes.
 */
export function planArms(
  cfg: AblationConfig,
  ds: string,
  log: (l: string) => void,
  steps: Record<string, number> | null,
): Arm[] {
  const arms: Arm[] = [];
  // What the arms started from the CoR SFT run learn from.
  const later = cfg.holdoutFraction > 0 ? ("holdout" as const) : ("train" as const);
  // The clock of the minute budgets ("steps" budgets are given as steps, heads only).
  const timeClock = cfg.budgetClock === "wall" ? ("wall" as const) : ("cpu" as const);
  const sft = (head: string) => async (dir: string, seed: number, _from: string, onProgress: StepProgress) =>
    trainSft({
      dataset: ds,
      out: dir,
      model: { ...cfg.model, head: head as "chain" },
      train: {
        ...cfg.train,
        ...(steps ? { steps: steps[head] } : { minutes: cfg.sftMinutes, budgetClock: timeClock }),
        seed,
        holdoutFraction: cfg.holdoutFraction,
      },
      log,
      onProgress,
    });
  const rl =
    (reward: string, group: number, imagesPerStep?: number) =>
    async (dir: string, seed: number, from: string, onProgress: StepProgress) =>
      trainRl({
        from,
        out: dir,
        rl: {
          ...cfg.rl,
          reward,
          group,
          ...(imagesPerStep ? { imagesPerStep } : {}),
          minutes: cfg.rlMinutes,
          seed,
          data: later,
        },
        log,
        onProgress,
      });
  const sectionOf = new Set(cfg.sections);
  // The CoR SFT run is the start of every RL arm, so it is always planned first.
  arms.push({
    name: "sft-chain",
    section: "heads",
    head: "chain",
    stage: "sft",
    reward: null,
    group: null,
    train: sft("chain"),
  });
  if (sectionOf.has("heads")) {
    for (const head of cfg.heads) {
      arms.push({
        name: `sft-${head}`,
        section: "heads",
        head,
        stage: "sft",
        reward: null,
        group: null,
        train: sft(head),
      });
    }
  }
  const baseReward = RlConfig.parse({ ...cfg.rl }).reward;
  const baseGroup = RlConfig.parse({ ...cfg.rl }).group;
  if (sectionOf.has("rl")) {
    arms.push({
      name: "sft-continued",
      section: "rl",
      head: "chain",
      stage: "sft+sft",
      reward: null,
      group: null,
      train: (dir, seed, from, onProgress) =>
        trainSft({
          dataset: ds,
          out: dir,
          init: path.join(from, "checkpoint"),
          train: {
            ...cfg.train,
            minutes: cfg.rlMinutes,
            budgetClock: timeClock,
            seed,
            lr: cfg.continueLr,
            warmupSteps: 10,
            holdoutFraction: cfg.holdoutFraction,
            data: later,
          },
          log,
          onProgress,
        }),
    });
    arms.push({
      name: `rl-${baseReward}`,
      section: "rl",
      head: "chain",
      stage: "sft+rl",
      reward: baseReward,
      group: baseGroup,
      train: rl(baseReward, baseGroup),
    });
  }
  if (sectionOf.has("rewards")) {
    for (const reward of cfg.rewards) {
      if (sectionOf.has("rl") && reward === baseReward) continue;
      arms.push({
        name: `rl-${reward}`,
        section: "rewards",
        head: "chain",
        stage: "sft+rl",
        reward,
        group: baseGroup,
        train: rl(reward, baseGroup),
      });
    }
  }
  if (sectionOf.has("groups")) {
    const baseImages = RlConfig.parse({ ...cfg.rl }).imagesPerStep;
    for (const G of cfg.groups) {
      const images = Math.max(1, Math.round(cfg.chainsPerStep / G));
      const same = sectionOf.has("rl") && G === baseGroup && images === baseImages;
      arms.push({
        ...(same ? { alias: `rl-${baseReward}` } : {}),
        name: `rl-G${G}`,
        section: "groups",
        head: "chain",
        stage: "sft+rl",
        reward: baseReward,
        group: G,
        train: rl(baseReward, G, images),
      });
    }
  }
  return arms;
}
