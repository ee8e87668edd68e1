/** What every resolver gets: the services (config, store, queue, datasets, experiments) and whether the caller holds the token. */
import type { ApiConfig } from "../config.ts";
import type { DatasetCatalog } from "../datasets.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { ExperimentService } from "../services/experiments.ts";
import type { ExternalRunService } from "../services/external-runs.ts";
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
  /** Serialises dataset builds/imports of the same name. */
  datasetLocks: Set<string>;
}

export interface Context {
  services: Services;
  authenticated: boolean;
}
