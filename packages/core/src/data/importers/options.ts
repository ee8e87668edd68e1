/**
 * The import options: validation and every default in one zod schema (the CLI passes
 * undefined for flags it did not get, so defaults must live here, not in the CLI).
 */
import path from "node:path";
import { z } from "zod";
import { SPLITS } from "../format.ts";
import { resolveDatasetDir } from "../store.ts";
import { FORMATS, IMPORT_FORMATS } from "./formats.ts";

export const ImportOptionsSchema = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    /** The metadata file (CSV or JSONL); not used by exif. */
    csv: z.string().min(1).optional(),
    /** The image root directory. */
    images: z.string().min(1),
    /** Dataset name; a bare name lands under $GEOR_HOME/datasets. */
    name: z.string().min(1),
    /** Default: resolveDatasetDir(name). */
    outDir: z.string().min(1).optional(),
    /** Stored image side in pixels. */
    imageSize: z.number().int().min(8).max(1024).default(224),
    /** Default per format: im2gps3k/yfcc4k test, mp16 train, the rest auto. */
    split: z.enum([...SPLITS, "auto"]).optional(),
    /** Seed of the auto split. */
    seed: z.number().int().min(0).default(0),
    skipBad: z.boolean().default(false),
    imageColumn: z.string().min(1).default("image"),
    latColumn: z.string().min(1).default("lat"),
    lonColumn: z.string().min(1).default("lon"),
    idColumn: z.string().min(1).optional(),
    onProgress: z
      .custom<(done: number, total: number) => void>((v) => typeof v === "function", "must be a function")
      .optional(),
    overwrite: z.boolean().default(false),
    /** Images decoded at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .superRefine((o, ctx) => {
    if (o.format !== "exif" && o.csv === undefined) {
      ctx.addIssue({ code: "custom", path: ["csv"], message: `a metadata file (--csv) is required for ${o.format}` });
    }
    if (o.format === "exif" && o.csv !== undefined) {
      ctx.addIssue({ code: "custom", path: ["csv"], message: "exif reads GPS from the images; drop --csv" });
    }
  })
  .transform((o) => ({
    ...o,
    split: o.split ?? FORMATS[o.format].defaultSplit,
    outDir: path.resolve(o.outDir ?? resolveDatasetDir(o.name)),
  }));

/** What callers pass (defaults optional). */
export type ImportOptions = z.input<typeof ImportOptionsSchema>;
/** After validation, with every default filled in. */
export type ResolvedImportOptions = z.output<typeof ImportOptionsSchema>;

/** Validates options; a readable Error names each bad option (zod's own message is JSON). */
export function parseImportOptions(opts: ImportOptions): ResolvedImportOptions {
  const parsed = ImportOptionsSchema.safeParse(opts);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(options)"}: ${i.message}`);
  throw new Error(`invalid import options:\n${lines.join("\n")}`);
}
