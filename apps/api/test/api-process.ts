/**
 * The API as its own process (`src/main.ts`) on 127.0.0.1, for drills that kill it or load it
 * from outside and for the benchmark that samples its memory. No side effects on import (the
 * test harness in helpers.ts makes a GEOR_HOME when loaded; the benchmark must not).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { heapArgs } from "../heap.mjs";

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (the API closes and exits, writing a --cpu-prof profile), then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts the API with the environment plus `env` (GEOR_HOME, DATABASE_URL, GEOR_API_TOKEN, …)
 * and the heap bound `npm start` gives it (heap.mjs); `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function spawnApiProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ApiProcess> {
  const child = spawn(
    process.execPath,
    [...heapArgs({ ...process.env, ...env }), ...nodeArgs, "--import", "tsx", "src/main.ts"],
    {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      const m = /Geo-R Lab API on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`the API exited before it listened: ${out}`)));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    child,
    async kill() {
      if (running()) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (running()) child.kill("SIGTERM");
      await exited;
    },
  };
}
