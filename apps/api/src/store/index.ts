/** The store: every SQL statement of the API and its workers lives under this folder. */
import type { Db } from "../db/connect.ts";
import { ExperimentStore } from "./experiments.ts";
import { PredictionPointStore } from "./prediction-points.ts";
import { PredictionStore } from "./predictions.ts";
import { RunRecordStore } from "./run-records.ts";

export class Store {
  readonly experiments: ExperimentStore;
  readonly records: RunRecordStore;
  readonly predictions: PredictionStore;
  readonly predictionPoints: PredictionPointStore;
  constructor(readonly database: Db) {
    this.experiments = new ExperimentStore(database.db);
    this.records = new RunRecordStore(database.db);
    this.predictions = new PredictionStore(database.db, database.sqlite);
    this.predictionPoints = new PredictionPointStore(database.db, database.sqlite);
  }
  close(): Promise<void> {
    return this.database.close();
  }
}

export { compareBreakdowns } from "./aggregates.ts";
export * from "./experiments.ts";
export * from "./prediction-points.ts";
export { isDuplicatePrediction, PREDICTION_COLUMNS } from "./prediction-writer.ts";
export * from "./predictions.ts";
export * from "./run-records.ts";
export * from "./types.ts";
