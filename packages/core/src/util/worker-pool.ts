/**
 * A pool of worker threads answering jobs: the main-thread side (`WorkerPool`) and the thread
 * side (`serveJobs`). Each thread sets itself up once (a backend, a model) and says ready or why
 * it failed; jobs go to the least busy thread or to a chosen one, and a thread that dies rejects
 * its pending jobs and every later one with its reason.
 */
import { parentPort, type Transferable, Worker, workerData } from "node:worker_threads";
import { userMessage } from "./errors.ts";

type Reply<R> =
  | { ready: true; info: unknown }
  | { failed: string }
  | { id: number; result: R }
  | { id: number; error: string };

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (err: Error) => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, Pending<R>>;
  dead: Error | null;
}

export class WorkerPool<J, R> {
  private nextId = 0;
  private constructor(private readonly slots: Slot<R>[]) {}

  get threads(): number {
    return this.slots.length;
  }

  /**
   * Starts `threads` threads running `module` (a .ts file; each gets `data`) and waits until every
   * one is set up; resolves with the pool and what each thread reported when ready. A thread that cannot
   * start rejects with "<label> thread N could not start: <why>" and stops the others.
   */
  static async open<J, R>(opts: {
    module: URL;
    data: unknown;
    threads: number;
    label: string;
  }): Promise<{ pool: WorkerPool<J, R>; infos: unknown[] }> {
    const slots: Slot<R>[] = [];
    const started = Array.from({ length: Math.max(1, opts.threads) }, (_, t) => {
      const worker = new Worker(new URL("./thread-entry.mjs", import.meta.url), {
        workerData: { module: opts.module.href, data: opts.data },
      });
      const slot: Slot<R> = { worker, pending: new Map(), dead: null };
      slots.push(slot);
      return new Promise<unknown>((resolve, reject) => {
        const fail = (err: Error) => {
          slot.dead = err;
          for (const p of slot.pending.values()) p.reject(err);
          slot.pending.clear();
          reject(err);
        };
        worker.on("message", (m: Reply<R>) => {
          if ("ready" in m) resolve(m.info);
          else if ("failed" in m) fail(new Error(`${opts.label} thread ${t} could not start: ${m.failed}`));
          else {
            const p = slot.pending.get(m.id);
            slot.pending.delete(m.id);
            if ("error" in m) p?.reject(new Error(m.error));
            else p?.resolve(m.result);
          }
        });
        worker.on("error", (err) => fail(new Error(`${opts.label} thread ${t} failed: ${err.message}`)));
        worker.on("exit", (code) =>
          fail(new Error(`${opts.label} thread ${t} ${code !== 0 ? `exited with code ${code}` : "was closed"}`)),
        );
      });
    });
    const pool = new WorkerPool<J, R>(slots);
    try {
      return { pool, infos: await Promise.all(started) };
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  /** Runs `job` on thread `thread`, or on the least busy one. */
  run(job: J, opts: { thread?: number; transfer?: Transferable[] } = {}): Promise<R> {
    const slot =
      opts.thread !== undefined
        ? this.slots[opts.thread]
        : this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (slot.dead) return Promise.reject(slot.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job }, opts.transfer ?? []);
    });
  }

  /** Stops every thread; jobs still pending reject. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/**
 * The thread side: runs `setup` once on the pool's `data` (its `info` is reported as the thread's
 * ready info), then answers every job with `handle(job)`; `transfer` lists buffers of a result
 * to move, not copy.
 */
export async function serveJobs<D, S, J, R>(
  setup: (data: D) => Promise<{ info?: unknown; state: S }>,
  handle: (state: S, job: J) => R,
  transfer: (result: R) => Transferable[] = () => [],
): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("serveJobs runs in a worker thread of a WorkerPool");
  const post = (reply: Reply<R>, list: Transferable[] = []) => port.postMessage(reply, list);
  let state: S;
  try {
    const ready = await setup((workerData as { data: D }).data);
    state = ready.state;
    port.on("message", ({ id, job }: { id: number; job: J }) => {
      try {
        const result = handle(state, job);
        post({ id, result }, transfer(result));
      } catch (err) {
        post({ id, error: userMessage(err) });
      }
    });
    post({ ready: true, info: ready.info ?? null });
  } catch (err) {
    post({ failed: userMessage(err) });
  }
}
