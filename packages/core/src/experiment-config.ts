/**
 * An experiment's config: the SFT stage's ModelConfig and TrainConfig, an optional RL section
 * (present = the RL stage runs) and the EVAL stage's split. Every rule that spans fields of
 * different sections is checked here, so the API and studies reject a config before it runs.
 * Validation messages name the offending field as config.<section>.<field>.
 */
import { z } from "zod";
import { SPLITS } from "./data/format.ts";
import { ModelConfig } from "./model/config.ts";
import { TrainConfig } from "./train/config.ts";
import { RlConfig } from "./train/rl/config.ts";
import { unknownKeys } from "./util/errors.ts";

const EvalSection = z
  .object({
    split: z.enum(SPLITS).default("test"),
    /** Evaluate the first N samples of the split only. */
    limit: z.number().int().min(1).optional(),
    beam: z.number().int().min(1).max(16).optional(),
  })
  .strict();

const Sections = z
  .object({
    model: z.record(z.string(), z.unknown()).default({}),
    train: z.record(z.string(), z.unknown()).default({}),
    /** Core's RlConfig (reward, group, kl, minutes, …); absent or null = no RL stage. */
    rl: z.record(z.string(), z.unknown()).nullable().optional(),
    eval: EvalSection.default({ split: "test" }),
  })
  .strict();

export interface ExperimentConfig {
  model: ModelConfig;
  train: TrainConfig;
  rl: RlConfig | null;
  eval: z.infer<typeof EvalSection>;
}

export interface ConfigIssue {
  /** config.<section>.<field>, or config.<section> for a rule across fields. */
  field: string;
  message: string;
}

export class ConfigValidationError extends Error {
  override name = "ConfigValidationError";
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid experiment config: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
}

function issuesOf(error: z.ZodError, prefix: string): ConfigIssue[] {
  return error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join("."), message: i.message }));
}

/** Validates and resolves every default; throws ConfigValidationError naming each bad field. */
export function validateExperimentConfig(input: unknown): ExperimentConfig {
  const sections = Sections.safeParse(input ?? {});
  if (!sections.success) throw new ConfigValidationError(issuesOf(sections.error, "config"));
  const model = ModelConfig.safeParse(sections.data.model);
  const train = TrainConfig.safeParse(sections.data.train);
  const rlInput = sections.data.rl ?? null;
  const rl = rlInput === null ? null : RlConfig.safeParse(rlInput);
  const issues = [
    ...unknownKeys(sections.data.model, ModelConfig, "config.model"),
    ...unknownKeys(sections.data.train, TrainConfig, "config.train"),
    ...(rlInput === null ? [] : unknownKeys(rlInput, RlConfig, "config.rl")),
    ...(model.success ? [] : issuesOf(model.error, "config.model")),
    ...(train.success ? [] : issuesOf(train.error, "config.train")),
    ...(rl === null || rl.success ? [] : issuesOf(rl.error, "config.rl")),
  ];
  // Rules across sections.
  if (rl?.success && model.success && model.data.head !== "chain") {
    issues.push({ field: "config.rl", message: `RL needs the chain head, not "${model.data.head}"` });
  }
  if (issues.length > 0 || !model.success || !train.success || (rl !== null && !rl.success)) {
    throw new ConfigValidationError(issues);
  }
  return { model: model.data, train: train.data, rl: rl?.success ? rl.data : null, eval: sections.data.eval };
}
