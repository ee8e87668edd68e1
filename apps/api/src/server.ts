/**
 * The HTTP server: Express 5 carrying Apollo Server at /graphql (with GraphQL multipart
 * uploads), graphql-ws subscriptions on the same path, /healthz, and dataset sprite sheets
 * under /files/datasets. In SQLite mode it also runs the experiment queue in compute threads.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { datasetsRoot } from "@geor/core";
import express, { type NextFunction, type Request, type Response } from "express";
import { GraphQLError, type GraphQLFormattedError, parse, specifiedRules, validate } from "graphql";
import graphqlUploadExpress from "graphql-upload/graphqlUploadExpress.mjs";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { BOOTSTRAP_USER, Identifier } from "./auth/caller.ts";
import { resolveApiToken, resolveServerKey } from "./auth/secrets.ts";
import { type ApiConfig, jsonBodyLimit } from "./config.ts";
import { DatasetCatalog, isDatasetName } from "./datasets.ts";
import { openDatabase } from "./db/connect.ts";
import { badRequestOnError, requestErrors } from "./http-errors.ts";
import { type JobQueue, LocalQueue, PgBossQueue, startBoss } from "./jobs/queue.ts";
import { JobRunner } from "./jobs/runner.ts";
import { checkCost, depthLimit } from "./limits.ts";
import type { Context, Services } from "./schema/context.ts";
import { geoSchema } from "./schema/index.ts";
import { precheckedLists } from "./schema/prechecked-lists.ts";
import { ExperimentService } from "./services/experiments.ts";
import { ExternalRunService } from "./services/external-runs.ts";
import { PeopleService } from "./services/people.ts";
import { ScoringContext } from "./services/scoring.ts";
import { StudyService } from "./services/studies.ts";
import { Store } from "./store/index.ts";

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  services: Services;
  close(): Promise<void>;
}

/** Errors from core that a client caused: shown as bad input, with their message. */
const USER_ERRORS = new Set([
  "DatasetError",
  "ImportError",
  "CheckpointError",
  "ImageDecodeError",
  "ConfigValidationError",
]);

/**
 * Errors as clients see them: what a client caused keeps its message; anything else is logged
 * here with its stack and answered "internal server error", unless the operator set GEOR_DEBUG.
 * No response carries a stack trace or a server path otherwise.
 */
function formatError(debug: boolean, log: (line: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: Error }).originalError;
    if (original && USER_ERRORS.has(original.name)) {
      return { message: original.message, path: formatted.path, extensions: { code: "BAD_USER_INPUT" } };
    }
    const code = formatted.extensions?.code;
    // Apollo's own request errors (e.g. a persisted-query hash mismatch) carry a 4xx status but no code.
    const status = ((error as GraphQLError).extensions?.http as { status?: number } | undefined)?.status;
    if ((code === "INTERNAL_SERVER_ERROR" || code === undefined) && status !== undefined && status < 500) {
      return { message: formatted.message, path: formatted.path, extensions: { code: "BAD_REQUEST" } };
    }
    if (code === "INTERNAL_SERVER_ERROR" || code === undefined) {
      log(`internal error at ${formatted.path?.join(".") ?? "(request)"}: ${original?.stack ?? formatted.message}`);
      if (!debug)
        return {
          message: "internal server error",
          path: formatted.path,
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        };
    }
    return formatted;
  };
}

export async function startServer(
  config: ApiConfig,
  log: (line: string) => void = console.log,
): Promise<RunningServer> {
  const { token, generated, file } = resolveApiToken(config);
  if (generated) log(`generated an API token (stored in ${file}); send it as "Authorization: Bearer ${token}"`);
  const database = await openDatabase(config);
  const store = new Store(database);
  const recovered = await store.predictions.recoverIngests();
  if (recovered > 0) log(`took out the rows of ${recovered} prediction upload(s) that never ended`);
  let queue: JobQueue;
  let localQueue: LocalQueue | null = null;
  if (database.dialect === "sqlite") {
    const runner = new JobRunner(store, `api-${process.pid}`, log, config.predictionBatchRows);
    localQueue = new LocalQueue(store, runner, config.concurrentJobs, log);
    queue = localQueue;
  } else {
    queue = new PgBossQueue(await startBoss(config.databaseUrl as string));
  }
  const datasets = new DatasetCatalog();
  const key = resolveServerKey(config);
  // The bootstrap token's user exists from the first start, so people can be added under it.
  await store.people.ensureUser(BOOTSTRAP_USER, "ADMIN");
  const identifier = new Identifier(store, token, key);
  const services: Services = {
    config,
    store,
    queue,
    datasets,
    datasetLocks: new Set(),
    experiments: new ExperimentService(store, queue, config, datasets),
    externalRuns: new ExternalRunService(store, datasets, new ScoringContext()),
    identifier,
    people: new PeopleService(store, key),
    studies: new StudyService(store, queue, config, datasets),
  };
  const schema = await geoSchema();

  const app = express();
  const http: Server = createHttpServer(app);
  // Node closes an idle keep-alive socket after 5 s. When the event loop is busy for longer, that
  // timer can fire before the client's next request on the socket is read, and the client sees
  // "other side closed" (seen under 200 concurrent clients). Keep idle sockets for a minute.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const wss = new WebSocketServer({ server: http, path: "/graphql" });
  /** The request's caller, or the GraphQL error that refuses it (a bad token; a read when reads are not public). */
  const contextOf = async (header: string | undefined | null): Promise<Context | GraphQLError> => {
    const identity = await identifier.identify(header);
    if ("refused" in identity)
      return new GraphQLError(`${identity.refused}; send "Authorization: Bearer <token>" with a valid token`, {
        extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
      });
    if (!config.publicRead && identity.caller === null)
      return new GraphQLError("reads need a token or a sign-in (GEOR_PUBLIC_READ is false)", {
        extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
      });
    return { services, caller: identity.caller };
  };
  const wsHeader = (params: Record<string, unknown> | undefined) =>
    (params?.authorization ?? params?.Authorization) as string | undefined;
  const wsCleanup = useServer(
    {
      schema,
      onConnect: async (ctx) => !((await contextOf(wsHeader(ctx.connectionParams))) instanceof GraphQLError),
      onSubscribe: async (ctx, _id, payload) => {
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as GraphQLError];
        }
        const errors = validate(schema, document, [...specifiedRules, depthLimit(config.maxQueryDepth)]);
        if (errors.length > 0) return errors;
        const contextValue = await contextOf(wsHeader(ctx.connectionParams));
        if (contextValue instanceof GraphQLError) return [contextValue];
        return {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue,
        };
      },
    },
    wss,
  );

  const costLimit: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          checkCost(schema, document, request.variables, request.operationName, config.maxQueryCost);
        },
      };
    },
  };
  const apollo = new ApolloServer<Context>({
    schema,
    validationRules: [depthLimit(config.maxQueryDepth)],
    includeStacktraceInErrorResponses: config.debug,
    introspection: true,
    formatError: formatError(config.debug, log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http }),
      costLimit,
      // addPredictions' rows skip graphql-js's coercion when they fit PredictionInput as sent.
      precheckedLists<Context>(schema, ["PredictionInput"]),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get("/healthz", async (_req, res) => {
    try {
      await store.experiments.count({});
      res.json({ status: "ok", database: database.dialect });
    } catch (err) {
      res.status(503).json({ status: "unavailable", error: (err as Error).message });
    }
  });
  // Sprite sheets of dataset thumbnails; only files under a dataset's sprites/ folder.
  app.get("/files/datasets/:name/sprites/:file", async (req, res) => {
    if ((await contextOf(req.headers.authorization)) instanceof GraphQLError) {
      res.status(401).json({ error: "reads need a token or a sign-in (GEOR_PUBLIC_READ is false)" });
      return;
    }
    const { name, file } = req.params;
    if (!isDatasetName(name) || !/^sheet-\d{1,6}\.png$/.test(file)) {
      res.status(404).end();
      return;
    }
    res.sendFile(path.join(datasetsRoot(), name, "sprites", file), { maxAge: "1h" }, (err) => {
      if (err && !res.headersSent) res.status(404).end();
    });
  });
  app.use(
    "/graphql",
    express.json({ limit: jsonBodyLimit(config) }),
    // Who is calling, once per request. Files come only with mutations, which all need a caller:
    // refuse an anonymous upload before its bytes are read (a predictions file may be gigabytes).
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const context = await contextOf(req.headers.authorization);
        const refusal =
          context instanceof GraphQLError
            ? context.message
            : context.caller === null && req.is("multipart/form-data")
              ? "uploads need a token (Authorization: Bearer <token>)"
              : null;
        if (refusal !== null) {
          res.status(401).json({ errors: [{ message: refusal, extensions: { code: "UNAUTHENTICATED" } }] });
          return;
        }
        res.locals.context = context;
        next();
      } catch (err) {
        next(err);
      }
    },
    badRequestOnError(
      graphqlUploadExpress({
        maxFileSize: Math.max(config.maxUploadBytes, config.maxPredictionFileBytes),
        maxFiles: 1,
      }),
    ),
    expressMiddleware(apollo, { context: async ({ res }) => res.locals.context as Context }),
  );

  app.use(requestErrors(log));

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  await localQueue?.start();
  const host = config.host === "0.0.0.0" ? "localhost" : config.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    token,
    services,
    async close() {
      await apollo.stop();
      await queue.stop();
      await store.close();
    },
  };
}
