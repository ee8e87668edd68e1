/**
 * The migrations, one set for both dialects, one file each (the builders more than one of them
 * uses are in shared.ts). The names are recorded in every database that ran them: never rename
 * one; a change to the schema is a new migration, next in order.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import type { Database, Dialect } from "../tables.ts";
import { experimentsAndPredictions } from "./0001-experiments-and-predictions.ts";
import { predictionBins } from "./0002-prediction-bins.ts";
import { integerExperimentKeys } from "./0003-integer-experiment-keys.ts";
import { placeLevel } from "./0004-place-level.ts";
import { externalRuns } from "./0005-external-runs.ts";
import { people } from "./0006-people.ts";
import { mapTables } from "./0007-map.ts";
import { studies } from "./0008-studies.ts";
import { predictionIngests } from "./0009-prediction-ingests.ts";
import { ingestAcknowledged } from "./0010-ingest-acknowledged.ts";
import { errorIndexCountry } from "./0011-error-index-country.ts";

/** Each migration by its recorded name, in the order they run. */
const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: (dialect: Dialect) => Migration]> = [
  ["0001_experiments_and_predictions", experimentsAndPredictions],
  ["0002_prediction_bins", predictionBins],
  ["0003_integer_experiment_keys", integerExperimentKeys],
  ["0004_place_level", placeLevel],
  ["0005_external_runs", externalRuns],
  ["0006_people", people],
  ["0007_map", mapTables],
  ["0008_studies", studies],
  ["0009_prediction_ingests", predictionIngests],
  ["0010_ingest_acknowledged", ingestAcknowledged],
  ["0011_error_index_country", errorIndexCountry],
];

function migrations(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(MIGRATIONS.map(([name, migration]) => [name, migration(dialect)]));
}

/**
 * Brings the database to the latest schema (or to the migration named `to`, for tests of a
 * migration); throws with the failing migration's name.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect, to?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await (to ? migrator.migrateTo(to) : migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(
      `database migration ${failed?.migrationName ?? "(setup)"} failed: ${(error as Error).message ?? error}`,
    );
  }
}
