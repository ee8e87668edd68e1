/**
 * predictionPoints: the map's columns of up to 200,000 filtered predictions in one response,
 * each a base64 string of a little-endian typed array (a map needs no object per prediction).
 */
import { endianness } from "node:os";
import { Arg, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { PredictionFilter as StoreFilter } from "../store/types.ts";
import { badInput } from "./common.ts";
import type { Context } from "./context.ts";
import { checkFilter, PredictionFilter } from "./prediction.ts";

/** Default and largest `limit` of predictionPoints. */
export const MAX_PREDICTION_POINTS = 200_000;

@ObjectType({
  description:
    "Predictions as columns in id order. Each column is base64 of a little-endian typed array of `count` rows " +
    "(two values a row for positions): decode with e.g. new Float32Array(bytes.buffer).",
})
export class PredictionPoints {
  @Field(() => Int, { description: "Rows in each column." }) count!: number;
  @Field(() => Boolean, { description: "More predictions match: ask again with `after` set to the last id." })
  truncated!: boolean;
  @Field(() => String, { description: "Int32: prediction ids, ascending." }) ids!: string;
  @Field(() => String, { description: "Float32: lon, lat of each true location, interleaved." })
  truePositions!: string;
  @Field(() => String, { description: "Float32: lon, lat of each predicted location, interleaved." })
  predictedPositions!: string;
  @Field(() => String, { description: "Float32: great-circle error in km." }) errorKm!: string;
  /** Counted only when asked for. */
  filter!: StoreFilter;
}

/** Base64 of a typed array's bytes in little-endian order, whatever the host's order. */
function base64LE(a: Int32Array | Float32Array): string {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return (endianness() === "LE" ? bytes : Buffer.from(bytes).swap32()).toString("base64");
}

@Resolver(() => PredictionPoints)
export class PredictionPointsResolver {
  @FieldResolver(() => Int, {
    description:
      "Predictions matching the filter, whatever limit and after (one COUNT query, run only when asked for).",
  })
  totalCount(@Root() p: PredictionPoints, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.store.predictions.count(p.filter);
  }

  @Query(() => PredictionPoints, {
    description: `The map's columns of the filtered predictions that have a coordinate, at most limit (≤ ${MAX_PREDICTION_POINTS.toLocaleString("en-US")}) in one response; larger sets come in chunks through after.`,
  })
  async predictionPoints(
    @Ctx() ctx: Context,
    @Arg("filter", () => PredictionFilter) filter: PredictionFilter,
    @Arg("limit", () => Int, { defaultValue: MAX_PREDICTION_POINTS }) limit: number,
    @Arg("after", () => ID, { nullable: true, description: "Only predictions with a larger id." })
    after: string | null | undefined,
  ): Promise<PredictionPoints> {
    // Only predictions with a coordinate have a point: an unreadable answer has none (so a filter
    // on unreadable answers, parsed: false, matches no point).
    const f = { ...checkFilter(filter), located: true };
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PREDICTION_POINTS)
      throw badInput("limit", `must be an integer in [1, ${MAX_PREDICTION_POINTS}], got ${limit}`);
    // An omitted argument arrives as undefined, an explicit null as null.
    if (after != null && !/^\d{1,15}$/.test(after)) throw badInput("after", `"${after}" is not a prediction id`);
    const c = await ctx.services.store.predictionPoints.read(f, limit, after == null ? null : Number(after));
    return {
      count: c.count,
      truncated: c.truncated,
      ids: base64LE(c.ids),
      truePositions: base64LE(c.truePositions),
      predictedPositions: base64LE(c.predictedPositions),
      errorKm: base64LE(c.errorKm),
      filter: f,
    };
  }
}
