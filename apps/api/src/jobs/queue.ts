/**
 * Where experiments wait. SQLite: the experiments table is the queue and this process's
 * runner takes from it (one at a time by default). PostgreSQL: pg-boss holds one job per
 * experiment and any number of worker processes take them; a worker that stops beating is
 * found by the others, and its experiment is queued again to resume from its checkpoint.
 */
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import type { Store } from "../store/index.ts";
import type { JobRunner } from "./runner.ts";

export const EXPERIMENT_QUEUE = "geor-experiment";

export interface JobQueue {
  /** Called after an experiment row was created as QUEUED. */
  enqueue(id: string): Promise<void>;
  /** Called after several were created at once (a study's runs): queued all or none, taken in this order. */
  enqueueAll(ids: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** SQLite mode: the API process runs the jobs in compute threads. */
export class LocalQueue implements JobQueue {
  private stopped = false;
  private kicking = false;
  private readonly runs = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly runner: JobRunner,
    private readonly concurrency: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Experiments left RUNNING by a previous process are taken up again (resuming from checkpoints). */
  async start(): Promise<void> {
    for (const id of await this.store.experiments.staleRunning(0)) {
      this.log(`experiment ${id} was running when the server stopped; queued again to resume`);
      await this.store.experiments.requeue(id);
    }
    void this.kick();
  }

  async enqueue(): Promise<void> {
    void this.kick();
  }

  /** The rows are the queue: they run one at a time (GEOR_CONCURRENT_JOBS) in the order inserted. */
  async enqueueAll(): Promise<void> {
    void this.kick();
  }

  private async kick(): Promise<void> {
    if (this.kicking) return;
    this.kicking = true;
    try {
      while (!this.stopped && this.runs.size < this.concurrency) {
        const id = await this.store.experiments.nextQueued([...this.runs.keys()]);
        if (!id) break;
        const run = this.runner
          .run(id)
          .catch((e: Error) => this.log(`experiment ${id}: ${e.message}`))
          .finally(() => {
            this.runs.delete(id);
            void this.kick();
          });
        this.runs.set(id, run);
      }
    } finally {
      this.kicking = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.runner.stopAll();
    await Promise.allSettled([...this.runs.values()]);
  }
}

export async function startBoss(databaseUrl: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, max: 4 });
  boss.on("error", (e: Error) => console.error(`pg-boss: ${e.message}`));
  await boss.start();
  // Training can run for hours; dead workers are detected by the heartbeat, not by expiry.
  await boss.createQueue(EXPERIMENT_QUEUE, { name: EXPERIMENT_QUEUE, expireInHours: 23, retryLimit: 2 });
  return boss;
}

/** PostgreSQL mode, API side: only sends. */
export class PgBossQueue implements JobQueue {
  constructor(private readonly boss: PgBoss) {}
  async enqueue(id: string): Promise<void> {
    await this.boss.send(EXPERIMENT_QUEUE, { id });
  }

  /**
   * One INSERT for every job, so a failure queues none. Jobs inserted together share their
   * creation time and pg-boss then takes them by job id: ids that begin with their position keep
   * the given order (the rest of each id is random).
   */
  async enqueueAll(ids: string[]): Promise<void> {
    await this.boss.insert(
      ids.map((id, i) => ({
        id: `${i.toString(16).padStart(8, "0")}${randomUUID().slice(8)}`,
        name: EXPERIMENT_QUEUE,
        data: { id },
      })),
    );
  }
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
  }
}

/** PostgreSQL mode, worker side: takes jobs one at a time and re-queues experiments of dead workers. */
export class PgWorker {
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly boss: PgBoss,
    private readonly store: Store,
    private readonly runner: JobRunner,
    private readonly staleAfterMs: number,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.sweep();
    await this.boss.work<{ id: string }>(
      EXPERIMENT_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 1 },
      async ([job]) => {
        const outcome = await this.runner.run(job.data.id);
        this.log(`experiment ${job.data.id}: ${outcome}`);
      },
    );
    this.sweepTimer = setInterval(
      () => void this.sweep().catch((e) => this.log(`sweep: ${e.message}`)),
      Math.max(1000, this.staleAfterMs / 2),
    );
  }

  /** Experiments whose worker stopped beating go back to the queue. */
  private async sweep(): Promise<void> {
    for (const id of await this.store.experiments.staleRunning(this.staleAfterMs)) {
      this.log(`experiment ${id}: its worker stopped beating; queued again to resume from its checkpoint`);
      await this.store.experiments.requeue(id);
      await this.boss.send(EXPERIMENT_QUEUE, { id });
    }
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.runner.stopAll();
    await this.boss.stop({ graceful: false, wait: true });
  }
}
