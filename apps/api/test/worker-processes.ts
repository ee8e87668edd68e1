/**
 * Worker processes for the PostgreSQL drills and the studies bench: `src/worker-main.ts` (what
 * `npm run worker -w @geor/api` runs) spawned against one database and GEOR_HOME, known by the
 * name each gives itself (`<host>-<pid>`, the experiments' worker column); and how a study's
 * runs spread over them in time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";

const apiDir = fileURLToPath(new URL("..", import.meta.url));

export interface WorkerPool {
  /** Worker name → its process. */
  readonly byName: Map<string, ChildProcess>;
  /** Resolves when every worker has said it takes experiments (it listens to the queue). */
  readonly ready: Promise<void>;
  /** SIGKILLs the worker named `name` and waits for it to exit. */
  kill(name: string): Promise<void>;
  /** SIGKILLs every worker still running. */
  stopAll(): Promise<void>;
}

/** Starts `n` workers; a dead worker's run is queued again after `staleMs` without a heartbeat. */
export function startWorkers(n: number, env: { databaseUrl: string; home: string; staleMs: number }): WorkerPool {
  const byName = new Map<string, ChildProcess>();
  const listening: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker-main.ts"], {
      cwd: apiDir,
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        GEOR_HOME: env.home,
        GEOR_JOB_STALE_MS: String(env.staleMs),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    byName.set(`${os.hostname()}-${child.pid}`, child);
    listening.push(
      new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout?.setEncoding("utf8");
        child.stdout?.on("data", (chunk: string) => {
          // Keep reading (a full pipe would stall the worker); look for the line once.
          if (out.length < 4096) out += chunk;
          if (out.includes("taking experiments from")) resolve();
        });
        child.once("exit", () => reject(new Error(`worker ${child.pid} exited before it took experiments: ${out}`)));
      }),
    );
  }
  const ready = Promise.all(listening).then(() => {});
  // A caller that never awaits it must not see a worker's early death as an unhandled rejection.
  ready.catch(() => {});
  const kill = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
  return {
    byName,
    ready,
    async kill(name) {
      const child = byName.get(name);
      if (!child) throw new Error(`no worker named ${name} (workers: ${[...byName.keys()].join(", ")})`);
      await kill(child);
    },
    async stopAll() {
      await Promise.all([...byName.values()].map(kill));
    },
  };
}

/** A run's time on a worker: from its first start to its end (ISO-8601 times). */
export interface RunSpan {
  startedAt: string;
  finishedAt: string;
}

/** The most runs running at one moment, by a sweep over the spans' starts and ends. */
export function maxConcurrent(spans: RunSpan[]): number {
  const events = spans.flatMap((s) => [
    [Date.parse(s.startedAt), 1],
    [Date.parse(s.finishedAt), -1],
  ]);
  // An end before a start at the same millisecond: touching spans do not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of events) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

/** From the first start to the last end, in seconds. */
export function wallSeconds(spans: RunSpan[]): number {
  const start = Math.min(...spans.map((s) => Date.parse(s.startedAt)));
  const end = Math.max(...spans.map((s) => Date.parse(s.finishedAt)));
  return (end - start) / 1000;
}
