/**
 * Decoding on every core: worker threads that each load a checkpoint on their own TensorFlow.js
 * backend and decode the batches posted to them. The wasm backend runs one thread per backend,
 * so on an n-core machine a pool of n threads decodes ~n times the images per second of one.
 * Every thread runs the same kernels on the same weights: its chains equal the main thread's.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BackendName } from "../backend/select.ts";
import type { DecodedChain, DecodeSpec } from "./decode.ts";
import type { RawBatch } from "./inputs.ts";

export interface DecodeJob {
  id: number;
  batch: RawBatch;
  n: number;
  spec: DecodeSpec;
}

export type DecodeReply =
  | { ready: true }
  | { failed: string }
  | { id: number; chains: DecodedChain[][] }
  | { id: number; error: string };

interface Pending {
  resolve: (chains: DecodedChain[][]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set once the thread died or failed: later jobs are refused with it. */
  dead: Error | null;
}

/** Backends whose pool threads each get a core: the node bindings already use every core. */
export const POOL_BACKENDS: readonly BackendName[] = ["wasm", "cpu"];

/** Threads for a pool on this machine: one per core, at most `max`. */
export const defaultThreads = (max = 8) => Math.max(1, Math.min(max, availableParallelism()));

export class DecodePool {
  private nextId = 0;
  private constructor(private readonly slots: Slot[]) {}

  get threads(): number {
    return this.slots.length;
  }

  /**
   * Starts `threads` decoding threads on the checkpoint in `checkpointDir` and waits until every
   * one has loaded it; a thread that cannot start (bad checkpoint, backend missing) rejects with
   * its reason and stops the others.
   */
  static async open(opts: { checkpointDir: string; threads: number; backend: BackendName }): Promise<DecodePool> {
    if (!POOL_BACKENDS.includes(opts.backend)) {
      throw new Error(
        `decoding threads run on ${POOL_BACKENDS.join(" or ")}, not ${opts.backend} (it uses every core itself)`,
      );
    }
    const entry = new URL("./decode-thread.mjs", import.meta.url);
    const slots: Slot[] = [];
    const started = Array.from({ length: Math.max(1, opts.threads) }, (_, t) => {
      const worker = new Worker(entry, { workerData: { checkpointDir: opts.checkpointDir, backend: opts.backend } });
      const slot: Slot = { worker, pending: new Map(), dead: null };
      slots.push(slot);
      return new Promise<void>((resolve, reject) => {
        const fail = (err: Error) => {
          slot.dead = err;
          for (const p of slot.pending.values()) p.reject(err);
          slot.pending.clear();
          reject(err);
        };
        worker.on("message", (m: DecodeReply) => {
          if ("ready" in m) resolve();
          else if ("failed" in m) fail(new Error(`decoding thread ${t} could not start: ${m.failed}`));
          else {
            const p = slot.pending.get(m.id);
            slot.pending.delete(m.id);
            if ("error" in m) p?.reject(new Error(m.error));
            else p?.resolve(m.chains);
          }
        });
        worker.on("error", (err) => fail(new Error(`decoding thread ${t} failed: ${err.message}`)));
        worker.on("exit", (code) => {
          if (code !== 0) fail(new Error(`decoding thread ${t} exited with code ${code}`));
          else fail(new Error(`decoding thread ${t} was closed`));
        });
      });
    });
    const pool = new DecodePool(slots);
    try {
      await Promise.all(started);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Decodes one raw batch of `n` samples on the least busy thread. */
  decode(batch: RawBatch, n: number, spec: DecodeSpec): Promise<DecodedChain[][]> {
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (slot.dead) return Promise.reject(slot.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, batch, n, spec } satisfies DecodeJob);
    });
  }

  /** Stops every thread; jobs still pending reject. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
