/** The executable schema: type-graphql resolvers, the bearer-token check on mutations. */
import "reflect-metadata";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { type AuthChecker, buildSchema } from "type-graphql";
import type { Context } from "./context.ts";
import { DatasetResolver } from "./dataset.ts";
import { ExperimentResolver } from "./experiment.ts";
import { ExternalRunResolver } from "./external.ts";
import { PredictResolver } from "./predict.ts";
import { PredictionConnectionResolver, PredictionResolver, PredictionSampleResolver } from "./prediction.ts";
import { PredictionPointsResolver } from "./prediction-points.ts";

const authChecker: AuthChecker<Context> = ({ context, info }) => {
  if (context.authenticated) return true;
  throw new GraphQLError(
    `${info.fieldName} needs the API token: send "Authorization: Bearer <token>" (GEOR_API_TOKEN, or the token the server printed and stored in $GEOR_HOME/api-token)`,
    { extensions: { code: "UNAUTHENTICATED" } },
  );
};

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
    ],
    authChecker,
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
