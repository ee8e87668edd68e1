/**
 * Importing benchmarks (IM2GPS3K, YFCC4K, OSV-5M, MP-16), generic CSV/JSONL lists and folders
 * of GPS-tagged photos as Geo-R datasets. docs/datasets.md has the formats and columns.
 *
 * All-or-nothing: every row is checked (coordinate, duplicate id, image present and
 * decodable) and all problems are collected first. Any problem stops the import with an
 * ImportError listing them and nothing on disk, unless skipBad, which stores the good rows
 * and writes the bad ones to rejected.csv.
 */

import { constants as bufferConstants } from "node:buffer";
import { existsSync, statSync } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadChainOfRegion } from "@geor/geo";
import { blockSplit } from "../bluemarble/splits.ts";
import type { DatasetManifest, Sample, SourceFile } from "../format.ts";
import { DatasetError, writeDataset } from "../store.ts";
import { type Candidate, coordinateProblem, type RowsResult, readMetadataRows } from "./candidates.ts";
import { decodeImage, heicSupported, IMPORT_CHANNELS, imageExtensions, mapPool, shortError } from "./decode.ts";
import { readExifGps } from "./exif.ts";
import { columnsOf, FORMATS } from "./formats.ts";
import { type ImportOptions, parseImportOptions, type ResolvedImportOptions } from "./options.ts";
import { type Osv5mReport, osv5mReport } from "./osv5m-report.ts";
import { ImportError, type Problem, type Rejected, writeRejectedCsv } from "./problems.ts";
import { walkFiles } from "./read-rows.ts";
import { fileSource, folderSource } from "./sources.ts";

export { IMPORT_FORMATS, type ImportFormat } from "./formats.ts";
export { type ImportOptions, ImportOptionsSchema, type ResolvedImportOptions } from "./options.ts";
export type { Osv5mDisagreement, Osv5mReport } from "./osv5m-report.ts";
export { ImportError, MAX_LISTED_PROBLEMS, type Problem } from "./problems.ts";

/** Spatial blocks of the auto split: 2° × 2°, 80 % train, 10 % val, 10 % test by block. */
export const AUTO_SPLIT = { blockDeg: 2, train: 0.8, val: 0.1 } as const;

export interface ImportResult {
  manifest: DatasetManifest;
  dir: string;
  imported: number;
  rejected: number;
  /** The rejected rows' problems (empty unless skipBad). */
  problems: Problem[];
  /** OSV-5M only: its country column against our Chain of Region (also in osv5m-report.json). */
  report?: Osv5mReport;
  /** Files left out on purpose, not bad rows: HEIC photos this sharp build cannot decode. */
  skipped: Problem[];
}

interface Decoded {
  lat: number;
  lon: number;
}

/**
 * Imports a dataset (see ImportOptions) into `outDir` (default $GEOR_HOME/datasets/<name>).
 * Throws ImportError, storing nothing, when a row is bad and skipBad is off, or when no row is
 * good at all.
 * @example
 * await importDataset({ format: "im2gps3k", csv: "im2gps3k_places365.csv", images: "im2gps3k/", name: "im2gps3k" });
 */
export async function importDataset(input: ImportOptions): Promise<ImportResult> {
  const opts = parseImportOptions(input);
  const imagesDir = path.resolve(opts.images);
  if (!statSync(imagesDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`images directory ${opts.images} does not exist or is not a directory`);
  }
  if (opts.csv !== undefined && !statSync(opts.csv, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`metadata file ${opts.csv} does not exist or is not a file`);
  }
  // The same check writeDataset makes, before hours of decoding rather than after.
  if (existsSync(opts.outDir) && !opts.overwrite) {
    throw new DatasetError(`dataset directory ${opts.outDir} already exists (use --overwrite to replace it)`);
  }
  const corPromise = loadChainOfRegion();
  corPromise.catch(() => {}); // awaited below; keeps an early throw from leaving it unhandled

  const { rows, sources, skipped } = await readRows(opts, imagesDir);
  if (rows.fatal.length > 0) {
    throw new ImportError(
      `cannot import "${opts.name}": ${opts.csv} lacks a required column, nothing was stored (check --format or the column flags)`,
      rows.fatal,
    );
  }

  const size = opts.imageSize;
  const patchBytes = size * size * IMPORT_CHANNELS.length;
  const { candidates } = rows;
  if (candidates.length * patchBytes > bufferConstants.MAX_LENGTH) {
    throw new RangeError(
      `${candidates.length} images × ${size}×${size}×3 bytes = ${((candidates.length * patchBytes) / 2 ** 30).toFixed(1)} GiB is more than one buffer can hold (${(bufferConstants.MAX_LENGTH / 2 ** 30).toFixed(1)} GiB); import a subset or pass a smaller --image-size`,
    );
  }
  const patches = new Uint8Array(candidates.length * patchBytes);
  opts.onProgress?.(0, candidates.length);
  const outcomes = await mapPool(
    candidates,
    opts.concurrency,
    async (c, i) => readCandidate(c, imagesDir, opts, patches.subarray(i * patchBytes, (i + 1) * patchBytes)),
    opts.onProgress,
  );

  // Keep good rows in file order, compacting their patches to the front of the buffer.
  const good: Array<Candidate & Decoded> = [];
  const rejected: Rejected[] = [...rows.rejected];
  outcomes.forEach((o, i) => {
    const c = candidates[i];
    if (typeof o === "string") rejected.push({ file: c.file, line: c.line, reason: o, row: c.row });
    else {
      patches.copyWithin(good.length * patchBytes, i * patchBytes, (i + 1) * patchBytes);
      good.push({ ...c, ...o });
    }
  });
  // Stable sort: rows by line; exif images (no line) keep their sorted-path order.
  rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const problems: Problem[] = rejected.map(({ file, line, reason }) => ({ file, line, reason }));
  const unit = (n: number) => `${n} ${opts.format === "exif" ? "image" : "row"}${n === 1 ? "" : "s"}`;
  if (rows.total === 0) {
    const where = opts.csv ?? `${opts.images} (no ${imageExtensions().join(", ")} files)`;
    throw new ImportError(`cannot import "${opts.name}": ${where} has nothing to import`, []);
  }
  if (good.length === 0) {
    throw new ImportError(
      `cannot import "${opts.name}": none of its ${unit(rows.total)} is usable, nothing was stored`,
      problems,
    );
  }
  if (problems.length > 0 && !opts.skipBad) {
    throw new ImportError(
      `cannot import "${opts.name}": ${problems.length} of ${unit(rows.total)} are bad, nothing was stored (fix them, or pass --skip-bad to import the ${unit(good.length)} that are good and list the bad ones in rejected.csv)`,
      problems,
    );
  }

  const cor = await corPromise;
  const samples: Array<Omit<Sample, "cell">> = good.map((g) => {
    const { continent, country, admin1, city } = cor.locate(g.lat, g.lon);
    const split =
      opts.split === "auto"
        ? blockSplit(g.lat, g.lon, AUTO_SPLIT.blockDeg, opts.seed, { train: AUTO_SPLIT.train, val: AUTO_SPLIT.val })
        : opts.split;
    return {
      id: g.id,
      split,
      lat: g.lat,
      lon: g.lon,
      chain: { continent, country, admin1, city },
      image: g.image,
      ...(g.meta ? { meta: g.meta } : {}),
    };
  });

  const manifest = await writeDataset(opts.outDir, {
    name: opts.name,
    kind: opts.format,
    config: {
      format: opts.format,
      metadata: opts.csv !== undefined ? path.resolve(opts.csv) : null,
      images: imagesDir,
      columns: rows.columns,
      imageSize: size,
      split: opts.split,
      ...(opts.split === "auto" ? { seed: opts.seed, autoSplit: AUTO_SPLIT } : {}),
      skipBad: opts.skipBad,
      rejected: problems.length,
    },
    channels: [...IMPORT_CHANNELS],
    patch: { height: size, width: size, channels: IMPORT_CHANNELS.length },
    sources,
    samples,
    patches: patches.subarray(0, good.length * patchBytes),
    overwrite: opts.overwrite,
  });
  // writeDataset renames a finished directory into place, so extra files go in afterwards.
  if (rejected.length > 0) await writeRejectedCsv(path.join(opts.outDir, "rejected.csv"), rejected);
  let report: Osv5mReport | undefined;
  if (opts.format === "osv5m") {
    report = osv5mReport(samples.map((s) => ({ source: s.meta?.country ?? "", ours: s.chain.country?.iso2 ?? null })));
    await writeFile(path.join(opts.outDir, "osv5m-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  }
  return {
    manifest,
    dir: opts.outDir,
    imported: samples.length,
    rejected: problems.length,
    problems,
    ...(report ? { report } : {}),
    skipped,
  };
}

/** The rows to import and the manifest sources, per the format's reader. */
async function readRows(
  opts: ResolvedImportOptions,
  imagesDir: string,
): Promise<{ rows: RowsResult; sources: SourceFile[]; skipped: Problem[] }> {
  const skipped: Problem[] = [];
  if (FORMATS[opts.format].reader === "exif") {
    const exts = imageExtensions();
    const listed = (await walkFiles(imagesDir, { sizes: true })).filter((f) => {
      const ext = path.extname(f.rel).toLowerCase();
      if (ext === ".heic" && !heicSupported()) {
        skipped.push({
          file: path.join(opts.images, f.rel),
          line: null,
          reason: "HEIC, which this sharp build cannot decode",
        });
      }
      return exts.includes(ext);
    });
    const candidates: Candidate[] = listed.map((f) => ({
      file: path.join(opts.images, f.rel),
      line: null,
      row: "",
      id: f.rel,
      image: f.rel,
    }));
    const rows = { total: listed.length, candidates, rejected: [], fatal: [], columns: {} };
    return { rows, sources: [folderSource(imagesDir, listed)], skipped };
  }
  const csv = opts.csv as string; // the schema requires it for every format but exif
  let byBasename: Map<string, string> | undefined;
  if (FORMATS[opts.format].lookup === "osv5m-id") {
    byBasename = new Map();
    // Sorted walk: with the same name in two folders, the first path wins, deterministically.
    for (const f of await walkFiles(imagesDir)) {
      const base = f.rel.slice(f.rel.lastIndexOf("/") + 1);
      if (!byBasename.has(base)) byBasename.set(base, f.rel);
    }
  }
  const rows = await readMetadataRows(opts.format, csv, columnsOf(opts.format, opts), opts.images, byBasename);
  return { rows, sources: [await fileSource(csv)], skipped };
}

/**
 * Reads one candidate's image into `out`; returns its coordinate, or why the row is bad.
 * Never throws: a failure is a row problem, collected with the others.
 */
async function readCandidate(
  c: Candidate,
  imagesDir: string,
  opts: ResolvedImportOptions,
  out: Uint8Array,
): Promise<Decoded | string> {
  const abs = path.join(imagesDir, c.image);
  const st = await stat(abs).catch(() => null);
  if (!st?.isFile()) return `missing image "${c.image}" (no such file under ${opts.images})`;
  let lat = c.lat;
  let lon = c.lon;
  if (lat === undefined || lon === undefined) {
    const gps = await readExifGps(abs);
    if ("reason" in gps) return gps.reason;
    const bad = coordinateProblem(String(gps.lat), String(gps.lon), "GPSLatitude", "GPSLongitude");
    if (bad) return `EXIF GPS: ${bad}`;
    lat = gps.lat;
    lon = gps.lon;
  }
  try {
    out.set(await decodeImage(abs, opts.imageSize));
  } catch (err) {
    return `unreadable or truncated image "${c.image}": ${shortError(err)}`;
  }
  return { lat, lon };
}
