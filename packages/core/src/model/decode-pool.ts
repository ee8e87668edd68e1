/**
 * Decoding on every core: worker threads that each load a checkpoint on their own TensorFlow.js
 * backend and decode the batches posted to them. The wasm backend runs one thread per backend,
 * so on an n-core machine a pool of n threads decodes ~n times the images per second of one.
 * Every thread runs the same kernels on the same weights: its chains equal the main thread's.
 */
import { availableParallelism } from "node:os";
import type { BackendName } from "../backend/select.ts";
import { WorkerPool } from "../util/worker-pool.ts";
import type { DecodeSpec } from "./decode/batch.ts";
import type { DecodedChain } from "./decode/decoded-chain.ts";
import type { RawBatch } from "./inputs.ts";

export interface DecodeJob {
  batch: RawBatch;
  n: number;
  spec: DecodeSpec;
}

/** Backends whose pool threads each get a core: the node bindings already use every core. */
export const POOL_BACKENDS: readonly BackendName[] = ["wasm", "cpu"];

/** Threads for a pool on this machine: one per core, at most `max`. */
export const defaultThreads = (max = 8) => Math.max(1, Math.min(max, availableParallelism()));

/** Refuses a thread pool on a backend that uses every core by itself. */
export function assertPoolBackend(backend: BackendName, what: string): void {
  if (!POOL_BACKENDS.includes(backend)) {
    throw new Error(`${what} threads run on ${POOL_BACKENDS.join(" or ")}, not ${backend} (it uses every core itself)`);
  }
}

export class DecodePool {
  private constructor(private readonly pool: WorkerPool<DecodeJob, DecodedChain[][]>) {}

  get threads(): number {
    return this.pool.threads;
  }

  /**
   * Starts `threads` decoding threads on the checkpoint in `checkpointDir` and waits until every
   * one has loaded it; a thread that cannot start (bad checkpoint, backend missing) rejects with
   * its reason and stops the others.
   */
  static async open(opts: { checkpointDir: string; threads: number; backend: BackendName }): Promise<DecodePool> {
    assertPoolBackend(opts.backend, "decoding");
    const { pool } = await WorkerPool.open<DecodeJob, DecodedChain[][]>({
      module: new URL("./decode-thread.ts", import.meta.url),
      data: { checkpointDir: opts.checkpointDir, backend: opts.backend },
      threads: opts.threads,
      label: "decoding",
    });
    return new DecodePool(pool);
  }

  /** Decodes one raw batch of `n` samples on the least busy thread. */
  decode(batch: RawBatch, n: number, spec: DecodeSpec): Promise<DecodedChain[][]> {
    return this.pool.run({ batch, n, spec });
  }

  /** Stops every thread; jobs still pending reject. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
