/** Kysely table types: the database as the store sees it (timestamps are ISO-8601 text, booleans 0/1). */
import type { ColumnType, Generated } from "kysely";

export type Dialect = "sqlite" | "postgres";

export interface ExperimentTable {
  id: string;
  /** A small number per experiment, the key predictions refer to (assigned on insert). */
  seq: Generated<number>;
  name: string;
  dataset: string;
  /** JSON: { model, train, rl, eval } as validated by core's schemas. */
  config: string;
  status: string;
  notes: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  cancel_requested: number;
  /** Bumped on every change a subscriber should see. */
  version: number;
  attempts: number;
  heartbeat_at: string | null;
  worker: string | null;
  run_dir: string;
  /** JSON: the EVAL stage's report (metrics, levels, calibration), null until it ran. */
  final_metrics: string | null;
  /** BUILTIN: trained and evaluated here; EXTERNAL: a run that a client fills (migration 0005). */
  kind: string;
  /** The split an external run predicts (null for built-in runs: their config says). */
  split: string | null;
  /** The user who created it (null: before people existed). */
  created_by: string | null;
  /** A run of a study (migration 0008): the study, its arm and seed; null otherwise. */
  study_id: string | null;
  study_arm: string | null;
  study_seed: number | null;
}

export interface StudyTable {
  id: string;
  /** Unique: its runs are tagged study:<name>. */
  name: string;
  dataset: string;
  /** The arm every other is compared with. */
  control: string;
  /** JSON: core's StudyArm[] (name, config as given, head, sftSteps), in the order given. */
  arms: string;
  /** JSON: { sftSteps, stepCost } with every arm's head priced, or null (the arms state their steps). */
  budget: string | null;
  /** JSON: string[], the tags given (its runs carry them and study:<name>). */
  tags: string;
  created_by: string | null;
  created_at: string;
  /** When cancelStudy was called (its runs were cancelled then); null otherwise. */
  cancelled_at: string | null;
}

export interface UserTable {
  id: string;
  /** Unique; what people sign in with and what the audit log names. */
  name: string;
  /** VIEWER | EDITOR | ADMIN */
  role: string;
  /** scrypt: see auth/passwords.ts; null for people who only use tokens. */
  password_hash: string | null;
  created_at: string;
}

export interface ApiTokenTable {
  /** Public: the token's first part, how a presented token is found. */
  id: string;
  user_id: string;
  name: string;
  /** PERSONAL (created by its owner or an admin) | SESSION (a dashboard sign-in). */
  kind: string;
  /** HMAC-SHA256 of the token's secret part under the server's key (auth/tokens.ts). */
  secret_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SignInAttemptTable {
  id: Generated<number>;
  name: string;
  at: string;
  ok: number;
}

export interface SignInCodeTable {
  code_hash: string;
  user_id: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  user_name: string;
  /** The mutation. */
  action: string;
  /** What it acted on (an id or a name), when it names one. */
  target: string | null;
}

export interface DatasetOwnerTable {
  name: string;
  created_by: string;
}

export interface StageTable {
  experiment_id: string;
  name: string;
  position: number;
  status: string;
  step: number;
  total_steps: number | null;
  message: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface TagTable {
  experiment_id: string;
  tag: string;
}

export interface MetricTable {
  id: Generated<number>;
  experiment_id: string;
  stage: string;
  name: string;
  step: number;
  value: number;
}

export interface LogTable {
  id: Generated<number>;
  experiment_id: string;
  at: string;
  stage: string | null;
  line: string;
}

export interface CheckpointTable {
  id: Generated<number>;
  experiment_id: string;
  stage: string;
  step: number;
  path: string;
  created_at: string;
}

export interface PredictionTable {
  id: Generated<number>;
  /** experiments.seq */
  exp: number;
  sample_id: string;
  split: string;
  true_lat: number;
  true_lon: number;
  true_continent: string | null;
  true_country: string | null;
  true_country_name: string | null;
  true_admin1: string | null;
  true_admin1_name: string | null;
  true_city: string | null;
  true_cell: number;
  pred_country: string | null;
  pred_country_name: string | null;
  pred_country_p: number | null;
  pred_admin1: string | null;
  pred_admin1_name: string | null;
  pred_admin1_p: number | null;
  pred_cell: number | null;
  pred_place_name: string | null;
  pred_place_p: number | null;
  /** Null when an external run's answer had no readable coordinate. */
  pred_lat: number | null;
  pred_lon: number | null;
  confidence: number | null;
  error_km: number;
  hit_country: number;
  hit_admin1: number;
  hit_place: number;
  /** An external run's raw answer (null for coordinates and built-in runs). */
  answer: string | null;
  /** 0 when the answer had no readable coordinate (a miss everywhere, the farthest error). */
  parsed: number;
  /** The stated chain resolved: country ISO2 / admin-1 code or region name / GeoNames city id, with names. */
  stated_country: string | null;
  stated_country_name: string | null;
  stated_admin1: string | null;
  stated_admin1_name: string | null;
  stated_city: string | null;
  stated_city_name: string | null;
  /** JSON { country?, admin1?, city? }: stated names that resolved to nothing. */
  stated_unresolved: string | null;
  /** 0/1 per stated level (not stated = 0); null when the answer states no level. */
  stated_hit_country: number | null;
  stated_hit_admin1: number | null;
  stated_hit_city: number | null;
  /** 1 when the coordinate lies in the stated country; null unless both are there. */
  consistent: number | null;
}

/**
 * Prediction counts per experiment, split, true country, level hits, fine error bin and
 * threshold band, kept in step with the predictions (see store/prediction-bins.ts).
 */
export interface PredictionBinTable {
  experiment_id: string;
  split: string;
  /** '' for predictions without a true country. */
  true_country: string;
  /** '' when the prediction had no country name. */
  true_country_name: string;
  hit_country: number;
  hit_admin1: number;
  hit_place: number;
  /** floor(log10(error_km) × 20), or -61 for errors under 1 m. */
  bin: number;
  /** How many of THRESHOLDS_KM the error exceeds (0–5). */
  band: number;
  n: number;
  sum_km: number;
  /** Sum of 5000·exp(−km/1492.7). */
  sum_geo: number;
  /** An external run's answers: unparsed, stating a chain, right per stated level, checked and consistent. */
  n_unparsed: number;
  n_stated: number;
  sum_stated_country: number;
  sum_stated_admin1: number;
  sum_stated_city: number;
  n_checked: number;
  n_consistent: number;
}

/**
 * An external run's upload in progress on PostgreSQL: its rows with id > after_id are written
 * but not yet counted in prediction_bins (store/prediction-writer.ts).
 */
export interface PredictionIngestTable {
  /** experiments.seq */
  exp: number;
  after_id: number;
  started_at: string;
  /** The largest id of the rows calls answered and whose bins are not counted yet; null when none. */
  acked_upto: number | null;
}

/**
 * The map's copy of one experiment's (and split's) predictions with a coordinate, and its cell
 * pyramid (store/map-sources.ts): built on the first map request, brought up to date when the
 * predictions change.
 */
export interface MapSourceTable {
  id: Generated<number>;
  /** experiments.seq */
  exp: number;
  /** The split, or '' for all of them. */
  split: string;
  /** MAP_SOURCE_FORMAT when built: another grid or pyramid level means rebuilding. */
  format: number;
  /** Predictions copied, and the largest id among them. */
  n: number;
  max_id: number;
  built_at: string;
}

/** A prediction as the map reads it, in the order of its pyramid cell (map_sources.id, py, px, id). */
export interface MapPointTable {
  src: number;
  /** Row and column at the pyramid's finest level (MAP_PYRAMID_LEVEL). */
  py: number;
  px: number;
  /** Row and column at GRID_MAX_LEVEL. */
  y: number;
  x: number;
  /** predictions.id */
  id: number;
  true_lon: number;
  true_lat: number;
  pred_lon: number;
  pred_lat: number;
  error_km: number;
}

/** A cell of the pyramid: its predictions' count and sums, at one level. */
export interface MapCellTable {
  src: number;
  level: number;
  y: number;
  x: number;
  n: number;
  /** Sum of log10(max(error_km, 0.001)). */
  sum_log_km: number;
  /** Predictions within each threshold of THRESHOLDS_KM (error_km <= t). */
  n_1: number;
  n_25: number;
  n_200: number;
  n_750: number;
  n_2500: number;
  max_km: number;
  /** The id of the largest error (the smallest id among equal ones). */
  worst_id: number;
}

export interface Database {
  experiments: ExperimentTable;
  stages: StageTable;
  experiment_tags: TagTable;
  metrics: MetricTable;
  logs: LogTable;
  checkpoints: CheckpointTable;
  predictions: PredictionTable;
  prediction_bins: PredictionBinTable;
  prediction_ingests: PredictionIngestTable;
  map_sources: MapSourceTable;
  map_points: MapPointTable;
  map_cells: MapCellTable;
  users: UserTable;
  api_tokens: ApiTokenTable;
  sign_in_attempts: SignInAttemptTable;
  sign_in_codes: SignInCodeTable;
  audit_log: AuditTable;
  dataset_owners: DatasetOwnerTable;
  studies: StudyTable;
}

export type Row<T extends keyof Database> = {
  [K in keyof Database[T]]: Database[T][K] extends ColumnType<infer S> ? S : Database[T][K];
};
