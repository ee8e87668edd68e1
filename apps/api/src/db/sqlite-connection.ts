/**
 * A connection to the API's SQLite file with the settings every connection to it needs: the
 * API's own (connect.ts) and the prediction writer's thread (store/sqlite-writer-thread.ts).
 */
import SQLite from "better-sqlite3";

export function openSqliteConnection(file: string): SQLite.Database {
  const conn = new SQLite(file);
  conn.pragma("journal_mode = WAL");
  // The API, its job thread and the prediction writer write the same file; wait for the other's write instead of failing.
  conn.pragma("busy_timeout = 10000");
  conn.pragma("foreign_keys = ON");
  conn.pragma("synchronous = NORMAL");
  // 64 MiB of page cache: index inserts in error order touch pages all over the B-trees.
  conn.pragma("cache_size = -65536");
  // An ingest batch dirties index pages all over the B-trees, and the next batches dirty the
  // same ones again: copying the WAL back every 80 MB instead of every 4 MB (the default)
  // writes each such page once per checkpoint, not once per batch (29k → 54k rows/s at 1M).
  conn.pragma("wal_autocheckpoint = 20000");
  return conn;
}
