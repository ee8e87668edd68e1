/** Prediction: filtered keyset pages, and the aggregates (histogram, thresholds, per country, comparison), all in SQL. */
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import {
  type CountryRow,
  compareBreakdowns,
  type PredictionRow,
  type AccuracySummary as StoreSummary,
} from "../store/index.ts";
import { CursorError, PREDICTION_ORDERS, type PredictionFilter as StoreFilter } from "../store/types.ts";
import {
  badInput,
  Connection,
  enumOf,
  notFound,
  PredictedRegion,
  pageInfo,
  pageSize,
  Region,
  ThresholdAccuracy,
} from "./common.ts";
import type { Context } from "./context.ts";
import { Sample, toSample } from "./dataset.ts";
import { checkFilter, PLACE_WAS_CITY, PredictionFilter } from "./prediction-filter.ts";
import { StatedChain, StatedHits, StatedLevelAccuracy, type UnresolvedNames } from "./stated-chain.ts";

export const PredictionOrderEnum = enumOf(PREDICTION_ORDERS);
registerEnumType(PredictionOrderEnum, { name: "PredictionOrder" });

@ObjectType()
export class TrueChain {
  @Field(() => Float) lat!: number;
  @Field(() => Float) lon!: number;
  @Field(() => String, { nullable: true }) continent!: string | null;
  @Field(() => Region, { nullable: true }) country!: Region | null;
  @Field(() => Region, { nullable: true }) admin1!: Region | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => Int) cell!: number;
}

@ObjectType()
export class PredictedChain {
  @Field(() => PredictedRegion, { nullable: true }) country!: PredictedRegion | null;
  @Field(() => PredictedRegion, { nullable: true }) admin1!: PredictedRegion | null;
  @Field(() => PredictedRegion, { nullable: true, description: "The place (geocell); code is its cell id." })
  place!: PredictedRegion | null;
  @Field(() => Float, { nullable: true, description: "Null when an answer had no readable coordinate." })
  lat!: number | null;
  @Field(() => Float, { nullable: true }) lon!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "Probability of the whole chain (an external run: the confidence it sent).",
  })
  confidence!: number | null;
}

@ObjectType()
export class LevelHits {
  @Field(() => Boolean) country!: boolean;
  @Field(() => Boolean) admin1!: boolean;
  @Field(() => Boolean, { description: "The predicted place is the true geocell (and country and admin-1 are right)." })
  place!: boolean;
  @Field(() => Boolean, { deprecationReason: PLACE_WAS_CITY })
  city!: boolean;
}

@ObjectType()
export class Prediction {
  @Field(() => ID) id!: string;
  @Field(() => ID) experimentId!: string;
  @Field(() => String) sampleId!: string;
  @Field(() => String) split!: string;
  @Field(() => TrueChain) trueChain!: TrueChain;
  @Field(() => PredictedChain) predictedChain!: PredictedChain;
  @Field(() => Float, { description: "Great-circle km; an unparsed answer counts as the farthest, 20,015 km." })
  errorKm!: number;
  @Field(() => LevelHits, {
    description: "The predicted chain (for a coordinate: the chain it lies in) against the truth.",
  })
  hits!: LevelHits;
  @Field(() => String, { nullable: true, description: "An external run's raw answer." }) answer!: string | null;
  @Field(() => Boolean, { description: "False when the answer had no readable coordinate: a miss everywhere." })
  parsed!: boolean;
  @Field(() => StatedChain, { nullable: true, description: "The chain the answer states; null when it states none." })
  statedChain!: StatedChain | null;
  @Field(() => StatedHits, { nullable: true }) statedHits!: StatedHits | null;
  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the coordinate lies in the stated country; null unless both are there.",
  })
  consistent!: boolean | null;
}

@ObjectType()
export class PredictionConnection extends Connection("Prediction", Prediction) {
  /** Counted only when asked for. */
  filter!: StoreFilter;
}

@ObjectType()
export class ErrorBin {
  @Field(() => Float) loKm!: number;
  @Field(() => Float) hiKm!: number;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class LevelAccuracy {
  @Field(() => Float) country!: number;
  @Field(() => Float) admin1!: number;
  @Field(() => Float, { description: "The share whose predicted geocell is the true one." })
  place!: number;
  @Field(() => Float, { deprecationReason: PLACE_WAS_CITY })
  city!: number;
}

@ObjectType({ description: "The standard metric table over the filtered predictions." })
export class AccuracySummary {
  @Field(() => Int) n!: number;
  @Field(() => Float, { nullable: true }) medianKm!: number | null;
  @Field(() => Float, { nullable: true }) meanKm!: number | null;
  @Field(() => Float, { nullable: true, description: "Mean of 5000·exp(−km/1492.7)." }) geoScore!: number | null;
  @Field(() => [ThresholdAccuracy], { description: "At 1, 25, 200, 750 and 2500 km." })
  thresholds!: ThresholdAccuracy[];
  @Field(() => LevelAccuracy) levels!: LevelAccuracy;
  @Field(() => Int, { description: "Answers with no readable coordinate (counted as misses)." }) unparsed!: number;
  @Field(() => StatedLevelAccuracy, { nullable: true, description: "Null when no prediction states a chain." })
  statedLevels!: StatedLevelAccuracy | null;
  @Field(() => Float, {
    nullable: true,
    description:
      "Among predictions that state a country and give a coordinate, the share whose coordinate lies in that country.",
  })
  consistency!: number | null;
}

@ObjectType()
export class CountryStats {
  @Field(() => String, { description: "True country iso2, empty for open water." }) iso2!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) n!: number;
  @Field(() => Float) medianKm!: number;
  @Field(() => Float) meanKm!: number;
  @Field(() => [ThresholdAccuracy]) thresholds!: ThresholdAccuracy[];
  @Field(() => Float, { description: "Fraction with the right predicted country." }) countryAccuracy!: number;
}

@ObjectType()
export class ThresholdDelta {
  @Field(() => Float) km!: number;
  @Field(() => Float, { nullable: true }) a!: number | null;
  @Field(() => Float, { nullable: true }) b!: number | null;
  @Field(() => Float, { nullable: true, description: "b − a" }) delta!: number | null;
}

@ObjectType({
  description: "One true country in both experiments; deltas are b − a (null where one has no prediction there).",
})
export class CountryDelta {
  @Field(() => String) iso2!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) nA!: number;
  @Field(() => Int) nB!: number;
  @Field(() => Float, { nullable: true }) medianKmA!: number | null;
  @Field(() => Float, { nullable: true }) medianKmB!: number | null;
  @Field(() => Float, { nullable: true }) deltaMedianKm!: number | null;
  @Field(() => [ThresholdDelta]) thresholds!: ThresholdDelta[];
}

@ObjectType()
export class ExperimentComparison {
  @Field(() => AccuracySummary) a!: AccuracySummary;
  @Field(() => AccuracySummary) b!: AccuracySummary;
  @Field(() => [CountryDelta], { description: "Countries by combined sample count." }) countries!: CountryDelta[];
}

function toPrediction(r: PredictionRow): Prediction {
  const region = (code: string | null, name: string | null) => (name !== null ? { code, name } : null);
  const predicted = (code: string | null, name: string | null, p: number | null) =>
    name !== null ? { code, name, probability: p } : null;
  return {
    id: String(r.id),
    experimentId: r.experiment_id,
    sampleId: r.sample_id,
    split: r.split,
    trueChain: {
      lat: r.true_lat,
      lon: r.true_lon,
      continent: r.true_continent,
      country: region(r.true_country, r.true_country_name),
      admin1: region(r.true_admin1, r.true_admin1_name),
      city: r.true_city,
      cell: r.true_cell,
    },
    predictedChain: {
      country: predicted(r.pred_country, r.pred_country_name, r.pred_country_p),
      admin1: predicted(r.pred_admin1, r.pred_admin1_name, r.pred_admin1_p),
      place: predicted(r.pred_cell !== null ? String(r.pred_cell) : null, r.pred_place_name, r.pred_place_p),
      lat: r.pred_lat,
      lon: r.pred_lon,
      confidence: r.confidence,
    },
    errorKm: r.error_km,
    hits: {
      country: r.hit_country === 1,
      admin1: r.hit_admin1 === 1,
      place: r.hit_place === 1,
      city: r.hit_place === 1,
    },
    answer: r.answer,
    parsed: r.parsed === 1,
    statedChain: statedChainOf(r),
    statedHits:
      r.stated_hit_country === null
        ? null
        : { country: r.stated_hit_country === 1, admin1: r.stated_hit_admin1 === 1, city: r.stated_hit_city === 1 },
    consistent: r.consistent === null ? null : r.consistent === 1,
  };
}

function statedChainOf(r: PredictionRow): StatedChain | null {
  if (r.stated_hit_country === null) return null;
  const unresolved = r.stated_unresolved ? (JSON.parse(r.stated_unresolved) as Partial<UnresolvedNames>) : {};
  const region = (code: string | null, name: string | null) => (name !== null ? { code, name } : null);
  return {
    country: region(r.stated_country, r.stated_country_name),
    admin1: region(r.stated_admin1, r.stated_admin1_name),
    city: region(r.stated_city, r.stated_city_name),
    unresolved: {
      country: unresolved.country ?? null,
      admin1: unresolved.admin1 ?? null,
      city: unresolved.city ?? null,
    },
  };
}

function toSummary(s: StoreSummary): AccuracySummary {
  return {
    n: s.n,
    medianKm: s.medianKm,
    meanKm: s.meanKm,
    geoScore: s.geoScore,
    thresholds: s.accuracy,
    levels: { ...s.levels, city: s.levels.place },
    unparsed: s.unparsed,
    statedLevels: s.statedLevels,
    consistency: s.consistency,
  };
}

function toCountry(c: CountryRow): CountryStats {
  return { ...c, thresholds: c.accuracy };
}

@Resolver(() => PredictionConnection)
export class PredictionConnectionResolver {
  @FieldResolver(() => Int, {
    description: "Predictions matching the filter (one COUNT query, run only when asked for).",
  })
  totalCount(@Root() c: PredictionConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.store.predictions.count(c.filter);
  }

  @Query(() => PredictionConnection, {
    description: "Filtered predictions of one experiment, a keyset page at a time.",
    complexity: ({ args, childComplexity }) => 1 + (args.first ?? 20) * childComplexity,
  })
  async predictions(
    @Ctx() ctx: Context,
    @Arg("filter", () => PredictionFilter) filter: PredictionFilter,
    @Arg("orderBy", () => PredictionOrderEnum, { defaultValue: "ID" }) orderBy: "ID" | "ERROR_ASC" | "ERROR_DESC",
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<PredictionConnection> {
    const f = checkFilter(filter);
    const n = pageSize(first, ctx.services.config.maxPageSize);
    try {
      const page = await ctx.services.store.predictions.page(f, orderBy, n, after);
      return {
        edges: page.items.map((r, i) => ({ cursor: page.cursors[i], node: toPrediction(r) })),
        pageInfo: pageInfo(page.cursors, page.hasNextPage, after),
        filter: f,
      };
    } catch (err) {
      if (err instanceof CursorError) throw badInput("after", err.message);
      throw err;
    }
  }
}

@Resolver()
export class PredictionResolver {
  @Query(() => Prediction, { nullable: true })
  async prediction(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Prediction | null> {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 1) throw badInput("id", `"${id}" is not a prediction id`);
    const row = await ctx.services.store.predictions.get(n);
    return row ? toPrediction(row) : null;
  }

  @Query(() => [ErrorBin], {
    description:
      "Counts in log-spaced error bins (binsPerDecade per factor of 10); errors below minKm share the first bin.",
  })
  errorHistogram(
    @Ctx() ctx: Context,
    @Arg("filter", () => PredictionFilter) filter: PredictionFilter,
    @Arg("binsPerDecade", () => Int, { defaultValue: 4 }) binsPerDecade: number,
    @Arg("minKm", () => Float, { defaultValue: 1 }) minKm: number,
  ): Promise<ErrorBin[]> {
    if (binsPerDecade < 1 || binsPerDecade > 20) throw badInput("binsPerDecade", "must be in [1, 20]");
    if (!(minKm >= 0.001 && minKm <= 1000)) throw badInput("minKm", "must be in [0.001, 1000]");
    return ctx.services.store.predictions.errorHistogram(checkFilter(filter), binsPerDecade, minKm);
  }

  @Query(() => AccuracySummary)
  async accuracyAtThresholds(
    @Ctx() ctx: Context,
    @Arg("filter", () => PredictionFilter) filter: PredictionFilter,
  ): Promise<AccuracySummary> {
    return toSummary(await ctx.services.store.predictions.summary(checkFilter(filter)));
  }

  @Query(() => [CountryStats], {
    description: "Per true country: n, median km, accuracy per threshold. Largest first.",
  })
  async countryBreakdown(
    @Ctx() ctx: Context,
    @Arg("filter", () => PredictionFilter) filter: PredictionFilter,
  ): Promise<CountryStats[]> {
    return (await ctx.services.store.predictions.countryBreakdown(checkFilter(filter))).map(toCountry);
  }

  @Query(() => ExperimentComparison, {
    description: "Experiment b against a on the same split: overall and per true country (b − a).",
  })
  async compareExperiments(
    @Ctx() ctx: Context,
    @Arg("a", () => ID) a: string,
    @Arg("b", () => ID) b: string,
    @Arg("split", () => String, { nullable: true }) split: string | null,
  ): Promise<ExperimentComparison> {
    for (const [field, id] of [
      ["a", a],
      ["b", b],
    ] as const) {
      if (!(await ctx.services.store.experiments.get(id))) throw notFound(`experiment (${field})`, id);
    }
    const fa = checkFilter({ experimentId: a, split });
    const fb = checkFilter({ experimentId: b, split });
    const preds = ctx.services.store.predictions;
    const [sa, sb, ca, cb] = await Promise.all([
      preds.summary(fa),
      preds.summary(fb),
      preds.countryBreakdown(fa),
      preds.countryBreakdown(fb),
    ]);
    return { a: toSummary(sa), b: toSummary(sb), countries: compareBreakdowns(ca, cb) };
  }
}

@Resolver(() => Prediction)
export class PredictionSampleResolver {
  @FieldResolver(() => Sample, {
    nullable: true,
    description:
      "The predicted sample (thumbnail, image path, chain); null once its dataset is gone or rebuilt without it.",
  })
  async sample(@Root() prediction: Prediction, @Ctx() ctx: Context): Promise<Sample | null> {
    const experiment = await ctx.services.store.experiments.get(prediction.experimentId);
    const view = experiment ? ctx.services.datasets.get(experiment.dataset) : null;
    if (!view) return null;
    const index = ctx.services.datasets.indexOf(view, prediction.sampleId);
    return index < 0 ? null : toSample(ctx, view, view.samples[index], index);
  }
}
