/**
 * The on-disk dataset format. A dataset is a directory:
 *   manifest.json    name, version, content hash, config, counts, channels, sources
 *   samples.jsonl    one Sample per line (id, split, lat, lon, chain, cell, …)
 *   patches.bin      one contiguous uint8 tensor [N, H, W, C] behind a 32-byte header
 *   geocells.json    the geocells of the train split (the model's finest level)
 *   sprites/         PNG sprite sheets of every sample's thumbnail, for the explorer
 */
import type { Admin1, City, Continent, Country } from "@geor/geo";

export const SPLITS = ["train", "val", "test"] as const;
export type Split = (typeof SPLITS)[number];

/** The Chain of Region of a sample, without its coordinate (which the sample holds). */
export interface SampleChain {
  continent: Continent | null;
  country: Country | null;
  admin1: Admin1 | null;
  city: City | null;
}

export interface Sample {
  /** Unique within the dataset. */
  id: string;
  split: Split;
  lat: number;
  lon: number;
  chain: SampleChain;
  /** Geocell id (index into geocells.json). */
  cell: number;
  /** Original image path for imported datasets, relative to the import's image root. */
  image?: string;
  /** Extra columns kept from the source (scene labels, the source's own region names, …). */
  meta?: Record<string, string>;
}

export interface SourceFile {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
}

export interface SpriteLayout {
  /** File name pattern with {n} for the sheet number, relative to the dataset dir. */
  pattern: string;
  tileSize: number;
  tilesPerRow: number;
  tilesPerSheet: number;
  sheets: number;
}

export interface DatasetManifest {
  format: "geor-dataset";
  version: 1;
  name: string;
  kind: string;
  createdAt: string;
  /** sha256 of samples.jsonl, patches.bin and geocells.json: equal hashes, equal datasets. */
  contentHash: string;
  config: Record<string, unknown>;
  channels: string[];
  patch: { height: number; width: number; channels: number };
  counts: Record<Split, number> & { total: number };
  /** Samples per country (ISO2, "" for none) and split. */
  countries: Record<string, Record<Split, number>>;
  sources: SourceFile[];
  geocells: { count: number; minPerCell: number; maxPerCell: number; maxMergeKm: number; fromSplit: Split | "all" };
  sprites: SpriteLayout;
}

export const PATCH_MAGIC = 0x54415047; // "GPAT"
export const PATCH_VERSION = 1;
export const PATCH_HEADER_BYTES = 32;

/** Header of patches.bin: magic, version, then N, H, W, C as uint32 (little-endian). */
export function encodePatchHeader(n: number, h: number, w: number, c: number): Buffer {
  const header = Buffer.alloc(PATCH_HEADER_BYTES);
  header.writeUInt32LE(PATCH_MAGIC, 0);
  header.writeUInt32LE(PATCH_VERSION, 4);
  header.writeUInt32LE(n, 8);
  header.writeUInt32LE(h, 12);
  header.writeUInt32LE(w, 16);
  header.writeUInt32LE(c, 20);
  return header;
}

export function decodePatchHeader(header: Buffer, file: string): { n: number; h: number; w: number; c: number } {
  if (header.length < PATCH_HEADER_BYTES) throw new Error(`${file}: too short to hold a patch header`);
  if (header.readUInt32LE(0) !== PATCH_MAGIC) throw new Error(`${file}: bad magic number, not a patch file`);
  const version = header.readUInt32LE(4);
  if (version !== PATCH_VERSION)
    throw new Error(`${file}: got patch format v${version} when expected v${PATCH_VERSION}`);
  return {
    n: header.readUInt32LE(8),
    h: header.readUInt32LE(12),
    w: header.readUInt32LE(16),
    c: header.readUInt32LE(20),
  };
}
