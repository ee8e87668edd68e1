/**
 * Provenance for the manifest's `sources`: what was imported, pinned by a sha256, so two
 * datasets can be traced back to the same input.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { SourceFile } from "../format.ts";
import type { FoundFile } from "./read-rows.ts";

/** The metadata file, hashed as a stream (MP-16's CSV is hundreds of MB). */
export async function fileSource(file: string): Promise<SourceFile> {
  const abs = path.resolve(file);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(abs)) hash.update(chunk as Buffer);
  return { name: path.basename(abs), path: abs, sha256: hash.digest("hex"), bytes: (await stat(abs)).size };
}

/**
 * A folder of photos, pinned by the sha256 of its sorted "relpath:size" lines (hashing every
 * image's bytes would double the import time for little gain; a changed file almost always
 * changes size or name). `bytes` is the sum of the listed sizes.
 */
export function folderSource(dir: string, files: readonly FoundFile[]): SourceFile {
  const abs = path.resolve(dir);
  const hash = createHash("sha256");
  let bytes = 0;
  for (const f of files) {
    hash.update(`${f.rel}:${f.size}\n`);
    bytes += f.size;
  }
  return { name: path.basename(abs), path: abs, sha256: hash.digest("hex"), bytes };
}
