/** What the API (or a worker process) and its compute thread say to each other. */

import type { ExperimentConfig } from "@geor/core";
import type { NewPrediction } from "../store/predictions.ts";
import type { StageName, StageStatus } from "../store/types.ts";

export type Task =
  | {
      kind: "experiment";
      experimentId: string;
      runDir: string;
      dataset: string;
      config: ExperimentConfig;
      /** Stages finished by an earlier attempt (a retry skips them). */
      done: StageName[];
      /** Rows per predictions message, each written in one transaction. */
      predictionBatchRows: number;
    }
  | { kind: "buildDataset"; name: string; config: Record<string, unknown>; overwrite: boolean }
  | { kind: "importDataset"; options: Record<string, unknown> };

export type ThreadMessage =
  | { type: "stage"; stage: StageName; status: StageStatus; message?: string; totalSteps?: number | null }
  | {
      type: "resume";
      stage: StageName;
      /** The checkpoint's step. */
      step: number;
      /** Every step up to it with the values its progress message carried (from the run's own metric log). */
      points: Array<{ step: number; values: Record<string, number> }>;
    }
  | { type: "progress"; stage: StageName; step: number; totalSteps: number | null; values: Record<string, number> }
  | { type: "log"; stage: StageName | null; line: string }
  | { type: "checkpoint"; stage: StageName; step: number; path: string }
  | { type: "predictions"; rows: NewPrediction[] }
  | { type: "result"; value: unknown }
  | { type: "cancelled" }
  | { type: "error"; message: string; name: string };

/** Index of the cancel flag in the shared Int32Array. */
export const CANCEL_FLAG = 0;
