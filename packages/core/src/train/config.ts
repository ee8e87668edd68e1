/** Training configuration (SFT): the zod schema holds every default and validation message. */
import { z } from "zod";

export const AugmentConfig = z.object({
  /** Multiply each image by 1 + U(−b, b). */
  brightness: z.number().min(0).max(1).default(0.1),
  /**
   * Random horizontal/vertical flips and 90° rotations. Off by default: patches are north-up,
   * so orientation (which way a coast faces) is itself a location cue.
   */
  flip: z.boolean().default(false),
  rot90: z.boolean().default(false),
});

/**
 * Distance-aware label smoothing: a share ε of each target goes to the classes the chain
 * allows, weighted by exp(−d/τ) from the true coordinate to their centres (see
 * model/smoothing.ts). ε = 0 is plain one-hot cross-entropy. On by default: on
 * bluemarble-medium-overlap (6 CPU-minutes, 3 seeds) ε 0.3, τ 250 km took flat from 905 to
 * 625 km median and the chain from 869 to 687 km.
 */
export const LabelSmoothingConfig = z.object({
  epsilon: z.number().min(0).max(0.5).default(0.3),
  km: z.number().positive().default(250),
});

export const TrainConfig = z
  .object({
    batchSize: z.number().int().min(1).max(4096).default(64),
    /** Peak learning rate of Adam. */
    lr: z.number().positive().max(1).default(2e-3),
    warmupSteps: z.number().int().min(0).default(100),
    /** The cosine schedule ends at lr × minLrFraction. */
    minLrFraction: z.number().min(0).max(1).default(0.05),
    epochs: z.number().positive().optional(),
    /**
     * A fixed number of optimizer steps (the schedule's length), whatever the machine's speed:
     * the load-proof budget `geor ablate --budget-clock steps` gives each head. Not with
     * `epochs` or `minutes`.
     */
    steps: z.number().int().positive().optional(),
    /** Time budget; the schedule length is fixed from the speed of the first steps (or by `steps`). */
    minutes: z.number().positive().optional(),
    /** The clock of `minutes`: wall time, or this process's CPU time (equal compute on a loaded machine). */
    budgetClock: z.enum(["wall", "cpu"]).default("wall"),
    /**
     * Threads computing each step's gradient, data parallel: the batch is cut into one shard per
     * thread, each with its own wasm (or cpu) backend, and the gradients summed before the step
     * (see train/grad-pool.ts). 1 keeps the step on the main thread. A `cpu` clock counts every
     * thread's time, so a CPU-minute budget buys the same compute on any number of threads.
     */
    threads: z.number().int().min(1).max(16).default(1),
    seed: z.number().int().min(0).default(0),
    checkpointEvery: z.number().int().min(1).default(200),
    /** Validation samples per epoch-end evaluation. */
    valLimit: z.number().int().min(1).default(2000),
    augment: AugmentConfig.default({ brightness: 0.1, flip: false, rot90: false }),
    labelSmoothing: LabelSmoothingConfig.default({ epsilon: 0.3, km: 250 }),
    /**
     * Weight of each SFT loss part in the total (`country`, `admin1`, `cell`, `offset`, `xyz`);
     * a part not named weighs 1. The logged `loss_<part>` values stay unweighted.
     */
    lossWeights: z
      .partialRecord(z.enum(["country", "admin1", "cell", "offset", "xyz"]), z.number().min(0).max(100))
      .default({}),
    /** Fraction of the train split kept out of SFT for a later stage (by a hash of the sample id). */
    holdoutFraction: z.number().min(0).max(0.9).default(0),
    /** train: the train split less the held-out part; holdout: only the held-out part (continued SFT). */
    data: z.enum(["train", "holdout"]).default("train"),
  })
  .refine((c) => c.steps === undefined || (c.epochs === undefined && c.minutes === undefined), {
    message: "steps fixes the run's length: give it without epochs or minutes",
    path: ["steps"],
  })
  .transform((c) =>
    c.epochs === undefined && c.minutes === undefined && c.steps === undefined ? { ...c, epochs: 5 } : c,
  );
export type TrainConfig = z.infer<typeof TrainConfig>;

/** Linear warm-up to `lr`, then cosine decay to lr × minLrFraction at totalSteps. */
export function learningRate(
  step: number,
  totalSteps: number,
  c: Pick<TrainConfig, "lr" | "warmupSteps" | "minLrFraction">,
): number {
  if (step < c.warmupSteps) return (c.lr * (step + 1)) / c.warmupSteps;
  const t = Math.min(1, (step - c.warmupSteps) / Math.max(1, totalSteps - c.warmupSteps));
  const min = c.lr * c.minLrFraction;
  return min + 0.5 * (c.lr - min) * (1 + Math.cos(Math.PI * t));
}
