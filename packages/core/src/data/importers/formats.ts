/**
 * The import formats: which reader each uses, which columns hold the id, image and coordinate,
 * how the image file is found, which columns are kept as `meta`, and the default split.
 * docs/datasets.md ("Importing benchmarks and photo folders") documents the same table.
 */
import type { Split } from "../format.ts";

export const IMPORT_FORMATS = ["im2gps3k", "yfcc4k", "osv5m", "mp16", "csv", "jsonl", "exif"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** How a row's image value becomes a file under the images root. */
export type ImageLookup =
  /** The value is a path relative to the images root. */
  | "path"
  /**
   * The value is an OSV-5M id; the file is `<id>.jpg` anywhere below the images root (OSV-5M
   * unpacks its zips into numbered subfolders, 00/ … 04/ for test, so the folder is unknown).
   */
  | "osv5m-id";

/** Candidate column names of one role; the first one present in the header wins. */
export type Candidates = readonly string[];

export interface FormatSpec {
  reader: "csv" | "jsonl" | "exif";
  defaultSplit: Split | "auto";
  /** Columns for the preset formats; csv/jsonl take theirs from the options (columnsOf). */
  columns?: { id?: Candidates; image: Candidates; lat: Candidates; lon: Candidates; extra?: Candidates };
  lookup: ImageLookup;
  /** "rest": every column not used for id/image/lat/lon; a list: only those (when present). */
  meta: "rest" | readonly string[];
}

const PLACES365 = { image: ["IMG_ID"], lat: ["LAT"], lon: ["LON"] } as const;

export const FORMATS: Record<ImportFormat, FormatSpec> = {
  // im2gps3k_places365.csv / yfcc4k_places365.csv: IMG_ID,AUTHOR,LAT,LON,S3_Label,… (GeoEstimation, GeoCLIP).
  im2gps3k: { reader: "csv", defaultSplit: "test", columns: PLACES365, lookup: "path", meta: "rest" },
  yfcc4k: { reader: "csv", defaultSplit: "test", columns: PLACES365, lookup: "path", meta: "rest" },
  // OSV-5M train.csv / test.csv: 32 columns; the source's own region names are kept for comparison.
  osv5m: {
    reader: "csv",
    defaultSplit: "auto",
    columns: { id: ["id"], image: ["id"], lat: ["latitude"], lon: ["longitude"], extra: ["country"] },
    lookup: "osv5m-id",
    meta: ["country", "region", "sub-region", "city"],
  },
  // MP-16 (GeoEstimation mp16_places365.csv, MP16-Pro, GeoCLIP-style lists): IMG_ID,LAT,LON or id,lat,lon.
  mp16: {
    reader: "csv",
    defaultSplit: "train",
    columns: { image: ["IMG_ID", "id"], lat: ["LAT", "lat"], lon: ["LON", "lon"] },
    lookup: "path",
    meta: "rest",
  },
  csv: { reader: "csv", defaultSplit: "auto", lookup: "path", meta: "rest" },
  jsonl: { reader: "jsonl", defaultSplit: "auto", lookup: "path", meta: "rest" },
  exif: { reader: "exif", defaultSplit: "auto", lookup: "path", meta: [] },
};

export interface ColumnOptions {
  imageColumn: string;
  latColumn: string;
  lonColumn: string;
  idColumn?: string;
}

export interface Columns {
  /** Undefined: the id is the image path. */
  id?: Candidates;
  image: Candidates;
  lat: Candidates;
  lon: Candidates;
  /** Further required columns (OSV-5M's country, for the report). */
  extra: Candidates;
}

/** The column candidates of a csv-based format; generic csv/jsonl use the column options. */
export function columnsOf(format: ImportFormat, opts: ColumnOptions): Columns {
  const preset = FORMATS[format].columns;
  if (preset) return { extra: [], ...preset };
  return {
    id: opts.idColumn !== undefined ? [opts.idColumn] : undefined,
    image: [opts.imageColumn],
    lat: [opts.latColumn],
    lon: [opts.lonColumn],
    extra: [],
  };
}

/**
 * The first candidate present among `keys`: an exact match first, then a case-insensitive one
 * (some redistributions lower-case the headers). Null when none is present.
 */
export function resolveColumn(keys: readonly string[], candidates: Candidates): string | null {
  for (const c of candidates) if (keys.includes(c)) return c;
  for (const c of candidates) {
    const lower = c.toLowerCase();
    const hit = keys.find((k) => k.toLowerCase() === lower);
    if (hit !== undefined) return hit;
  }
  return null;
}

/** "LAT" or `"LAT" (or "lat")` for a missing-column message. */
export function describeCandidates(candidates: Candidates): string {
  const [first, ...rest] = candidates.map((c) => `"${c}"`);
  return rest.length > 0 ? `${first} (or ${rest.join(", ")})` : first;
}
