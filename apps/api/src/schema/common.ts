/** Types shared by several resolvers: regions of a chain, page info, accuracy rows, errors. */
import { type ClassType, Field, Float, ObjectType } from "type-graphql";

// Resolvers take them from here with the types they share; services from input.ts.
export { badInput, notFound, pageSize } from "../input.ts";

@ObjectType({
  description: "A region of a Chain of Region level: ISO code (country iso2, admin-1 code, continent code) and name.",
})
export class Region {
  @Field(() => String, { nullable: true })
  code!: string | null;
  @Field(() => String)
  name!: string;
}

@ObjectType({ description: "A predicted region with the model's probability of that level given the levels above." })
export class PredictedRegion {
  @Field(() => String, { nullable: true })
  code!: string | null;
  @Field(() => String)
  name!: string;
  @Field(() => Float, { nullable: true, description: "null for heads that do not score this level (regress)" })
  probability!: number | null;
}

@ObjectType({ description: "Relay page info (forward pagination with first/after)." })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => Boolean)
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true })
  startCursor!: string | null;
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: "Fraction of predictions within km of the truth." })
export class ThresholdAccuracy {
  @Field(() => Float)
  km!: number;
  @Field(() => Float)
  accuracy!: number;
}

export function pageInfo(cursors: string[], hasNextPage: boolean, after: string | null | undefined): PageInfo {
  return {
    hasNextPage,
    hasPreviousPage: Boolean(after),
    startCursor: cursors[0] ?? null,
    endCursor: cursors.at(-1) ?? null,
  };
}

/** A Relay connection over Node: its <Name>Edge type and the edges + pageInfo fields (subclasses add more). */
export function Connection<T extends object>(name: string, Node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => Node) node!: T;
  }
  // Its fields are inherited by the decorated subclass; being referenced nowhere, it is not emitted.
  @ObjectType(`${name}ConnectionBase`)
  abstract class ConnectionBase {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return ConnectionBase;
}

/** A TypeScript enum object ({ A: "A", … }) from a tuple of names, for registerEnumType. */
export function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}
