/**
 * From metadata rows to import candidates: each row's id, image file, coordinate and meta,
 * or the reason it is bad. Checks that need no image I/O happen here, in file order (the
 * coordinate, then a duplicate id, then where the image file is); decoding comes later.
 */
import path from "node:path";
import { assertCoordinate } from "@geor/geo";
import {
  type Candidates,
  type Columns,
  describeCandidates,
  FORMATS,
  type ImportFormat,
  resolveColumn,
} from "./formats.ts";
import { csvLine, type Problem, type Rejected } from "./problems.ts";
import { jsonCell, readCsv, readJsonl } from "./read-rows.ts";

/** A row that passed the metadata checks; its image is still to be read. */
export interface Candidate {
  file: string;
  line: number | null;
  /** The original record, for rejected.csv if the image turns out bad. */
  row: string;
  id: string;
  /** Image path relative to the images root, "/"-separated. */
  image: string;
  /** Undefined for exif, whose coordinate comes from the image itself. */
  lat?: number;
  lon?: number;
  meta?: Record<string, string>;
}

export interface RowsResult {
  /** Data rows read (CSV records, JSONL lines, image files). */
  total: number;
  candidates: Candidate[];
  rejected: Rejected[];
  /** Header-level problems (a missing column): every row is unusable. */
  fatal: Problem[];
  /** The resolved column names, for the manifest config. */
  columns: Record<string, string>;
}

/** Parses a coordinate cell: an empty cell is NaN (Number("") would be 0, a real place). */
function parseCoord(text: string | undefined): number {
  const t = text?.trim() ?? "";
  return t === "" ? Number.NaN : Number(t);
}

/** assertCoordinate's message, plus the raw cell text when it was not a number at all. */
export function coordinateProblem(latText: string, lonText: string, latCol: string, lonCol: string): string | null {
  const lat = parseCoord(latText);
  const lon = parseCoord(lonText);
  try {
    assertCoordinate(lat, lon);
    return null;
  } catch (err) {
    const msg = (err as Error).message;
    const bad = msg.startsWith("latitude") ? { v: lat, col: latCol, t: latText } : { v: lon, col: lonCol, t: lonText };
    return Number.isNaN(bad.v) ? `${msg} (${bad.col} is ${JSON.stringify(bad.t)})` : msg;
  }
}

/**
 * A row's image value as a path under the images root, or the reason it cannot be one.
 * Windows separators are accepted; a path leaving the root is refused (it would read files
 * outside the dataset the user pointed at).
 */
export function relativeImagePath(value: string): { rel: string } | { reason: string } {
  const v = value.trim().replaceAll("\\", "/");
  if (v === "") return { reason: "missing image (empty image cell)" };
  const rel = path.posix.normalize(v);
  if (path.posix.isAbsolute(rel) || rel === ".." || rel.startsWith("../")) {
    return { reason: `missing image "${value}" (the path leaves the images directory)` };
  }
  return { rel };
}

interface Accessors {
  keys: readonly string[];
  get: (key: string) => string | undefined;
}

interface RowContext {
  format: ImportFormat;
  file: string;
  columns: Columns;
  imagesDir: string;
  /** basename → relative path, for OSV-5M's id lookup. */
  byBasename?: Map<string, string>;
  seen: Map<string, number>;
}

type Resolved = { names: Record<string, string> } | { missing: Candidates[] };

function resolveAll(keys: readonly string[], columns: Columns): Resolved {
  const roles: Array<[string, Candidates | undefined]> = [
    ["id", columns.id],
    ["image", columns.image],
    ["lat", columns.lat],
    ["lon", columns.lon],
    ...columns.extra.map((c, i): [string, Candidates] => [`extra${i}`, [c]]),
  ];
  const names: Record<string, string> = {};
  const missing: Candidates[] = [];
  for (const [role, cands] of roles) {
    if (!cands) continue;
    const hit = resolveColumn(keys, cands);
    if (hit === null) missing.push(cands);
    else names[role] = hit;
  }
  // Two roles may share a column (OSV-5M's id is also its image name): report it once.
  const unique = missing.filter((m, i) => missing.findIndex((o) => o.join() === m.join()) === i);
  return unique.length > 0 ? { missing: unique } : { names };
}

/** Builds one candidate, or the reason the row is bad. */
function toCandidate(
  ctx: RowContext,
  line: number,
  row: string,
  names: Record<string, string>,
  acc: Accessors,
): Candidate | string {
  const coordProblem = coordinateProblem(acc.get(names.lat) ?? "", acc.get(names.lon) ?? "", names.lat, names.lon);
  if (coordProblem) return coordProblem;
  const imageValue = acc.get(names.image) ?? "";
  const located = FORMATS[ctx.format].lookup === "osv5m-id" ? null : relativeImagePath(imageValue);
  let id: string;
  if (names.id !== undefined) {
    id = (acc.get(names.id) ?? "").trim();
    if (id === "") return `missing id (empty "${names.id}" cell)`;
  } else id = located && "rel" in located ? located.rel : imageValue.trim();
  const first = ctx.seen.get(id);
  if (first !== undefined) return `duplicate id "${id}" (first on line ${first})`;
  ctx.seen.set(id, line);

  let image: string;
  if (located === null) {
    // OSV-5M: <id>.jpg somewhere below the images root.
    const found = ctx.byBasename?.get(`${id}.jpg`);
    if (found === undefined) return `missing image "${id}.jpg" (not found anywhere under ${ctx.imagesDir})`;
    image = found;
  } else if ("reason" in located) return located.reason;
  else image = located.rel;

  // meta: the columns not used for id/image/coordinate ("rest"), or the format's own list.
  const roleColumns = new Set([names.id, names.image, names.lat, names.lon]);
  const metaSpec = FORMATS[ctx.format].meta;
  const metaKeys = metaSpec === "rest" ? acc.keys.filter((k) => !roleColumns.has(k)) : metaSpec;
  const meta: Record<string, string> = {};
  for (const k of metaKeys) {
    const v = acc.get(k);
    if (v !== undefined) meta[k] = v;
  }
  return {
    file: ctx.file,
    line,
    row,
    id,
    image,
    lat: parseCoord(acc.get(names.lat)),
    lon: parseCoord(acc.get(names.lon)),
    ...(Object.keys(meta).length > 0 ? { meta } : {}),
  };
}

/** Reads a CSV or JSONL metadata file into candidates and rejected rows. */
export async function readMetadataRows(
  format: ImportFormat,
  file: string,
  columns: Columns,
  imagesDir: string,
  byBasename?: Map<string, string>,
): Promise<RowsResult> {
  const ctx: RowContext = { format, file, columns, imagesDir, byBasename, seen: new Map() };
  const candidates: Candidate[] = [];
  const rejected: Rejected[] = [];
  const accept = (line: number, row: string, out: Candidate | string) => {
    if (typeof out === "string") rejected.push({ file, line, reason: out, row });
    else candidates.push(out);
  };

  if (FORMATS[format].reader === "jsonl") {
    const rows = await readJsonl(file);
    for (const r of rows) {
      if (r.error) {
        rejected.push({ file, line: r.line, reason: r.error, row: r.text });
        continue;
      }
      const keys = Object.keys(r.value);
      const resolved = resolveAll(keys, columns);
      if ("missing" in resolved) {
        const reason = resolved.missing.map((m) => `missing column ${describeCandidates(m)}`).join("; ");
        rejected.push({ file, line: r.line, reason, row: r.text });
        continue;
      }
      accept(
        r.line,
        r.text,
        toCandidate(ctx, r.line, r.text, resolved.names, { keys, get: (k) => jsonCell(r.value[k]) }),
      );
    }
    return { total: rows.length, candidates, rejected, fatal: [], columns: namesOf(columns) };
  }

  const table = await readCsv(file);
  const resolved = resolveAll(table.header, columns);
  if ("missing" in resolved) {
    const fatal = resolved.missing.map((m) => ({
      file,
      line: table.headerLine,
      reason: `missing column ${describeCandidates(m)} (header: ${table.header.join(",")})`,
    }));
    return { total: table.rows.length, candidates, rejected, fatal, columns: {} };
  }
  const index = new Map(table.header.map((h, i) => [h, i]));
  for (const r of table.rows) {
    const row = csvLine(r.cells);
    if (r.error) {
      rejected.push({ file, line: r.line, reason: r.error, row });
      continue;
    }
    const get = (k: string) => {
      const i = index.get(k);
      return i === undefined ? undefined : r.cells[i];
    };
    accept(r.line, row, toCandidate(ctx, r.line, row, resolved.names, { keys: table.header, get }));
  }
  return { total: table.rows.length, candidates, rejected, fatal: [], columns: resolved.names };
}

/** The configured column names (for JSONL, whose keys are resolved per line). */
function namesOf(columns: Columns): Record<string, string> {
  const out: Record<string, string> = { image: columns.image[0], lat: columns.lat[0], lon: columns.lon[0] };
  if (columns.id) out.id = columns.id[0];
  return out;
}
