/**
 * The rows of an addPredictions call, whatever they came as: the `predictions` argument (named by
 * their 1-based position) or an uploaded file (named by line): CSV with a header (`sample_id` or
 * `id`, `lat`, `lon`, optional `answer`, `confidence`) or JSON lines with the same keys (`sampleId`
 * accepted too). The file is streamed, never held whole; which format it is comes from its name
 * (.csv, .jsonl / .ndjson / .json) or, failing that, from its first character (`{`: JSON lines).
 */
import { Readable } from "node:stream";
import { csvRecords, type ExternalPredictionInput, jsonlRecords } from "@geor/core";

/** One row to score, with where it was (for error messages) or a problem found reading it. */
export type PredictionRowIn = { where: string; input: ExternalPredictionInput } | { where: string; problem: string };

export interface PredictionArgument {
  sampleId: string;
  lat?: number | null;
  lon?: number | null;
  answer?: string | null;
  confidence?: number | null;
}

export function* argumentRows(rows: PredictionArgument[]): Generator<PredictionRowIn> {
  for (let i = 0; i < rows.length; i++) yield { where: `row ${i + 1}`, input: rows[i] as ExternalPredictionInput };
}

const SAMPLE_KEYS = ["sample_id", "sampleId", "id"];
const KNOWN_KEYS = new Set([...SAMPLE_KEYS, "lat", "lon", "answer", "confidence"]);

/** A CSV cell as a number: empty is null, anything else must read as a number. */
function csvNumber(cell: string | undefined, column: string): number | null | { problem: string } {
  if (cell === undefined || cell.trim() === "") return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : { problem: `${column} "${cell.slice(0, 40)}" is not a number` };
}

async function* csvRows(stream: Readable, name: string): AsyncGenerator<PredictionRowIn> {
  let col: Record<string, number> = {};
  for await (const r of csvRecords({ stream, name })) {
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
    const where = `line ${line}`;
    if (error) {
      yield { where, problem: error };
      continue;
    }
    const lat = csvNumber(cells[col.lat], "lat");
    const lon = csvNumber(cells[col.lon], "lon");
    const confidence = csvNumber(cells[col.confidence], "confidence");
    const bad = [lat, lon, confidence].find((v) => v !== null && typeof v === "object");
    if (bad) {
      yield { where, problem: (bad as { problem: string }).problem };
      continue;
    }
    const answer = col.answer === undefined ? null : cells[col.answer] || null;
    yield {
      where,
      input: { sampleId: cells[col.sample_id], lat, lon, answer, confidence } as ExternalPredictionInput,
    };
  }
}

async function* jsonlRows(stream: Readable, name: string): AsyncGenerator<PredictionRowIn> {
  for await (const r of jsonlRecords({ stream, name })) {
    const where = `line ${r.line}`;
    if (r.error) {
      yield { where, problem: r.error };
      continue;
    }
    const v = r.value;
    const unknown = Object.keys(v).filter((k) => !KNOWN_KEYS.has(k));
    if (unknown.length > 0) {
      yield { where, problem: `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}` };
      continue;
    }
    const sampleId = SAMPLE_KEYS.map((k) => v[k]).find((x) => x !== undefined);
    yield { where, input: { sampleId, lat: v.lat, lon: v.lon, answer: v.answer, confidence: v.confidence } };
  }
}

export class UploadFormatError extends Error {
  override name = "UploadFormatError";
}

/** The rows of an uploaded CSV or JSON-lines file. */
export async function* uploadRows(stream: Readable, filename: string): AsyncGenerator<PredictionRowIn> {
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
