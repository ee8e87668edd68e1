/** Opens the database named by the config: PostgreSQL for a DATABASE_URL, else SQLite (WAL) under GEOR_HOME. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations/index.ts";
import { openSqliteConnection } from "./sqlite-connection.ts";
import type { Database, Dialect } from "./tables.ts";

// int8 (counts, bigserial ids) and numeric (avg) arrive as strings by default; every value we
// store fits a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite only: the connection under Kysely, for prepared-statement bulk inserts (used inside db.connection()). */
  sqlite: SQLite.Database | null;
  /** PostgreSQL only: the pool under Kysely, for what Kysely does not speak (COPY). */
  pool: pg.Pool | null;
  /** Where it is, for messages (no password). */
  where: string;
  close(): Promise<void>;
}

export interface DbTarget {
  databaseUrl: string | null;
  home: string;
}

export async function openDatabase(target: DbTarget, opts: { migrate?: boolean; poolSize?: number } = {}): Promise<Db> {
  let db: Kysely<Database>;
  let dialect: Dialect;
  let where: string;
  let raw: SQLite.Database | null = null;
  let pool: pg.Pool | null = null;
  if (target.databaseUrl) {
    dialect = "postgres";
    const url = new URL(target.databaseUrl);
    where = `postgres://${url.host}${url.pathname}`;
    pool = new pg.Pool({ connectionString: target.databaseUrl, max: opts.poolSize ?? 10 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // A connection the server closed (a restart, an operator's pg_terminate_backend): the pool
    // drops it and reports here; unheard, the report would end the process.
    pool.on("error", (err) => console.error(`${where}: a database connection was lost (${err.message})`));
  } else {
    dialect = "sqlite";
    mkdirSync(target.home, { recursive: true });
    where = path.join(target.home, "geor.db");
    const conn = openSqliteConnection(where);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
    raw = conn;
  }
  try {
    if (opts.migrate !== false) await migrateToLatest(db, dialect);
  } catch (err) {
    await db.destroy();
    throw new Error(`cannot open the database at ${where}: ${(err as Error).message}`);
  }
  return { db, dialect, sqlite: raw, pool, where, close: () => db.destroy() };
}
