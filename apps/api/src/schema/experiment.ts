/** Experiment: config, status, stages with progress, metric series, checkpoints, tags; create/cancel/delete/tag; the progress subscription. */
import { rmSync } from "node:fs";
import path from "node:path";
import { ConfigValidationError, validateExperimentConfig } from "@geor/core";
import { GraphQLError } from "graphql";
import { GraphQLJSON } from "graphql-scalars";
import {
  Arg,
  Authorized,
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
import { isDatasetName } from "../datasets.ts";
import type { ExperimentRow } from "../store/index.ts";
import {
  EXPERIMENT_STATUSES,
  type ExperimentStatus,
  STAGE_NAMES,
  STAGE_STATUSES,
  TERMINAL_STATUSES,
} from "../store/types.ts";
import { badInput, Connection, enumOf, notFound, pageInfo, pageSize } from "./common.ts";
import type { Context } from "./context.ts";

export const ExperimentStatusEnum = enumOf(EXPERIMENT_STATUSES);
export const StageNameEnum = enumOf(STAGE_NAMES);
export const StageStatusEnum = enumOf(STAGE_STATUSES);
registerEnumType(ExperimentStatusEnum, { name: "ExperimentStatus" });
registerEnumType(StageNameEnum, { name: "StageName" });
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
    description: "The validated config with every default filled in: { model, train, rl, eval }.",
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
    description: "The EVAL stage's report: metrics, levels, calibration, baselines.",
  })
  finalMetrics!: unknown;
  @Field(() => Int, { description: "Changes whenever anything a subscriber sees changes." }) version!: number;
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
    finalMetrics: r.final_metrics ? JSON.parse(r.final_metrics) : null,
    version: r.version,
  };
}

const TAG = /^[\p{L}\p{N}._:/-]{1,64}$/u;
function checkTags(tags: string[], field: string): void {
  if (tags.length > 50) throw badInput(field, "at most 50 tags");
  for (const t of tags)
    if (!TAG.test(t)) throw badInput(field, `tag "${t.slice(0, 80)}" must be 1–64 letters, digits or . _ : / -`);
}

async function mustGet(ctx: Context, id: string): Promise<ExperimentRow> {
  const row = await ctx.services.store.experiments.get(id);
  if (!row) throw notFound("experiment", id);
  return row;
}

/** Polls the experiment's version; yields the experiment on each change until it ends. */
async function* progressOf(ctx: Context, id: string, pollMs: number): AsyncGenerator<Experiment> {
  const exps = ctx.services.store.experiments;
  let seen = -1;
  for (;;) {
    const version = await exps.version(id);
    if (version === null) return;
    if (version !== seen) {
      seen = version;
      const row = await exps.get(id);
      if (!row) return;
      yield toExperiment(row);
      if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) return;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

@Resolver(() => Experiment)
export class ExperimentResolver {
  @Query(() => Experiment, { nullable: true })
  async experiment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Experiment | null> {
    const row = await ctx.services.store.experiments.get(id);
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
    const n = pageSize(first, ctx.services.config.maxPageSize);
    const f = filter ?? {};
    const page = await ctx.services.store.experiments.list(f, n, after);
    return {
      edges: page.items.map((r, i) => ({ cursor: page.cursors[i], node: toExperiment(r) })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, after),
      totalCount: await ctx.services.store.experiments.count(f),
    };
  }

  @FieldResolver(() => [Stage])
  async stages(@Root() e: Experiment, @Ctx() ctx: Context): Promise<Stage[]> {
    const rows = await ctx.services.store.experiments.stages(e.id);
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
    return ctx.services.store.experiments.tags(e.id);
  }

  @FieldResolver(() => [String], { description: "Names of the recorded metric series." })
  metricNames(@Root() e: Experiment, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.store.experiments.metricNames(e.id);
  }

  @FieldResolver(() => [MetricSeries], { complexity: 10 })
  async metrics(
    @Root() e: Experiment,
    @Ctx() ctx: Context,
    @Arg("names", () => [String], { nullable: true, description: "Default: every series." }) names: string[] | null,
    @Arg("maxPoints", () => Int, { defaultValue: 1000, description: "Longer series are thinned evenly." })
    maxPoints: number,
  ): Promise<MetricSeries[]> {
    if (maxPoints < 2 || maxPoints > 10_000) throw badInput("maxPoints", "must be in [2, 10000]");
    const exps = ctx.services.store.experiments;
    const all = names ?? (await exps.metricNames(e.id));
    return Promise.all(all.map(async (name) => ({ name, points: await exps.series(e.id, name, maxPoints) })));
  }

  @FieldResolver(() => [Checkpoint])
  async checkpoints(@Root() e: Experiment, @Ctx() ctx: Context): Promise<Checkpoint[]> {
    const rows = await ctx.services.store.experiments.checkpoints(e.id);
    return rows.map((c) => ({ stage: c.stage, step: c.step, path: c.path, createdAt: c.created_at }));
  }

  @FieldResolver(() => [LogLine])
  logs(
    @Root() e: Experiment,
    @Ctx() ctx: Context,
    @Arg("last", () => Int, { defaultValue: 50 }) last: number,
  ): Promise<LogLine[]> {
    if (last < 1 || last > 1000) throw badInput("last", "must be in [1, 1000]");
    return ctx.services.store.experiments.logs(e.id, last);
  }

  @Authorized()
  @Mutation(() => Experiment, {
    description: "Validates the config and queues the experiment (SFT → RL if configured → EVAL).",
  })
  async createExperiment(
    @Arg("input", () => CreateExperimentInput) input: CreateExperimentInput,
    @Ctx() ctx: Context,
  ): Promise<Experiment> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw badInput("input.name", "must be 1–200 characters");
    if (!isDatasetName(input.dataset) || !ctx.services.datasets.get(input.dataset))
      throw badInput("input.dataset", `no dataset "${input.dataset}" (see the datasets query)`);
    checkTags(input.tags, "input.tags");
    if (input.notes.length > 10_000) throw badInput("input.notes", "at most 10,000 characters");
    let config: ReturnType<typeof validateExperimentConfig>;
    try {
      config = validateExperimentConfig(input.config ?? {});
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      throw new GraphQLError(err.message, {
        extensions: { code: "BAD_USER_INPUT", field: err.issues[0]?.field ?? "input.config", issues: err.issues },
      });
    }
    const { store, config: api, queue } = ctx.services;
    const row = await store.experiments.create({
      name,
      dataset: input.dataset,
      config,
      skipped: config.rl ? {} : { RL: "no rl section in the config" },
      tags: input.tags,
      notes: input.notes,
      runDirOf: (id) => path.join(api.home, "runs", `experiment-${id}`),
    });
    await queue.enqueue(row.id);
    return toExperiment(row);
  }

  @Authorized()
  @Mutation(() => Experiment, {
    description: "A queued experiment is cancelled at once; a running one stops within seconds.",
  })
  async cancelExperiment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Experiment> {
    await mustGet(ctx, id);
    await ctx.services.store.experiments.requestCancel(id);
    return toExperiment(await mustGet(ctx, id));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: "Deletes a finished, failed, cancelled or queued experiment with its predictions and run directory.",
  })
  async deleteExperiment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const row = await mustGet(ctx, id);
    if (row.status === "QUEUED") await ctx.services.store.experiments.requestCancel(id);
    const deleted = await ctx.services.store.experiments.delete(id);
    if (!deleted) {
      throw new GraphQLError(`experiment "${id}" is running; cancel it first`, { extensions: { code: "CONFLICT" } });
    }
    const runs = path.join(ctx.services.config.home, "runs");
    if (path.resolve(row.run_dir).startsWith(runs + path.sep)) rmSync(row.run_dir, { recursive: true, force: true });
    return true;
  }

  @Authorized()
  @Mutation(() => Experiment)
  async tagExperiment(
    @Arg("id", () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg("add", () => [String], { defaultValue: [] }) add: string[],
    @Arg("remove", () => [String], { defaultValue: [] }) remove: string[],
    @Arg("notes", () => String, { nullable: true }) notes: string | null,
  ): Promise<Experiment> {
    await mustGet(ctx, id);
    checkTags(add, "add");
    if (notes != null && notes.length > 10_000) throw badInput("notes", "at most 10,000 characters");
    await ctx.services.store.experiments.retag(id, add, remove, notes ?? null);
    return toExperiment(await mustGet(ctx, id));
  }

  @Subscription(() => Experiment, {
    description: "The experiment now and after every change (stage progress, metrics, status) until it ends.",
    subscribe: ({ args, context }) => progressOf(context as Context, args.id as string, 200),
  })
  experimentProgress(@Root() payload: Experiment, @Arg("id", () => ID) _id: string): Experiment {
    return payload;
  }
}
