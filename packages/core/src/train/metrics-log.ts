/** metrics.jsonl of a run: one JSON object per line, each with the step it belongs to. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

export type MetricsRow = { type: string; step: number } & Record<string, unknown>;

export function appendMetrics(file: string, row: MetricsRow): void {
  try {
    appendFileSync(file, `${JSON.stringify(row)}\n`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`could not append step ${row.step} to ${file}: ${e.code ?? e.name} (${e.message})`, { cause: err });
  }
}

/**
 * The rows of metrics.jsonl. A line cut short (the disk filled up or the machine stopped while
 * it was appended) can only be the last; it is dropped, as its step was never checkpointed.
 */
export function readMetrics(file: string): MetricsRow[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n");
  const rows: MetricsRow[] = [];
  lines.forEach((line, i) => {
    if (line.length === 0) return;
    try {
      rows.push(JSON.parse(line) as MetricsRow);
    } catch (err) {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.length > 0)) {
        throw new Error(`${file}: line ${i + 1} is not JSON (${(err as Error).message})`);
      }
    }
  });
  return rows;
}

/**
 * Keeps metrics.jsonl consistent with a checkpoint: drops lines past `step`, so a resumed run
 * neither duplicates nor loses a row.
 */
export function truncateMetrics(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readMetrics(file)
    .filter((row) => row.step <= step)
    .map((row) => JSON.stringify(row));
  writeFileSync(file, kept.length > 0 ? `${kept.join("\n")}\n` : "");
}
