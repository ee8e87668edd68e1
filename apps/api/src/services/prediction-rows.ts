/**
 * The rows of an addPredictions call, whatever they came as: the `predictions` argument (named by
 * their 1-based position) or an uploaded file (named by line): CSV with a header (`sample_id` or
 * `id`, `lat`, `lon`, optional `answer`, `confidence`) or JSON lines with the same keys (`sampleId`
 * accepted too). The file is streamed, never held whole, and comes a chunk of rows at a time; which
 * format it is comes from its name (.csv, .jsonl / .ndjson / .json) or, failing that, from its
 * first character (`{`: JSON lines).
 */
import { Readable } from "node:stream";
import { csvRecordBatches, type ExternalPredictionInput, jsonlRecordBatches } from "@geor/core";

/** One row to score, with where it was (`at`: its position or line) or a problem found reading it. */
export type PredictionRowIn = { at: number; input: ExternalPredictionInput } | { at: number; problem: string };

/** An addPredictions call's rows in batches, and what their `at` counts ("row 3", "line 7"). */
export interface PredictionRowSource {
  unit: "row" | "line";
  batches: AsyncIterable<PredictionRowIn[]> | Iterable<PredictionRowIn[]>;
}

export interface PredictionArgument {
  sampleId: string;
  lat?: number | null;
  lon?: number | null;
  answer?: string | null;
  confidence?: number | null;
}

export function argumentRows(rows: PredictionArgument[]): PredictionRowSource {
  return { unit: "row", batches: [rows.map((input, i) => ({ at: i + 1, input: input as ExternalPredictionInput }))] };
}

const KNOWN_KEYS = new Set(["sample_id", "sampleId", "id", "lat", "lon", "answer", "confidence"]);

/** A CSV cell as a number: empty is null, anything else must read as a number. */
function csvNumber(cell: string | undefined, column: string): number | null | { problem: string } {
  if (cell === undefined || cell.trim() === "") return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : { problem: `${column} "${cell.slice(0, 40)}" is not a number` };
}

async function* csvRows(stream: Readable, name: string): AsyncGenerator<PredictionRowIn[]> {
  let col: Record<string, number> = {};
  for await (const records of csvRecordBatches({ stream, name })) {
    const out: PredictionRowIn[] = [];
    for (const r of records) {
      if ("header" in r) {
        col = Object.fromEntries(r.header.map((h, i) => [h.toLowerCase(), i]));
        col.sample_id ??= col.id;
        const coordinates = col.lat !== undefined && col.lon !== undefined;
        if (col.sample_id === undefined || !(coordinates || col.answer !== undefined))
          throw new UploadFormatError(
            `${name}: line ${r.headerLine}: the CSV header needs sample_id (or id) and lat, lon or answer; it has ${r.header.join(", ")}`,
          );
        continue;
      }
      const { line, cells, error } = r.row;
      if (error) {
        out.push({ at: line, problem: error });
        continue;
      }
      const lat = csvNumber(cells[col.lat], "lat");
      const lon = csvNumber(cells[col.lon], "lon");
      const confidence = csvNumber(cells[col.confidence], "confidence");
      const bad = [lat, lon, confidence].find((v) => v !== null && typeof v === "object");
      if (bad) {
        out.push({ at: line, problem: (bad as { problem: string }).problem });
        continue;
      }
      const answer = col.answer === undefined ? null : cells[col.answer] || null;
      out.push({
        at: line,
        input: { sampleId: cells[col.sample_id], lat, lon, answer, confidence } as ExternalPredictionInput,
      });
    }
    if (out.length > 0) yield out;
  }
}

async function* jsonlRows(stream: Readable, name: string): AsyncGenerator<PredictionRowIn[]> {
  for await (const records of jsonlRecordBatches({ stream, name })) {
    const out: PredictionRowIn[] = [];
    for (const r of records) {
      if (r.error) {
        out.push({ at: r.line, problem: r.error });
        continue;
      }
      const v = r.value;
      const unknown: string[] = [];
      for (const k in v) if (!KNOWN_KEYS.has(k)) unknown.push(k);
      if (unknown.length > 0) {
        out.push({ at: r.line, problem: `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}` });
        continue;
      }
      const sampleId = v.sample_id !== undefined ? v.sample_id : v.sampleId !== undefined ? v.sampleId : v.id;
      out.push({ at: r.line, input: { sampleId, lat: v.lat, lon: v.lon, answer: v.answer, confidence: v.confidence } });
    }
    yield out;
  }
}

export class UploadFormatError extends Error {
  override name = "UploadFormatError";
}

/** The rows of an uploaded CSV or JSON-lines file. */
export function uploadRows(stream: Readable, filename: string): PredictionRowSource {
  return { unit: "line", batches: uploadBatches(stream, filename) };
}

async function* uploadBatches(stream: Readable, filename: string): AsyncGenerator<PredictionRowIn[]> {
  const ext = /\.([a-z]+)$/i.exec(filename)?.[1]?.toLowerCase();
  let jsonLines: boolean;
  let source: Readable = stream;
  if (ext === "csv") jsonLines = false;
  else if (ext === "jsonl" || ext === "ndjson" || ext === "json") jsonLines = true;
  else {
    // No telling extension: look at the first non-blank character, then read on from the start.
    stream.setEncoding("utf8");
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    const head = first.done ? "" : String(first.value);
    jsonLines = head.trimStart().startsWith("{");
    source = Readable.from(
      (async function* () {
        if (!first.done) yield first.value;
        for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
      })(),
    );
  }
  yield* jsonLines ? jsonlRows(source, filename) : csvRows(source, filename);
}
