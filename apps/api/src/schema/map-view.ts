/**
 * mapView: the error map's view of a filter — its predictions as points when the tiles it touches
 * hold at most the budget, else every one of them counted in bins of a Web Mercator grid (the
 * store's map-views.ts decides and computes; @geor/geo/map-grid defines the grid and tiles).
 */
import { THRESHOLDS_KM, type ThresholdKm } from "@geor/geo/constants";
import { GRID_MAX_LEVEL, GRID_MIN_LEVEL, LEVELS_ABOVE_ZOOM, TILE_SHIFT, viewTiles } from "@geor/geo/map-grid";
import { Arg, Ctx, Field, Float, InputType, Int, ObjectType, Query, Resolver, registerEnumType } from "type-graphql";
import type { MapBinColumns } from "../store/index.ts";
import { badInput, enumOf } from "./common.ts";
import type { Context } from "./context.ts";
import { BoundsInput, checkBounds, checkFilter, PredictionFilter } from "./prediction-filter.ts";
import { base64LE, MAX_PREDICTION_POINTS, PredictionPoints, packPoints } from "./prediction-points.ts";

export const MapViewModeEnum = enumOf(["POINTS", "BINS"] as const);
registerEnumType(MapViewModeEnum, {
  name: "MapViewMode",
  description: "POINTS: the view's predictions one by one; BINS: counted in grid cells (more than the budget).",
});

const GRID = `The grid: level L has 2^L × 2^L Web Mercator cells over the world (rows from the north, latitudes beyond ±85.0511° in the first and last row); a view of zoom z is binned at level round(z) + ${LEVELS_ABOVE_ZOOM}, clamped to [${GRID_MIN_LEVEL}, ${GRID_MAX_LEVEL}] (cells of 11–23 px of deck.gl's 512-px world)`;
const TILES = `A response covers the tiles the view touches: the cells of level L − ${TILE_SHIFT} (16 × 16 bins each), so views touching the same tiles get the same (cached) answer; ask with a tile-aligned view (\`covered\`) to reuse one`;

@InputType({ description: `A map view: its bounds and zoom. ${GRID}. ${TILES}.` })
export class MapViewInput {
  @Field(() => BoundsInput, { description: "The visible area (deck.gl's viewport bounds, unwrapped or not)." })
  bounds!: BoundsInput;
  @Field(() => Float, { description: "deck.gl's Web Mercator zoom of the view." }) zoom!: number;
}

@ObjectType({ description: "An area in degrees (west > east when it crosses the antimeridian)." })
export class Bounds {
  @Field(() => Float) west!: number;
  @Field(() => Float) south!: number;
  @Field(() => Float) east!: number;
  @Field(() => Float) north!: number;
}

@ObjectType({
  description:
    "Bins as columns, each base64 of a little-endian typed array of `count` rows, by row of the grid from the north, " +
    "then west to east. Every prediction with a coordinate in the covered tiles is in exactly one bin.",
})
export class MapBins {
  @Field(() => Int, { description: "The grid level: the world is 2^level × 2^level Web Mercator cells." })
  level!: number;
  @Field(() => Int, { description: "Bins in the response." }) count!: number;
  @Field(() => String, {
    description:
      "Float32: west, south, east, north of each bin (4 a bin), exact: as a filter's bounds they select exactly the bin's predictions.",
  })
  bounds!: string;
  @Field(() => String, { description: "Int32: predictions per bin." }) counts!: string;
  @Field(() => String, { description: "Float32: mean of log10(max(errorKm, 0.001)) over the bin's predictions." })
  meanLogErrorKm!: string;
  @Field(() => String, { description: "Float32: the share of the bin's predictions with errorKm ≤ thresholdKm." })
  accuracy!: string;
  @Field(() => String, { description: "Int32: the id of the bin's largest error (the smallest id among equal ones)." })
  worstIds!: string;
}

@ObjectType({ description: `The error map's view of a filter's predictions that have a coordinate. ${TILES}.` })
export class MapView {
  @Field(() => MapViewModeEnum) mode!: keyof typeof MapViewModeEnum;
  @Field(() => Int, { description: "Predictions with a coordinate in the covered tiles, every one counted." })
  total!: number;
  @Field(() => Int, { description: "Up to this many predictions come as points." }) budget!: number;
  @Field(() => Int, { description: "The grid level of the view (the bins' level in mode BINS)." }) level!: number;
  @Field(() => Bounds, { description: "The tiles the response covers: the view snapped outward to tiles." })
  covered!: Bounds;
  @Field(() => PredictionPoints, {
    nullable: true,
    description: "Mode POINTS: every prediction in the covered tiles, packed as predictionPoints packs them.",
  })
  points!: PredictionPoints | null;
  @Field(() => MapBins, { nullable: true, description: "Mode BINS." }) bins!: MapBins | null;
}

function packBins(b: MapBinColumns): MapBins {
  return {
    level: b.level,
    count: b.count,
    bounds: base64LE(b.bounds),
    counts: base64LE(b.counts),
    meanLogErrorKm: base64LE(b.meanLogErrorKm),
    accuracy: base64LE(b.accuracy),
    worstIds: base64LE(b.worstIds),
  };
}

@Resolver()
export class MapViewResolver {
  @Query(() => MapView, {
    description: `The view's predictions as points when the tiles it touches hold at most budget (≤ ${MAX_PREDICTION_POINTS.toLocaleString("en-US")}), else all of them in bins at the view's level. ${GRID}. Only predictions with a coordinate are on the map.`,
  })
  async mapView(
    @Ctx() ctx: Context,
    @Arg("filter", () => PredictionFilter) filter: PredictionFilter,
    @Arg("view", () => MapViewInput) view: MapViewInput,
    @Arg("thresholdKm", () => Float, {
      defaultValue: 750,
      description: `The bins' accuracy threshold: one of ${THRESHOLDS_KM.join(", ")} km.`,
    })
    thresholdKm: number,
    @Arg("budget", () => Int, { defaultValue: 20_000 }) budget: number,
  ): Promise<MapView> {
    const f = checkFilter(filter);
    const bounds = checkBounds(view.bounds, "view.bounds");
    if (!Number.isFinite(view.zoom)) throw badInput("view.zoom", `${view.zoom} is not a finite number`);
    if (!(THRESHOLDS_KM as readonly number[]).includes(thresholdKm))
      throw badInput("thresholdKm", `must be one of ${THRESHOLDS_KM.join(", ")}, got ${thresholdKm}`);
    if (!Number.isInteger(budget) || budget < 0 || budget > MAX_PREDICTION_POINTS)
      throw badInput("budget", `must be an integer in [0, ${MAX_PREDICTION_POINTS}], got ${budget}`);
    const { level, tiles } = viewTiles(bounds, view.zoom);
    const v = await ctx.services.store.mapViews.view({
      filter: f,
      level,
      tiles,
      thresholdKm: thresholdKm as ThresholdKm,
      budget,
    });
    return {
      mode: v.mode,
      total: v.total,
      budget,
      level: v.level,
      covered: v.covered,
      points: v.points ? packPoints(v.points, { ...f, parsed: true }, v.total) : null,
      bins: v.bins ? packBins(v.bins) : null,
    };
  }
}
