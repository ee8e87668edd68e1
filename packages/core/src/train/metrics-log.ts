/** metrics.jsonl of a run: one JSON object per line, each with the step it belongs to. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

export function appendMetrics(file: string, row: { type: string; step: number } & Record<string, unknown>): void {
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/**
 * Keeps metrics.jsonl consistent with a checkpoint: drops lines past `step`, so a resumed run
 * neither duplicates nor loses a row.
 */
export function truncateMetrics(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0 && (JSON.parse(line) as { step: number }).step <= step);
  writeFileSync(file, kept.length > 0 ? `${kept.join("\n")}\n` : "");
}
