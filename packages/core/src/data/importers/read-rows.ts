/**
 * Reading the metadata rows: CSV (with a header), JSONL, and the image files of a folder.
 *
 * CSV is parsed here rather than with csv-parse because every problem must name the exact
 * 1-based line where its record starts: csv-parse's `info.lines` is the line where a record
 * ends and miscounts CRLF line breaks inside quoted fields, and its per-record sync API is
 * too slow for MP-16's 4.7M rows. Lines are split as an editor counts them (\n, \r\n and \r all
 * end a line), a chunk at a time; a record continues onto the next line only inside quotes.
 */
import { createReadStream } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

export interface CsvRow {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
  /** Set when the record is malformed (then cells may be incomplete). */
  error?: string;
}

export interface CsvTable {
  header: string[];
  headerLine: number;
  rows: CsvRow[];
}

/** A file path, or a stream of its bytes (an upload), and how errors name it. */
export type TextSource = string | { stream: Readable; name: string };
const sourceName = (src: TextSource) => (typeof src === "string" ? src : src.name);

/** Line breaks as an editor counts them: \n, \r\n and a lone \r. */
const LINE_BREAK = /\r\n|\r|\n/;

/** Some consecutive lines of a text: `lines[k]` is line `first + k` (1-based). */
export interface LineBatch {
  first: number;
  lines: string[];
}

/**
 * The lines of a text file or stream, a chunk's worth at a time (one array per chunk read, not a
 * promise per line: readline's per-line iteration cost more than parsing the lines), BOM stripped.
 * A \r at the end of a chunk waits for the next one, which may start with the \n of a \r\n.
 */
export async function* lineBatches(src: TextSource): AsyncGenerator<LineBatch> {
  const input =
    typeof src === "string"
      ? createReadStream(src, { encoding: "utf8" })
      : src.stream.readableObjectMode
        ? src.stream
        : src.stream.setEncoding("utf8");
  let carry = "";
  let next = 1;
  const batch = (lines: string[]): LineBatch => {
    if (next === 1 && lines[0].startsWith("\ufeff")) lines[0] = lines[0].slice(1);
    const b = { first: next, lines };
    next += lines.length;
    return b;
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let text = carry + chunk;
    const heldCr = text.endsWith("\r");
    if (heldCr) text = text.slice(0, -1);
    const lines = text.split(LINE_BREAK);
    carry = (lines.pop() as string) + (heldCr ? "\r" : "");
    if (lines.length > 0) yield batch(lines);
  }
  // The last line: one the text ends inside, or one a final lone \r ends.
  if (carry.endsWith("\r")) yield batch([carry.slice(0, -1)]);
  else if (carry !== "") yield batch([carry]);
}

/** Parser state of one record, which may span lines inside a quoted field. */
interface RecordState {
  cells: string[];
  field: string;
  inQuotes: boolean;
  fieldStart: boolean;
}

/** Feeds one line into the record; true when the record is complete at the line's end. */
function feedLine(s: RecordState, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (s.inQuotes) {
      if (c !== '"') s.field += c;
      else if (text[i + 1] === '"') {
        s.field += '"';
        i++;
      } else s.inQuotes = false;
    } else if (c === ",") {
      s.cells.push(s.field);
      s.field = "";
      s.fieldStart = true;
    } else if (c === '"' && s.fieldStart) {
      s.inQuotes = true;
      s.fieldStart = false;
    } else {
      // A quote inside an unquoted field is kept literally (lenient, like most readers).
      s.field += c;
      s.fieldStart = false;
    }
  }
  if (s.inQuotes) {
    s.field += "\n";
    return false;
  }
  s.cells.push(s.field);
  return true;
}

type CsvRecord = { header: string[]; headerLine: number } | { row: CsvRow };

/**
 * The records of a comma-separated file with a header line, streamed: first `{ header }`, then
 * one `{ row }` per record. Empty lines are skipped; a record whose field count differs from the
 * header's, or a quote left open at the end of the file, comes back with `error` set. Throws when
 * the file has no header.
 */
export async function* csvRecords(file: TextSource): AsyncGenerator<CsvRecord> {
  for await (const batch of csvRecordBatches(file)) yield* batch;
}

/** csvRecords a chunk of lines at a time: the records that end in each chunk, in order. */
export async function* csvRecordBatches(file: TextSource): AsyncGenerator<CsvRecord[]> {
  let header: string[] | null = null;
  let state: RecordState | null = null;
  let start = 0;
  function finish(cells: string[], line: number): CsvRecord {
    if (header === null) {
      header = cells.map((h) => h.trim());
      return { header, headerLine: line };
    }
    if (cells.length !== header.length) {
      return { row: { line, cells, error: `malformed row: ${cells.length} fields, the header has ${header.length}` } };
    }
    return { row: { line, cells } };
  }
  for await (const { first, lines } of lineBatches(file)) {
    const out: CsvRecord[] = [];
    for (let k = 0; k < lines.length; k++) {
      const text = lines[k];
      const line = first + k;
      if (state === null) {
        if (text === "") continue;
        // Fast path: the common record has no quotes and sits on one line.
        if (!text.includes('"')) {
          out.push(finish(text.split(","), line));
          continue;
        }
        state = { cells: [], field: "", inQuotes: false, fieldStart: true };
        start = line;
      }
      if (feedLine(state, text)) {
        out.push(finish(state.cells, start));
        state = null;
      }
    }
    if (out.length > 0) yield out;
  }
  if (state !== null) {
    if (header === null) throw new Error(`${sourceName(file)}:${start}: the header line has an unclosed quote`);
    yield [{ row: { line: start, cells: state.cells, error: "malformed row: a quote opened here is never closed" } }];
  }
  if (header === null) throw new Error(`${sourceName(file)}: empty, expected a header line with column names`);
}

/** Reads a whole comma-separated file with a header line (see csvRecords). */
export async function readCsv(file: string): Promise<CsvTable> {
  let header: string[] = [];
  let headerLine = 0;
  const rows: CsvRow[] = [];
  for await (const r of csvRecords(file)) {
    if ("row" in r) rows.push(r.row);
    else ({ header, headerLine } = r);
  }
  return { header, headerLine, rows };
}

export interface JsonlRow {
  line: number;
  value: Record<string, unknown>;
  /** Set when the line is not a JSON object (then value is {}). */
  error?: string;
  text: string;
}

/** The objects of a JSON-lines file, streamed: one per non-empty line. */
export async function* jsonlRecords(file: TextSource): AsyncGenerator<JsonlRow> {
  for await (const batch of jsonlRecordBatches(file)) yield* batch;
}

/** jsonlRecords a chunk of lines at a time. */
export async function* jsonlRecordBatches(file: TextSource): AsyncGenerator<JsonlRow[]> {
  for await (const { first, lines } of lineBatches(file)) {
    const out: JsonlRow[] = [];
    for (let k = 0; k < lines.length; k++) {
      const text = lines[k];
      const line = first + k;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        out.push({ line, value: {}, text, error: `invalid JSON: ${(err as Error).message}` });
        continue;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value))
        out.push({ line, value: {}, text, error: "not a JSON object" });
      else out.push({ line, value: value as Record<string, unknown>, text });
    }
    if (out.length > 0) yield out;
  }
}

/** Reads a whole JSON-lines file (see jsonlRecords). */
export async function readJsonl(file: string): Promise<JsonlRow[]> {
  const rows: JsonlRow[] = [];
  for await (const r of jsonlRecords(file)) rows.push(r);
  return rows;
}

/** A JSONL value as the string stored in meta or parsed as a number. */
export function jsonCell(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export interface FoundFile {
  /** Path relative to the walked root, with "/" separators. */
  rel: string;
  /** Size in bytes, when asked for. */
  size: number;
}

/**
 * Every file below `root`, sorted by relative path (code-unit order, the same on every
 * machine). Symlinked files and folders are followed; a folder is visited once.
 */
export async function walkFiles(root: string, opts: { sizes?: boolean } = {}): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string, relDir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const st = await stat(abs).catch(() => null);
        isDir = st?.isDirectory() ?? false;
        isFile = st?.isFile() ?? false;
      }
      if (isDir) await visit(abs, rel);
      else if (isFile) out.push({ rel, size: opts.sizes ? (await stat(abs)).size : 0 });
    }
  };
  await visit(root, "");
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
