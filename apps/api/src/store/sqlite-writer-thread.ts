/**
 * The SQLite prediction writer's thread (sqlite-writer.ts starts it): its own connection to the
 * API's file, one transaction per batch — the rows, then the experiment's bins from them — so a
 * batch and its bins are written whole or not at all, while the API's thread goes on scoring.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteConnection } from "../db/sqlite-connection.ts";
import { ADD_BIN_ROW_SQL, BINNED_COLUMNS, BinCounter, type BinnedColumns, FINE_BIN_SQL } from "./prediction-bins.ts";
import { type DictionaryColumn, PREDICTION_COLUMNS, type ThreadColumn } from "./prediction-columns.ts";
import type { WriterReply, WriterRequest } from "./sqlite-writer.ts";

const conn = openSqliteConnection((workerData as { file: string }).file);
// 32 MiB of page cache here. A 30,000-row batch dirties many leaf pages of an experiment's
// error-ordered indexes, and 96 MiB kept more of them until the commit; but that memory is most of
// what a fresh API's RSS grows by during a 1M-row upload, and with 32 the growth stays under 300
// MB for a writer thread's CPU a row within the machine's noise (decisions.md, seventeenth pass).
conn.pragma("cache_size = -32768");
// One prepared single-row statement, run for every row inside one transaction: no SQL text to
// build or parse per batch. Prepared on the first batch, against the schema as migrated by then.
let insertBatch: ((r: WriterRequest) => number) | null = null;

/**
 * The batch writer: it returns the batch's first prediction id. The bins are counted from the
 * batch's columns (BinCounter), not read back from the rows just written.
 */
function prepare(): (r: WriterRequest) => number {
  const names = ["exp", ...PREDICTION_COLUMNS.map(([c]) => c)];
  const insert = conn.prepare(
    `insert into predictions (${names.join(", ")}) values (${names.map(() => "?").join(", ")})`,
  );
  const addBin = conn.prepare(ADD_BIN_ROW_SQL);
  // The bin of an error at the edge of two, as the API's seeks compute it.
  const edgeBin = conn.prepare(`select ${FINE_BIN_SQL} from (select ? as error_km)`).pluck();
  const sqlBin = (km: number) => edgeBin.get(km) as number;
  const binned = BINNED_COLUMNS.map((name) => [name, PREDICTION_COLUMNS.findIndex(([c]) => c === name)] as const);
  const seqOf = conn.prepare("select seq from experiments where id = ?").pluck();
  const values: unknown[] = new Array(names.length);
  // IMMEDIATE: the write lock is taken (or waited for) at BEGIN, never upgraded from a read later.
  return conn.transaction(({ experimentId, columns, rows }: WriterRequest) => {
    const seq = seqOf.get(experimentId);
    if (seq == null) throw new Error(`no experiment ${experimentId} to add predictions to`);
    values[0] = seq;
    // Column c's rows: plain[c][i], or dictionaries[c][indexes[c][i]].
    const plain = columns.map((col) => (isDictionary(col) ? null : col));
    const dictionaries = columns.map((col) => (isDictionary(col) ? col.values : null));
    const indexes = columns.map((col) => (isDictionary(col) ? col.index : null));
    let firstId = 0;
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < columns.length; c++) {
        const index = indexes[c];
        values[c + 1] = index ? (dictionaries[c] as unknown[])[index[i]] : (plain[c] as ArrayLike<unknown>)[i];
      }
      // The values as arguments, not as one array: better-sqlite3 reads an array's items one
      // property lookup at a time, ~2 µs a row of 42 values more (decisions.md, twenty-first pass).
      const { lastInsertRowid } = insert.run(...values);
      if (firstId === 0) firstId = Number(lastInsertRowid);
    }
    const of = Object.fromEntries(
      binned.map(([name, at]) => [name, rowsOf(columns[at], rows)]),
    ) as unknown as BinnedColumns;
    const bins = new BinCounter(experimentId);
    bins.add(of, rows, sqlBin);
    for (const bin of bins.rows) addBin.run(...bin);
    return firstId;
  }).immediate;
}

function isDictionary(column: ThreadColumn): column is DictionaryColumn {
  return !Array.isArray(column) && !(column instanceof Float64Array);
}

/** A column's value a row (a dictionary's looked up). */
function rowsOf(column: ThreadColumn, rows: number): ArrayLike<unknown> {
  if (!isDictionary(column)) return column;
  const out: unknown[] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = column.values[column.index[i]];
  return out;
}

parentPort?.on("message", (r: WriterRequest) => {
  let reply: WriterReply;
  try {
    insertBatch ??= prepare();
    reply = { id: r.id, firstId: insertBatch(r) };
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: r.id, error: { name: e.name, message: e.message, code: e.code } };
  }
  parentPort?.postMessage(reply);
});
