/** The executable schema: type-graphql resolvers, every root field checked by access.ts. */
import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { accessControl } from "../access.ts";
import { DatasetResolver } from "./dataset.ts";
import { ExperimentResolver } from "./experiment.ts";
import { ExternalRunResolver } from "./external.ts";
import { ApiTokenResolver, PeopleResolver } from "./people.ts";
import { PredictResolver } from "./predict.ts";
import { PredictionConnectionResolver, PredictionResolver, PredictionSampleResolver } from "./prediction.ts";
import { PredictionPointsResolver } from "./prediction-points.ts";

let built: Promise<GraphQLSchema> | null = null;

export function geoSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      DatasetResolver,
      ExperimentResolver,
      ExternalRunResolver,
      PredictionResolver,
      PredictionConnectionResolver,
      PredictionSampleResolver,
      PredictionPointsResolver,
      PredictResolver,
      PeopleResolver,
      ApiTokenResolver,
    ],
    // Who may run what: one table (access.ts), checked before each root field and audited after.
    globalMiddlewares: [accessControl],
    validate: false,
    // Required by type-graphql for any subscription, although ours brings its own `subscribe`
    // (it polls the database, which works across API and worker processes).
    pubSub: {
      publish: () => {
        throw new Error("the API publishes no events; subscriptions poll the database");
      },
      subscribe: () => {
        throw new Error("every subscription of this schema has its own subscribe function");
      },
    },
  });
  return built;
}
