/**
 * The SQLite prediction writer's thread (sqlite-writer.ts starts it): its own connection to the
 * API's file, one transaction per batch — the rows, then the experiment's bins from them — so a
 * batch and its bins are written whole or not at all, while the API's thread goes on scoring.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteConnection } from "../db/sqlite-connection.ts";
import { addBinsSql } from "./prediction-bins.ts";
import { PREDICTION_COLUMNS } from "./prediction-columns.ts";
import type { WriterReply, WriterRequest } from "./sqlite-writer.ts";

const conn = openSqliteConnection((workerData as { file: string }).file);
// 96 MiB of page cache here: a 30,000-row batch dirties most leaf pages of an experiment's
// error-ordered indexes, and they stay in the cache until the commit instead of spilling.
conn.pragma("cache_size = -98304");
// One prepared single-row statement, run for every row inside one transaction: no SQL text to
// build or parse per batch. Prepared on the first batch, against the schema as migrated by then.
let insertBatch: ((r: WriterRequest) => number) | null = null;

/** The batch writer: it returns the batch's first prediction id. */
function prepare(): (r: WriterRequest) => number {
  const names = ["exp", ...PREDICTION_COLUMNS.map(([c]) => c)];
  const insert = conn.prepare(
    `insert into predictions (${names.join(", ")}) values (${names.map(() => "?").join(", ")})`,
  );
  // The batch's ids are consecutive from its first: nothing else writes inside the transaction.
  const addBins = conn.prepare(addBinsSql("(select ? as experiment_id, * from predictions where exp = ? and id >= ?)"));
  const seqOf = conn.prepare("select seq from experiments where id = ?").pluck();
  const values: unknown[] = new Array(names.length);
  // IMMEDIATE: the write lock is taken (or waited for) at BEGIN, never upgraded from a read later.
  return conn.transaction(({ experimentId, columns, rows }: WriterRequest) => {
    const seq = seqOf.get(experimentId);
    if (seq == null) throw new Error(`no experiment ${experimentId} to add predictions to`);
    values[0] = seq;
    let firstId = 0;
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < columns.length; c++) values[c + 1] = columns[c][i];
      const { lastInsertRowid } = insert.run(values);
      if (firstId === 0) firstId = Number(lastInsertRowid);
    }
    addBins.run(experimentId, seq, firstId);
    return firstId;
  }).immediate;
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
