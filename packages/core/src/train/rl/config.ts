/** RL (GRPO) configuration: the zod schema holds every default and validation message. */
import { z } from "zod";
import { parseReward } from "./rewards.ts";

export const RlConfig = z
  .object({
    /** Reward spec: geor | exp:σ | geoscore | tiered | log, optionally +consistency:w. */
    reward: z
      .string()
      .default("geor")
      .superRefine((spec, ctx) => {
        try {
          parseReward(spec);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
        }
      }),
    /** Chains sampled per image (G). */
    group: z.number().int().min(2).max(64).default(8),
    /** Images per step; a step scores images × group chains. */
    imagesPerStep: z.number().int().min(1).max(1024).default(16),
    /** Sampling temperature of the behaviour policy (the trained policy is at temperature 1). */
    temperature: z.number().positive().max(10).default(1),
    /** β of the KL penalty to the SFT reference. */
    kl: z.number().min(0).max(10).default(0.02),
    /** ε of the clipped ratio. */
    clip: z.number().positive().max(1).default(0.2),
    /** Gradient steps on each sampled batch (the ratio departs from 1 from the second on). */
    updatesPerBatch: z.number().int().min(1).max(8).default(2),
    /** σ of the Gaussian offset policy, km; 0 keeps the offset deterministic and untrained by RL. */
    offsetSigmaKm: z.number().min(0).max(1000).default(25),
    lr: z.number().positive().max(1).default(1e-4),
    warmupSteps: z.number().int().min(0).default(10),
    minLrFraction: z.number().min(0).max(1).default(0.1),
    /** Number of steps (default 200 when no time budget is given). */
    steps: z.number().int().positive().optional(),
    /** Time budget; the schedule length is fixed from the speed of the first steps. */
    minutes: z.number().positive().optional(),
    /** The clock of `minutes`: wall time, or this process's CPU time (equal compute on a loaded machine). */
    budgetClock: z.enum(["wall", "cpu"]).default("wall"),
    seed: z.number().int().min(0).default(0),
    checkpointEvery: z.number().int().min(1).default(50),
    /** Steps between validations; the best validation GeoScore's weights are kept in best/. */
    evalEvery: z.number().int().min(1).default(100),
    valLimit: z.number().int().min(1).default(1000),
    /**
     * train: the train split (less the SFT run's held-out part); holdout: only the part the SFT
     * run held out (its holdoutFraction), images the SFT model has not memorised.
     */
    data: z.enum(["train", "holdout"]).default("train"),
  })
  .transform((c) => (c.steps === undefined && c.minutes === undefined ? { ...c, steps: 200 } : c));
export type RlConfig = z.infer<typeof RlConfig>;
