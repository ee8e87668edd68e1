/** The store: every SQL statement of the API and its workers lives under this folder. */
import type { Db } from "../db/connect.ts";
import { AuditStore } from "./audit.ts";
import { DatasetOwnerStore } from "./dataset-owners.ts";
import { ExperimentStore } from "./experiments.ts";
import { MapViews } from "./map-views.ts";
import { PeopleStore } from "./people.ts";
import { PredictionPointStore } from "./prediction-points.ts";
import { PredictionStore } from "./predictions.ts";
import { RunRecordStore } from "./run-records.ts";
import { StudyStore } from "./studies.ts";

export class Store {
  readonly experiments: ExperimentStore;
  readonly records: RunRecordStore;
  readonly people: PeopleStore;
  readonly audit: AuditStore;
  readonly datasetOwners: DatasetOwnerStore;
  readonly predictions: PredictionStore;
  readonly predictionPoints: PredictionPointStore;
  readonly mapViews: MapViews;
  readonly studies: StudyStore;
  constructor(readonly database: Db) {
    this.experiments = new ExperimentStore(database.db);
    this.records = new RunRecordStore(database.db);
    this.people = new PeopleStore(database.db);
    this.audit = new AuditStore(database.db);
    this.datasetOwners = new DatasetOwnerStore(database.db);
    this.predictions = new PredictionStore(database.db, database.sqlite, database.pool);
    this.predictionPoints = new PredictionPointStore(database.db, database.sqlite);
    this.mapViews = new MapViews(database.db, database.dialect, database.sqlite);
    this.studies = new StudyStore(database.db);
  }
  async close(): Promise<void> {
    await this.predictions.close();
    await this.database.close();
  }
}

export { compareBreakdowns } from "./aggregates.ts";
export * from "./audit.ts";
export * from "./experiments.ts";
export type { MapBinColumns, MapViewResult } from "./map-views.ts";
export * from "./people.ts";
export { PREDICTION_COLUMNS, PredictionBatch } from "./prediction-columns.ts";
export * from "./prediction-points.ts";
export { type IngestSession, isDuplicatePrediction } from "./prediction-writer.ts";
export * from "./predictions.ts";
export * from "./run-records.ts";
export * from "./studies.ts";
export * from "./types.ts";
