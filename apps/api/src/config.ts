/**
 * Configuration from the environment (documented in the README): the single place that reads
 * process.env for the API and its workers.
 */
import path from "node:path";
import { georHome } from "@geor/core";

export interface ApiConfig {
  port: number;
  /** Host to listen on; tests use 127.0.0.1. */
  host: string;
  /** $GEOR_HOME, resolved. */
  home: string;
  /** A postgres:// URL, or null for SQLite at $GEOR_HOME/geor.db. */
  databaseUrl: string | null;
  /** The bearer token from GEOR_API_TOKEN, or null: generated and stored under GEOR_HOME. */
  apiToken: string | null;
  /** GEOR_SECRET: the key personal tokens are hashed under, or null: generated and stored under GEOR_HOME. */
  secret: string | null;
  /** GEOR_DEBUG: error responses carry stack traces and internal messages (never in a deployment). */
  debug: boolean;
  publicRead: boolean;
  production: boolean;
  /** Directories an importDataset mutation may read from (GEOR_IMPORT_ROOTS, ':'-separated; default $GEOR_HOME/imports). */
  importRoots: string[];
  /** Largest accepted upload for predict (bytes). */
  maxUploadBytes: number;
  /** Largest predictions file addPredictions takes (bytes); it is streamed, never held whole. */
  maxPredictionFileBytes: number;
  /** Page size cap of every connection. */
  maxPageSize: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  /** SQLite mode: experiments run at once in the API's worker thread pool. */
  concurrentJobs: number;
  /** PostgreSQL mode: a running job's heartbeat older than this is taken as a dead worker. */
  staleAfterMs: number;
  /** Predictions of an evaluation are written this many rows per transaction. */
  predictionBatchRows: number;
  /**
   * GEOR_INGEST_CHUNK_ROWS: the rows per addPredictions call clients are told to send
   * (ingestSettings.chunkRows); null: what the database stores fastest.
   */
  ingestChunkRows: number | null;
}

/** The largest JSON request body the API reads (bytes): room for a predict image as base64. */
export function jsonBodyLimit(config: Pick<ApiConfig, "maxUploadBytes">): number {
  return Math.ceil(config.maxUploadBytes * 1.4) + 65536;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function bool(name: string, fallback: boolean): boolean {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name}=${v} is not a boolean (use true or false)`);
}

function int(name: string, fallback: number, min: number, max: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name}=${v} must be an integer in [${min}, ${max}]`);
  return n;
}

function secretFromEnv(): string | null {
  const v = process.env.GEOR_SECRET?.trim() || null;
  if (v !== null && v.length < 32) throw new ConfigError("GEOR_SECRET must be at least 32 characters");
  return v;
}

export function loadConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  const home = georHome();
  const url = process.env.DATABASE_URL?.trim() || null;
  if (url !== null && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// URL (or unset for SQLite), got "${url.split("@").pop()}"`,
    );
  }
  const roots = (process.env.GEOR_IMPORT_ROOTS ?? "")
    .split(":")
    .filter((r) => r.length > 0)
    .map((r) => path.resolve(r));
  return {
    port: int("PORT", 4000, 0, 65535),
    host: process.env.HOST ?? "0.0.0.0",
    home,
    databaseUrl: url,
    apiToken: process.env.GEOR_API_TOKEN?.trim() || null,
    secret: secretFromEnv(),
    debug: bool("GEOR_DEBUG", false),
    publicRead: bool("GEOR_PUBLIC_READ", true),
    production: process.env.NODE_ENV === "production",
    importRoots: roots.length > 0 ? roots : [path.join(home, "imports")],
    maxUploadBytes: int("GEOR_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, 1024, 1024 ** 3),
    maxPredictionFileBytes: int("GEOR_MAX_PREDICTION_FILE_BYTES", 4 * 1024 ** 3, 1024, 64 * 1024 ** 3),
    maxPageSize: 100,
    maxQueryDepth: 10,
    maxQueryCost: 5000,
    concurrentJobs: int("GEOR_CONCURRENT_JOBS", 1, 1, 64),
    staleAfterMs: int("GEOR_JOB_STALE_MS", 30_000, 1000, 24 * 3600_000),
    predictionBatchRows: int("GEOR_PREDICTION_BATCH_ROWS", 2000, 1, 100_000),
    ingestChunkRows: process.env.GEOR_INGEST_CHUNK_ROWS ? int("GEOR_INGEST_CHUNK_ROWS", 0, 1, 100_000) : null,
    ...overrides,
  };
}
