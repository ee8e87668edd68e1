/**
 * Bad input rows: the problem record, the all-or-nothing error that lists them, and
 * rejected.csv for --skip-bad imports.
 */
import { writeFile } from "node:fs/promises";

/** One bad row (or the header). `line` is 1-based; null for exif images, which have no line. */
export interface Problem {
  file: string;
  line: number | null;
  reason: string;
}

/** A rejected row: its problem and the original record, for rejected.csv. */
export interface Rejected extends Problem {
  /** The source record re-encoded (a CSV line or a JSON object); "" for exif. */
  row: string;
}

/** How many problems an ImportError message lists before "… and N more". */
export const MAX_LISTED_PROBLEMS = 20;

/** `file:line: reason`, or `file: reason` without a line. */
export function formatProblem(p: Problem): string {
  return p.line === null ? `${p.file}: ${p.reason}` : `${p.file}:${p.line}: ${p.reason}`;
}

/** Thrown when bad rows stop an import; nothing was stored. `problems` holds all of them. */
export class ImportError extends Error {
  override name = "ImportError";
  readonly problems: Problem[];

  constructor(summary: string, problems: Problem[]) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${formatProblem(p)}`);
    const more = problems.length - listed.length;
    if (more > 0) listed.push(`  … and ${more} more`);
    super(listed.length > 0 ? `${summary}\n${listed.join("\n")}` : summary);
    this.problems = problems;
  }
}

/** RFC 4180 quoting: only when a value holds a comma, quote or line break (or edge spaces). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The values as one CSV record, each quoted only when needed. */
export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(",");
}

/** Writes rejected.csv: file,line,reason,row (row = the original record). */
export async function writeRejectedCsv(file: string, rejected: readonly Rejected[]): Promise<void> {
  const lines = [csvLine(["file", "line", "reason", "row"])];
  for (const r of rejected) lines.push(csvLine([r.file, r.line === null ? "" : String(r.line), r.reason, r.row]));
  await writeFile(file, `${lines.join("\n")}\n`);
}
