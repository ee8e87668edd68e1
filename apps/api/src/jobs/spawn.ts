/** Starts a task in a compute thread; messages arrive in order, cancel() raises the shared flag. */
import { Worker } from "node:worker_threads";
import { CANCEL_FLAG, type Task, type ThreadMessage } from "./protocol.ts";

export interface RunningTask {
  /** Resolves when the thread has exited (after its last message was handled). */
  done: Promise<void>;
  cancel(): void;
  /** Asks the run to stop at its next step and save a checkpoint, as for a shutdown (not a cancel). */
  interrupt(): void;
  /** Hard stop. */
  terminate(): Promise<void>;
}

export function spawnTask(task: Task, onMessage: (m: ThreadMessage) => Promise<void> | void): RunningTask {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./boot.mjs", import.meta.url), {
    workerData: { entry: new URL("./thread.ts", import.meta.url).href, task, flag },
  });
  // Messages are handled one after another: predictions batches land before "result".
  let chain: Promise<void> = Promise.resolve();
  let sawEnd = false;
  const enqueue = (m: ThreadMessage) => {
    if (m.type === "result" || m.type === "error" || m.type === "cancelled") sawEnd = true;
    chain = chain.then(() => onMessage(m));
  };
  worker.on("message", enqueue);
  const done = new Promise<void>((resolve, reject) => {
    worker.on("error", (err) => {
      sawEnd = true;
      enqueue({ type: "error", message: err.message, name: err.name });
    });
    worker.on("exit", (code) => {
      if (!sawEnd) enqueue({ type: "error", message: `compute thread exited with code ${code}`, name: "ThreadExit" });
      chain.then(resolve, reject);
    });
  });
  return {
    done,
    cancel: () => Atomics.store(flag, CANCEL_FLAG, 1),
    interrupt: () => Atomics.store(flag, CANCEL_FLAG, 2),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/** Runs a short task (dataset build or import) to its result. */
export async function runTask<T>(task: Task): Promise<T> {
  type Outcome = { ok: true; value: T } | { ok: false; error: Error };
  let outcome = null as Outcome | null;
  const t = spawnTask(task, (m) => {
    if (m.type === "result") outcome = { ok: true, value: m.value as T };
    else if (m.type === "error") outcome = { ok: false, error: Object.assign(new Error(m.message), { name: m.name }) };
  });
  await t.done;
  const o = outcome;
  if (!o) throw new Error(`${task.kind} ended without a result`);
  if (!o.ok) throw o.error;
  return o.value;
}
