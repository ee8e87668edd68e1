/**
 * Runs one experiment: claims it, starts its compute thread, turns the thread's messages into
 * database writes (stage progress, metric series, logs, checkpoints, predictions in batches),
 * beats a heartbeat and forwards a cancel request to the thread. The same code serves the API's
 * in-process queue (SQLite) and the pg-boss workers (PostgreSQL).
 */

import { validateExperimentConfig } from "@geor/core";
import type { MetricPoint, Store } from "../store/index.ts";
import type { StageName } from "../store/types.ts";
import type { ThreadMessage } from "./protocol.ts";
import { type RunningTask, spawnTask } from "./spawn.ts";

const HEARTBEAT_MS = 1000;
const FLUSH_MS = 1000;

export type RunOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "NOT_CLAIMED" | "INTERRUPTED";

export class JobRunner {
  private readonly running = new Map<string, RunningTask>();

  constructor(
    private readonly store: Store,
    private readonly worker: string,
    private readonly log: (line: string) => void = () => {},
    private readonly predictionBatchRows = 2000,
  ) {}

  async run(id: string): Promise<RunOutcome> {
    const exps = this.store.experiments;
    const records = this.store.records;
    if (!(await exps.claim(id, this.worker))) return "NOT_CLAIMED";
    const exp = await exps.get(id);
    if (!exp) return "NOT_CLAIMED";
    const stages = await exps.stages(id);
    const done = stages.filter((s) => s.status === "SUCCEEDED").map((s) => s.name as StageName);
    const config = validateExperimentConfig(JSON.parse(exp.config));
    await records.appendLog(id, null, `attempt ${exp.attempts + 1} on ${this.worker}`);

    let pending: MetricPoint[] = [];
    let progress: { stage: StageName; step: number; totalSteps: number | null } | null = null;
    let outcome = "FAILED" as RunOutcome;
    let error: string | undefined;
    let finalMetrics: unknown;
    let lastFlush = 0;
    const flush = async () => {
      lastFlush = Date.now();
      const points = pending;
      pending = [];
      await records.appendMetrics(id, points);
      if (progress) {
        const p = progress;
        progress = null;
        await exps.updateStage(id, p.stage, { step: p.step, totalSteps: p.totalSteps });
      }
    };
    const handle = async (m: ThreadMessage) => {
      switch (m.type) {
        case "stage":
          await flush();
          if (m.stage === "EVAL" && m.status === "RUNNING") await this.store.predictions.deleteFor(id);
          await exps.updateStage(id, m.stage, {
            status: m.status,
            ...(m.message !== undefined ? { message: m.message } : {}),
            ...(m.totalSteps !== undefined ? { totalSteps: m.totalSteps, step: m.totalSteps ?? 0 } : {}),
          });
          if (m.message) await records.appendLog(id, m.stage, m.message);
          break;
        case "resume": {
          // The run goes back to its checkpoint: later points go, missing earlier ones come back.
          await records.truncateMetrics(id, m.stage, m.step);
          const last = await records.lastMetricStep(id, m.stage);
          await records.appendMetrics(
            id,
            m.points
              .filter((p) => p.step > last)
              .flatMap((p) =>
                Object.entries(p.values).map(([name, value]) => ({ name, stage: m.stage, step: p.step, value })),
              ),
          );
          await records.appendLog(id, m.stage, `resuming from the checkpoint at step ${m.step}`);
          break;
        }
        case "progress":
          progress = { stage: m.stage, step: m.step, totalSteps: m.totalSteps };
          for (const [name, value] of Object.entries(m.values))
            pending.push({ name, stage: m.stage, step: m.step, value });
          // At most one write per second (the timer flushes the tail), but the first step at once.
          if (pending.length >= 500 || Date.now() - lastFlush >= FLUSH_MS) await flush();
          break;
        case "log":
          await records.appendLog(id, m.stage, m.line);
          break;
        case "checkpoint":
          await records.addCheckpoint(id, m.stage, m.step, m.path);
          break;
        case "predictions":
          await this.store.predictions.insertBatch(id, m.rows);
          break;
        case "result":
          outcome = "SUCCEEDED";
          finalMetrics = m.value;
          break;
        case "cancelled":
          outcome = "CANCELLED";
          break;
        case "error":
          outcome = "FAILED";
          error = m.message;
          break;
      }
    };

    const task = spawnTask(
      {
        kind: "experiment",
        experimentId: id,
        runDir: exp.run_dir,
        dataset: exp.dataset,
        config,
        done,
        predictionBatchRows: this.predictionBatchRows,
      },
      handle,
    );
    this.running.set(id, task);
    const flushTimer = setInterval(() => void flush().catch((e) => this.log(`flush ${id}: ${e.message}`)), FLUSH_MS);
    const beat = setInterval(() => {
      exps
        .heartbeat(id)
        .then((cancel) => {
          if (cancel) task.cancel();
        })
        .catch((e) => this.log(`heartbeat ${id}: ${e.message}`));
    }, HEARTBEAT_MS);
    try {
      await task.done;
    } finally {
      clearInterval(flushTimer);
      clearInterval(beat);
      this.running.delete(id);
    }
    // Points of the last second are still pending, also when the server is shutting down.
    await flush();
    if (this.interrupted.has(id)) {
      this.interrupted.delete(id);
      return "INTERRUPTED";
    }
    if (outcome === "SUCCEEDED") await exps.finish(id, "SUCCEEDED", { finalMetrics });
    else if (outcome === "CANCELLED") await exps.finish(id, "CANCELLED");
    else {
      await records.appendLog(id, null, `failed: ${error}`);
      await exps.finish(id, "FAILED", { error: error ?? "unknown error" });
    }
    return outcome;
  }

  private readonly interrupted = new Set<string>();

  /**
   * Server shutdown: ask each run to stop at its next step (its trainer saves a checkpoint, so
   * no step is lost), stop the threads that do not within `graceMs`, and leave the experiments
   * RUNNING so that the next start resumes them.
   */
  async stopAll(graceMs = 20_000): Promise<void> {
    await Promise.all(
      [...this.running.entries()].map(async ([id, t]) => {
        this.interrupted.add(id);
        t.interrupt();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([t.done, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
        clearTimeout(timer);
        await t.terminate();
      }),
    );
  }
}
