/** The prediction filter every prediction query takes, and the bounds it (and the map) takes, with their checks. */
import { SPLITS } from "@geor/core";
import type { Bounds } from "@geor/geo/map-grid";
import { Field, Float, ID, InputType, registerEnumType } from "type-graphql";
import { LEVELS, type PredictionFilter as StoreFilter } from "../store/types.ts";
import { badInput, enumOf } from "./common.ts";

export const PLACE_WAS_CITY =
  "Use place: the same geocell level under its old name (city now means the Chain of Region's named town).";

/** The filter's levels, and CITY: the place level's old name, still accepted (deprecated). */
export const LevelEnum = enumOf([...LEVELS, "CITY"] as const);
registerEnumType(LevelEnum, {
  name: "Level",
  description: "A scored chain level: country, admin-1 (province/state), place (the geocell).",
  valuesConfig: { CITY: { deprecationReason: PLACE_WAS_CITY } },
});

@InputType({
  description:
    "An area in degrees: south ≤ lat < north and west ≤ lon < east, the way the map's bins are, so a bin's bounds " +
    "select exactly its predictions. west > east crosses the antimeridian; longitudes outside ±180 are wrapped and a " +
    "span of 360° or more is every longitude; an east of 180 takes 180 itself. A north (south) at or beyond the map " +
    "grid's edge, ±85.0511322°, reaches the pole. The map shows predictions with a coordinate only: with parsed: true, " +
    "a bin's bounds select exactly the predictions it counts.",
})
export class BoundsInput {
  @Field(() => Float) west!: number;
  @Field(() => Float) south!: number;
  @Field(() => Float) east!: number;
  @Field(() => Float) north!: number;
}

@InputType()
export class PredictionFilter {
  @Field(() => ID) experimentId!: string;
  @Field(() => String, { nullable: true, description: "train | val | test" }) split?: string | null;
  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 of the true country" }) trueCountry?:
    | string
    | null;
  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 of the predicted country" })
  predictedCountry?: string | null;
  @Field(() => Float, { nullable: true }) minErrorKm?: number | null;
  @Field(() => Float, { nullable: true }) maxErrorKm?: number | null;
  @Field(() => LevelEnum, {
    nullable: true,
    description: "With hit: keep predictions right (hit: true) or wrong (false) at this level.",
  })
  level?: keyof typeof LevelEnum | null;
  @Field(() => Boolean, { nullable: true }) hit?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: "Keep answers with (true) or without (false) a readable coordinate.",
  })
  parsed?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: "Keep predictions whose coordinate lies in their stated country (true) or not (false).",
  })
  consistent?: boolean | null;
  @Field(() => BoundsInput, {
    nullable: true,
    description:
      "Keep predictions whose true location lies inside (with parsed: true and a map bin's bounds: exactly its predictions).",
  })
  bounds?: BoundsInput | null;
}

/** Checks a bounds' values: finite numbers, latitudes in [−90, 90], south ≤ north. */
export function checkBounds(b: BoundsInput, field: string): Bounds {
  for (const key of ["west", "south", "east", "north"] as const)
    if (!Number.isFinite(b[key])) throw badInput(`${field}.${key}`, `${b[key]} is not a finite number`);
  for (const key of ["south", "north"] as const)
    if (b[key] < -90 || b[key] > 90) throw badInput(`${field}.${key}`, `latitude ${b[key]} out of range [-90, 90]`);
  if (b.south > b.north) throw badInput(`${field}.south`, `${b.south} is north of north (${b.north})`);
  return { west: b.west, south: b.south, east: b.east, north: b.north };
}

/** Checks a filter's values; the messages name the field. */
export function checkFilter(f: PredictionFilter, field = "filter"): StoreFilter {
  if (f.split != null && !(SPLITS as readonly string[]).includes(f.split))
    throw badInput(`${field}.split`, `must be one of ${SPLITS.join(", ")}`);
  for (const key of ["trueCountry", "predictedCountry"] as const) {
    const v = f[key];
    if (v != null && !/^[A-Za-z]{2}$/.test(v))
      throw badInput(`${field}.${key}`, `"${v}" is not an ISO 3166-1 alpha-2 code`);
  }
  for (const key of ["minErrorKm", "maxErrorKm"] as const) {
    const v = f[key];
    if (v != null && (!Number.isFinite(v) || v < 0)) throw badInput(`${field}.${key}`, "must be a number ≥ 0");
  }
  if (f.minErrorKm != null && f.maxErrorKm != null && f.minErrorKm > f.maxErrorKm)
    throw badInput(`${field}.minErrorKm`, "must not exceed maxErrorKm");
  if ((f.level == null) !== (f.hit == null)) throw badInput(`${field}.level`, "level and hit go together");
  const bounds = f.bounds == null ? f.bounds : checkBounds(f.bounds, `${field}.bounds`);
  return { ...f, level: f.level === "CITY" ? "PLACE" : f.level, bounds };
}
