import path from "node:path";
import type { BackendName } from "../backend/select.ts";
import { georHome } from "../data/store.ts";

/** What every trainer (SFT, RL) takes besides its own configs; P is its progress report. */
export interface RunOptions<P> {
  /** Run directory. */
  out: string;
  backend?: BackendName | "auto";
  /** Continue from out/checkpoint if it exists. */
  resume?: boolean;
  /** Stop after this many steps in this call (tests and fault drills); the run can be resumed. */
  stopAfterSteps?: number;
  /** Aborting stops the run after the current step and saves a checkpoint (cancellation). */
  signal?: AbortSignal;
  onProgress?: (p: P) => void;
  /** Called once a checkpoint of a new step is complete on disk (the run can resume from it). */
  onCheckpoint?: (step: number, dir: string) => void;
  log?: (line: string) => void;
}

/** A bare name resolves to $GEOR_HOME/runs/<name>; anything with a path separator is a path. */
export function resolveRunDir(nameOrPath: string): string {
  if (nameOrPath.includes("/") || nameOrPath.includes(path.sep) || nameOrPath.startsWith("."))
    return path.resolve(nameOrPath);
  return path.join(georHome(), "runs", nameOrPath);
}
