/** What a model that writes text states: the chain its answer names, resolved, and how right it is. */
import { Field, Float, ObjectType } from "type-graphql";
import { Region } from "./common.ts";

@ObjectType({ description: "Stated names that resolved to no Chain-of-Region unit, as the answer wrote them." })
export class UnresolvedNames {
  @Field(() => String, { nullable: true }) country!: string | null;
  @Field(() => String, { nullable: true }) admin1!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
}

@ObjectType({
  description:
    "The chain an answer states (Country, State/Province/Region, City/Place), resolved to Chain-of-Region units; a level is null where the answer does not state it or its name does not resolve.",
})
export class StatedChain {
  @Field(() => Region, { nullable: true, description: "code: ISO 3166-1 alpha-2." }) country!: Region | null;
  @Field(() => Region, {
    nullable: true,
    description:
      "code: the admin-1 code, or null when the name is a Natural Earth region above admin-1 (Île-de-France).",
  })
  admin1!: Region | null;
  @Field(() => Region, { nullable: true, description: "code: the GeoNames id of the named town." })
  city!: Region | null;
  @Field(() => UnresolvedNames) unresolved!: UnresolvedNames;
}

@ObjectType({ description: "Per stated level, whether it is the truth's (not stated: false)." })
export class StatedHits {
  @Field(() => Boolean) country!: boolean;
  @Field(() => Boolean, { description: "The stated unit or region covers the true admin-1." }) admin1!: boolean;
  @Field(() => Boolean, { description: "The stated city is the true Chain-of-Region city, by name." }) city!: boolean;
}

@ObjectType({
  description:
    "The share of all predictions whose stated level is the true one (not stated counts as wrong); the city is the Chain of Region's named town.",
})
export class StatedLevelAccuracy {
  @Field(() => Float) country!: number;
  @Field(() => Float) admin1!: number;
  @Field(() => Float) city!: number;
}
