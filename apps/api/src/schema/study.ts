/** Study: arms × seeds as one object — its runs, status and paired comparisons; create/cancel/extend; Experiment.study. */
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
} from "type-graphql";
import type { StudySummary } from "../services/studies.ts";
import { studyComparisons, studyStatus } from "../services/study-results.ts";
import type { ExperimentRow } from "../store/index.ts";
import { type Context, callerName } from "./context.ts";
import { Experiment, ExperimentStatusEnum, toExperiment } from "./experiment.ts";

@InputType()
export class StudyArmInput {
  @Field(() => String, { description: "1–40 letters, digits or . _ -; unique in the study." }) name!: string;
  @Field(() => GraphQLJSON, {
    description:
      "An experiment config (as createExperiment takes), without train.seed / rl.seed (the study's seeds) and, under a budget, without train.steps / epochs.",
  })
  config!: unknown;
}

@InputType({
  description:
    "Equal compute for every arm: the CoR chain trains sftSteps SFT steps, every other head the steps that cost the same at stepCost (each head's step cost relative to the chain's, as `geor ablate --budget-clock steps` measures it; absent: equal steps).",
})
export class StudyBudgetInput {
  @Field(() => Int) sftSteps!: number;
  @Field(() => GraphQLJSON, { nullable: true, description: 'e.g. { "flat": 0.95, "regress": 0.9 }' })
  stepCost?: Record<string, number> | null;
}

@InputType()
export class CreateStudyInput {
  @Field(() => String, { description: "1–58 letters, digits or . _ -; unique. Its runs are tagged study:<name>." })
  name!: string;
  @Field(() => String, { description: "A dataset name under $GEOR_HOME/datasets." }) dataset!: string;
  @Field(() => [StudyArmInput]) arms!: StudyArmInput[];
  @Field(() => [Int], { description: "One run per arm and seed; each run's train.seed (and rl.seed) is its seed." })
  seeds!: number[];
  @Field(() => String, { nullable: true, description: "The arm every other is compared with (default: the first)." })
  control?: string | null;
  @Field(() => [String], { nullable: true, description: "Tags of the study, given to each of its runs." })
  tags?: string[] | null;
  @Field(() => StudyBudgetInput, {
    nullable: true,
    description: "The budget rule; without it every arm states config.train.steps itself.",
  })
  budget?: StudyBudgetInput | null;
}

@ObjectType()
export class StudyRun {
  @Field(() => String) arm!: string;
  @Field(() => Int) seed!: number;
  @Field(() => Experiment) experiment!: Experiment;
}

@ObjectType({
  description:
    "An arm against the control on one metric, over the seeds where both runs SUCCEEDED: the differences arm − control (accuracies in percentage points), their mean, sample std, paired t and two-sided p, and the seeds in which the arm is better — core's compareMetrics, the numbers `geor ablate` reports.",
})
export class StudyComparison {
  @Field(() => String) arm!: string;
  @Field(() => String) control!: string;
  @Field(() => String, { description: "medianKm, acc@1 … acc@2500, country, admin1, place, geoScore" })
  metric!: string;
  @Field(() => String, { description: "How a table heads it (median km, admin-1, GeoScore, …)." }) label!: string;
  @Field(() => String, { description: "Unit of the differences: km, pp or points." }) unit!: string;
  @Field(() => Boolean) higherIsBetter!: boolean;
  @Field(() => Int, { description: "Seeds compared." }) n!: number;
  @Field(() => Float) meanDelta!: number;
  @Field(() => Float, { nullable: true, description: "null below two pairs" }) stdDelta!: number | null;
  @Field(() => Float, { nullable: true, description: "null below two pairs or when the differences do not vary" })
  t!: number | null;
  @Field(() => Float, { nullable: true }) p!: number | null;
  @Field(() => Int, { description: "Seeds (of n) in which the arm is better." }) ahead!: number;
  @Field(() => [Int], { description: "The seeds compared." }) seeds!: number[];
  @Field(() => [Int], { description: "The study's seeds not compared: a run of the pair has not succeeded." })
  missingSeeds!: number[];
  @Field(() => String, { nullable: true, description: "Which pairs are left out and why; null when none is." })
  note!: string | null;
}

@ObjectType({ description: "An arm as the study runs it." })
export class StudyArm {
  @Field(() => String) name!: string;
  @Field(() => String, { description: "chain, flat or regress" }) head!: string;
  @Field(() => Int, { description: "Its SFT steps (the budget's price of its head, or its own train.steps)." })
  sftSteps!: number;
  @Field(() => GraphQLJSON, { description: "Its config as given (each run's adds the steps and its seed)." })
  config!: unknown;
}

@ObjectType()
export class StudyBudget {
  @Field(() => Int, { description: "SFT steps of the CoR chain." }) sftSteps!: number;
  @Field(() => GraphQLJSON, { description: "Each arm's head's step cost relative to the chain's (chain 1)." })
  stepCost!: unknown;
}

@ObjectType({ description: "How many of a study's runs are in each status." })
export class StudyRunCounts {
  @Field(() => Int) queued!: number;
  @Field(() => Int) running!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int) total!: number;
}

@ObjectType({
  description:
    "Arms × seeds run as ordinary experiments (tagged study:<name>). RUNNING while any run is queued or running; then CANCELLED (cancelStudy), FAILED (a run failed), CANCELLED (a run was cancelled) or SUCCEEDED.",
})
export class Study {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) dataset!: string;
  @Field(() => ExperimentStatusEnum) status!: string;
  @Field(() => String) control!: string;
  @Field(() => [String], { description: "Arm names in the order given." }) arms!: string[];
  @Field(() => [Int], { description: "The seeds its runs have, ascending (extendStudy adds)." }) seeds!: number[];
  @Field(() => [StudyArm]) armConfigs!: StudyArm[];
  @Field(() => StudyBudget, { nullable: true, description: "null: each arm stated its own train.steps." })
  budget!: StudyBudget | null;
  @Field(() => StudyRunCounts) runCounts!: StudyRunCounts;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) createdBy!: string | null;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true, description: "When cancelStudy was called." }) cancelledAt!: string | null;
  /** Loaded once per object for `runs` and `comparisons`. */
  runRows?: Promise<ExperimentRow[]>;
}

export function toStudy(s: StudySummary): Study {
  const c = s.counts;
  return {
    id: s.row.id,
    name: s.row.name,
    dataset: s.row.dataset,
    status: studyStatus(c, s.row.cancelled_at !== null),
    control: s.row.control,
    arms: s.arms.map((a) => a.name),
    seeds: s.seeds,
    armConfigs: s.arms.map((a) => ({ name: a.name, head: a.head, sftSteps: a.sftSteps, config: a.config })),
    budget: s.row.budget === null ? null : (JSON.parse(s.row.budget) as StudyBudget),
    runCounts: {
      queued: c.QUEUED,
      running: c.RUNNING,
      succeeded: c.SUCCEEDED,
      failed: c.FAILED,
      cancelled: c.CANCELLED,
      total: c.QUEUED + c.RUNNING + c.SUCCEEDED + c.FAILED + c.CANCELLED,
    },
    tags: JSON.parse(s.row.tags) as string[],
    createdBy: s.row.created_by,
    createdAt: s.row.created_at,
    cancelledAt: s.row.cancelled_at,
  };
}

const runsOf = (s: Study, ctx: Context) => {
  s.runRows ??= ctx.services.studies.runs(s.id);
  return s.runRows;
};

@Resolver(() => Study)
export class StudyResolver {
  @Query(() => Study, { nullable: true })
  async study(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Study | null> {
    const s = await ctx.services.studies.get(id);
    return s ? toStudy(s) : null;
  }

  @Query(() => [Study], {
    description: "Newest first; after: the id of the previous page's last study.",
    complexity: ({ args, childComplexity }) => 1 + (args.first ?? 20) * childComplexity,
  })
  async studies(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<Study[]> {
    const { page } = await ctx.services.studies.list(first, after);
    return page.items.map(toStudy);
  }

  @FieldResolver(() => [StudyRun], {
    description: "Seed by seed, each seed's arms in the order given.",
    complexity: ({ childComplexity }) => 10 * childComplexity,
  })
  async runs(@Root() s: Study, @Ctx() ctx: Context): Promise<StudyRun[]> {
    const rows = await runsOf(s, ctx);
    const position = (arm: string | null) => s.arms.indexOf(arm ?? "");
    return [...rows]
      .sort((a, b) => (a.study_seed ?? 0) - (b.study_seed ?? 0) || position(a.study_arm) - position(b.study_arm))
      .map((r) => ({ arm: r.study_arm ?? "", seed: r.study_seed ?? 0, experiment: toExperiment(r) }));
  }

  @FieldResolver(() => [StudyComparison], {
    description:
      "Every arm but the control against the control, on every compared metric (none before a pair finished).",
    complexity: 5,
  })
  async comparisons(@Root() s: Study, @Ctx() ctx: Context): Promise<StudyComparison[]> {
    return studyComparisons(s.arms, s.control, s.seeds, await runsOf(s, ctx));
  }

  @Mutation(() => Study, {
    description:
      "Validates every arm (naming the arm and the field) and the design before anything is stored, then queues one experiment per arm × seed.",
  })
  async createStudy(
    @Arg("input", () => CreateStudyInput) input: CreateStudyInput,
    @Ctx() ctx: Context,
  ): Promise<Study> {
    return toStudy(await ctx.services.studies.create(input, callerName(ctx)));
  }

  @Mutation(() => Study, { description: "Cancels every queued run at once; running ones stop within seconds." })
  async cancelStudy(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Study> {
    return toStudy(await ctx.services.studies.cancel(id));
  }

  @Mutation(() => Study, {
    description: "Adds seeds not yet in the study (one run per arm each); the comparison pools them with the others.",
  })
  async extendStudy(
    @Arg("id", () => ID) id: string,
    @Arg("seeds", () => [Int]) seeds: number[],
    @Ctx() ctx: Context,
  ): Promise<Study> {
    return toStudy(await ctx.services.studies.extend(id, seeds));
  }
}

@Resolver(() => Experiment)
export class ExperimentStudyResolver {
  @FieldResolver(() => Study, { nullable: true, description: "The study it is a run of." })
  async study(@Root() e: Experiment, @Ctx() ctx: Context): Promise<Study | null> {
    if (!e.studyId) return null;
    const s = await ctx.services.studies.get(e.studyId);
    return s ? toStudy(s) : null;
  }
}
