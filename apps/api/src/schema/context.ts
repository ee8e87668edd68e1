/** What every resolver gets: the services (config, store, queue, datasets, experiments) and whether the caller holds the token. */
import type { Caller, Identifier } from "../auth/caller.ts";
import type { ApiConfig } from "../config.ts";
import type { DatasetCatalog } from "../datasets.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { ExperimentService } from "../services/experiments.ts";
import type { ExternalRunService } from "../services/external-runs.ts";
import type { PeopleService } from "../services/people.ts";
import type { Store } from "../store/index.ts";

export interface Services {
  config: ApiConfig;
  store: Store;
  queue: JobQueue;
  datasets: DatasetCatalog;
  /** Experiments: what their resolvers and predict call. */
  experiments: ExperimentService;
  /** Runs trained elsewhere: what their mutations call. */
  externalRuns: ExternalRunService;
  /** Who a request's Authorization header names. */
  identifier: Identifier;
  /** People, tokens and sign-ins: what their mutations call. */
  people: PeopleService;
  /** Serialises dataset builds/imports of the same name. */
  datasetLocks: Set<string>;
}

/** The caller's name, in a resolver that access.ts lets through only with a caller. */
export function callerName(ctx: Context): string {
  if (!ctx.caller) throw new Error("a resolver that needs a caller ran without one (see access.ts)");
  return ctx.caller.name;
}

export interface Context {
  services: Services;
  /** Who sent the request (null: nobody signed in, no token). */
  caller: Caller | null;
}
