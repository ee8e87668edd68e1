/**
 * SQLite prediction batches written on a thread of their own (sqlite-writer-thread.ts), so that
 * an ingest scores its next batch on the API's thread while SQLite writes this one: better-sqlite3
 * is synchronous, and on the API's thread the writing (~20 µs a row) and the scoring took turns.
 * Rows cross over column by column (a PredictionBatch's 41 arrays clone far faster than 10,000
 * objects); the thread starts with the first batch and holds the process open only while a
 * batch is in flight.
 */
import { Worker } from "node:worker_threads";
import type { PredictionBatch, ThreadColumn } from "./prediction-columns.ts";

export interface WriterRequest {
  id: number;
  experimentId: string;
  /**
   * Column c holds PREDICTION_COLUMNS[c]'s values: row i's is columns[c][i] (NaN: null in a
   * Float64Array), or values[index[i]] of a dictionary.
   */
  columns: ThreadColumn[];
  rows: number;
}

/** The batch's first prediction id (its ids are consecutive), or why it was not written. */
export type WriterReply =
  | { id: number; firstId: number }
  | { id: number; error: { name: string; message: string; code?: string } };

export class SqliteBatchWriter {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (firstId: number) => void; reject: (err: Error) => void }>();

  constructor(private readonly file: string) {}

  /** Writes one batch and its bins in one transaction on the writer's thread; the batch's first id. */
  insert(experimentId: string, batch: PredictionBatch): Promise<number> {
    const worker = this.start();
    const id = this.nextId++;
    const done = new Promise<number>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    if (this.waiting.size === 1) worker.ref();
    const { values, buffers } = batch.forThread();
    // The float columns' and the dictionaries' buffers move to the thread (afterwards only the
    // batch's sample ids and parsed flags are read).
    worker.postMessage({ id, experimentId, columns: values, rows: batch.length } satisfies WriterRequest, buffers);
    return done;
  }

  /** Stops the thread (after the batches in flight fail). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("../jobs/boot.mjs", import.meta.url), {
      workerData: { entry: new URL("./sqlite-writer-thread.ts", import.meta.url).href, file: this.file },
    });
    worker.on("message", (reply: WriterReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (!w) return;
      if ("error" in reply) w.reject(Object.assign(new Error(reply.error.message), reply.error));
      else w.resolve(reply.firstId);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the SQLite prediction writer's thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
