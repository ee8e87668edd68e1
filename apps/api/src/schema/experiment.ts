/** Experiment: config, status, stages with progress, metric series, checkpoints, tags; create/cancel/delete/tag; the progress subscription. */
import { storedLevels } from "@geor/core";
import { GraphQLJSON } from "graphql-scalars";
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
  Subscription,
} from "type-graphql";
import type { ExperimentRow } from "../store/index.ts";
import { EXPERIMENT_STATUSES, type ExperimentStatus, STAGE_NAMES, STAGE_STATUSES } from "../store/types.ts";
import { Connection, enumOf, pageInfo } from "./common.ts";
import { type Context, callerName } from "./context.ts";

export const ExperimentStatusEnum = enumOf(EXPERIMENT_STATUSES);
/** The stages of a built-in run, and EXTERNAL: the stage of every point an external run logs. */
export const StageNameEnum = enumOf([...STAGE_NAMES, "EXTERNAL"] as const);
export const ExperimentKindEnum = enumOf(["BUILTIN", "EXTERNAL"] as const);
registerEnumType(ExperimentKindEnum, {
  name: "ExperimentKind",
  description:
    "BUILTIN: trained and evaluated here. EXTERNAL: trained elsewhere; its client logs metrics and predictions.",
});
export const StageStatusEnum = enumOf(STAGE_STATUSES);
registerEnumType(ExperimentStatusEnum, { name: "ExperimentStatus" });
registerEnumType(StageNameEnum, {
  name: "StageName",
  valuesConfig: { EXTERNAL: { description: "Metric points an external run logged (it has no stages)." } },
});
registerEnumType(StageStatusEnum, { name: "StageStatus" });

@ObjectType()
export class Stage {
  @Field(() => StageNameEnum) name!: string;
  @Field(() => StageStatusEnum) status!: string;
  @Field(() => Int) step!: number;
  @Field(() => Int, { nullable: true, description: "null while a time-budgeted run has not fixed its length yet" })
  totalSteps!: number | null;
  @Field(() => Float, { nullable: true, description: "step / totalSteps in [0, 1]" }) progress!: number | null;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => String, { nullable: true }) startedAt!: string | null;
  @Field(() => String, { nullable: true }) finishedAt!: string | null;
}

@ObjectType()
export class MetricPoint {
  @Field(() => Int) step!: number;
  @Field(() => Float) value!: number;
  @Field(() => StageNameEnum) stage!: string;
}

@ObjectType({ description: "One named series (loss, lr, imgsPerSec, rewardMean, …) in step order." })
export class MetricSeries {
  @Field(() => String) name!: string;
  @Field(() => [MetricPoint]) points!: MetricPoint[];
}

@ObjectType()
export class Checkpoint {
  @Field(() => StageNameEnum) stage!: string;
  @Field(() => Int) step!: number;
  @Field(() => String) path!: string;
  @Field(() => String) createdAt!: string;
}

@ObjectType()
export class LogLine {
  @Field(() => String) at!: string;
  @Field(() => StageNameEnum, { nullable: true }) stage!: string | null;
  @Field(() => String) line!: string;
}

@ObjectType()
export class Experiment {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) dataset!: string;
  @Field(() => GraphQLJSON, {
    description:
      "A built-in run: the validated config with every default filled in, { model, train, rl, eval }. An external run: the settings its client sent.",
  })
  config!: unknown;
  @Field(() => ExperimentStatusEnum) status!: string;
  @Field(() => String) notes!: string;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true }) startedAt!: string | null;
  @Field(() => String, { nullable: true }) finishedAt!: string | null;
  @Field(() => Int, {
    description: "How many times a worker took it (more than 1: resumed after a dead worker or restart).",
  })
  attempts!: number;
  @Field(() => Boolean) cancelRequested!: boolean;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "The EVAL stage's report: metrics, levels, calibration, baselines (an external run: its summary when it finished).",
  })
  finalMetrics!: unknown;
  @Field(() => Int, { description: "Changes whenever anything a subscriber sees changes." }) version!: number;
  @Field(() => ExperimentKindEnum) kind!: string;
  @Field(() => String, { nullable: true, description: "Who created it (null: before people existed)." })
  createdBy!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The dataset split its predictions are of (a built-in run's is config.eval.split).",
  })
  split!: string | null;
}

@ObjectType()
export class ExperimentConnection extends Connection("Experiment", Experiment) {
  @Field(() => Int) totalCount!: number;
}

@InputType()
export class ExperimentFilter {
  @Field(() => ExperimentStatusEnum, { nullable: true }) status?: ExperimentStatus | null;
  @Field(() => String, { nullable: true }) tag?: string | null;
  @Field(() => String, { nullable: true }) dataset?: string | null;
}

@InputType()
export class CreateExperimentInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: "A dataset name under $GEOR_HOME/datasets." }) dataset!: string;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "{ model: core ModelConfig, train: core TrainConfig, rl: RL options or null, eval: { split, limit, beam } }",
  })
  config?: unknown;
  @Field(() => [String], { defaultValue: [] }) tags!: string[];
  @Field(() => String, { defaultValue: "" }) notes!: string;
}

/**
 * The stored EVAL report, its levels under today's names (`place`) and, for clients written before
 * the rename, the same value as `city`: finalMetrics is JSON, which has no deprecation marker.
 */
function finalMetricsOf(json: string): unknown {
  const report = JSON.parse(json) as { levels?: Parameters<typeof storedLevels>[0] };
  if (!report.levels) return report;
  const levels = storedLevels(report.levels);
  return { ...report, levels: { ...levels, city: levels.place } };
}

function builtinSplit(config: string): string | null {
  return (JSON.parse(config) as { eval?: { split?: string } }).eval?.split ?? null;
}

export function toExperiment(r: ExperimentRow): Experiment {
  return {
    id: r.id,
    name: r.name,
    dataset: r.dataset,
    config: JSON.parse(r.config),
    status: r.status,
    notes: r.notes,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    attempts: r.attempts,
    cancelRequested: r.cancel_requested === 1,
    finalMetrics: r.final_metrics ? finalMetricsOf(r.final_metrics) : null,
    version: r.version,
    kind: r.kind,
    createdBy: r.created_by,
    split: r.split ?? (r.kind === "BUILTIN" ? builtinSplit(r.config) : null),
  };
}

@Resolver(() => Experiment)
export class ExperimentResolver {
  @Query(() => Experiment, { nullable: true })
  async experiment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Experiment | null> {
    const row = await ctx.services.experiments.get(id);
    return row ? toExperiment(row) : null;
  }

  @Query(() => ExperimentConnection, {
    description: "Newest first.",
    complexity: ({ args, childComplexity }) => 1 + (args.first ?? 20) * childComplexity,
  })
  async experiments(
    @Ctx() ctx: Context,
    @Arg("filter", () => ExperimentFilter, { nullable: true }) filter: ExperimentFilter | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<ExperimentConnection> {
    const { page, totalCount } = await ctx.services.experiments.list(filter ?? {}, first, after);
    return {
      edges: page.items.map((r, i) => ({ cursor: page.cursors[i], node: toExperiment(r) })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, after),
      totalCount,
    };
  }

  @FieldResolver(() => [Stage])
  async stages(@Root() e: Experiment, @Ctx() ctx: Context): Promise<Stage[]> {
    const rows = await ctx.services.experiments.stages(e.id);
    return rows.map((s) => ({
      name: s.name,
      status: s.status,
      step: s.step,
      totalSteps: s.total_steps,
      progress:
        s.status === "SUCCEEDED"
          ? 1
          : s.total_steps
            ? Math.min(1, s.step / s.total_steps)
            : s.status === "PENDING"
              ? 0
              : null,
      message: s.message,
      startedAt: s.started_at,
      finishedAt: s.finished_at,
    }));
  }

  @FieldResolver(() => [String])
  tags(@Root() e: Experiment, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.experiments.tags(e.id);
  }

  @FieldResolver(() => [String], { description: "Names of the recorded metric series." })
  metricNames(@Root() e: Experiment, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.experiments.metricNames(e.id);
  }

  @FieldResolver(() => [MetricSeries], { complexity: 10 })
  metrics(
    @Root() e: Experiment,
    @Ctx() ctx: Context,
    @Arg("names", () => [String], { nullable: true, description: "Default: every series." }) names: string[] | null,
    @Arg("maxPoints", () => Int, { defaultValue: 1000, description: "Longer series are thinned evenly." })
    maxPoints: number,
  ): Promise<MetricSeries[]> {
    return ctx.services.experiments.metrics(e.id, names, maxPoints);
  }

  @FieldResolver(() => [Checkpoint])
  async checkpoints(@Root() e: Experiment, @Ctx() ctx: Context): Promise<Checkpoint[]> {
    const rows = await ctx.services.experiments.checkpoints(e.id);
    return rows.map((c) => ({ stage: c.stage, step: c.step, path: c.path, createdAt: c.created_at }));
  }

  @FieldResolver(() => [LogLine])
  logs(
    @Root() e: Experiment,
    @Ctx() ctx: Context,
    @Arg("last", () => Int, { defaultValue: 50 }) last: number,
  ): Promise<LogLine[]> {
    return ctx.services.experiments.logs(e.id, last);
  }

  @Mutation(() => Experiment, {
    description: "Validates the config and queues the experiment (SFT → RL if configured → EVAL).",
  })
  async createExperiment(
    @Arg("input", () => CreateExperimentInput) input: CreateExperimentInput,
    @Ctx() ctx: Context,
  ): Promise<Experiment> {
    return toExperiment(await ctx.services.experiments.create(input, callerName(ctx)));
  }

  @Mutation(() => Experiment, {
    description: "A queued experiment is cancelled at once; a running one stops within seconds.",
  })
  async cancelExperiment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Experiment> {
    return toExperiment(await ctx.services.experiments.cancel(id));
  }

  @Mutation(() => Boolean, {
    description: "Deletes a finished, failed, cancelled or queued experiment with its predictions and run directory.",
  })
  deleteExperiment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.experiments.delete(id);
  }

  @Mutation(() => Experiment)
  async tagExperiment(
    @Arg("id", () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg("add", () => [String], { defaultValue: [] }) add: string[],
    @Arg("remove", () => [String], { defaultValue: [] }) remove: string[],
    @Arg("notes", () => String, { nullable: true }) notes: string | null,
  ): Promise<Experiment> {
    return toExperiment(await ctx.services.experiments.tag(id, add, remove, notes));
  }

  @Subscription(() => Experiment, {
    description: "The experiment now and after every change (stage progress, metrics, status) until it ends.",
    subscribe: ({ args, context }) => (context as Context).services.experiments.watch(args.id as string, 200),
  })
  experimentProgress(@Root() payload: ExperimentRow, @Arg("id", () => ID) _id: string): Experiment {
    return toExperiment(payload);
  }
}
