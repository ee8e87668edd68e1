/**
 * Writing and opening datasets (format.ts describes the layout). Writes are all-or-nothing:
 * everything goes to a temporary directory beside the target, renamed into place at the end.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildGeocells, type GeocellPoint, Geocells, type GeocellsJSON } from "@geor/geo";
import { replaceDirectory } from "../util/fs.ts";
import { seededPermutation } from "../util/random.ts";
import {
  type DatasetManifest,
  decodePatchHeader,
  encodePatchHeader,
  PATCH_HEADER_BYTES,
  type Sample,
  type SourceFile,
  SPLITS,
  type Split,
} from "./format.ts";
import { SPRITE_LAYOUT, writeSprites } from "./sprites.ts";

/** Where Geo-R Lab keeps its data: $GEOR_HOME, default ./data. */
export function georHome(): string {
  return path.resolve(process.env.GEOR_HOME ?? "data");
}

export function datasetsRoot(): string {
  return path.join(georHome(), "datasets");
}

/** A bare name resolves under $GEOR_HOME/datasets; anything with a path separator is a path. */
export function resolveDatasetDir(nameOrPath: string): string {
  if (nameOrPath.includes("/") || nameOrPath.includes(path.sep) || nameOrPath.startsWith(".")) {
    return path.resolve(nameOrPath);
  }
  return path.join(datasetsRoot(), nameOrPath);
}

export class DatasetError extends Error {
  override name = "DatasetError";
}

export interface DatasetInput {
  name: string;
  kind: string;
  config: Record<string, unknown>;
  channels: string[];
  patch: { height: number; width: number; channels: number };
  sources: SourceFile[];
  samples: Array<Omit<Sample, "cell">>;
  /** All patches, sample-major: samples.length × height × width × channels bytes. */
  patches: Uint8Array;
  geocells?: { minPerCell?: number; maxPerCell?: number };
  /** Replace an existing dataset of the same name. Default false (an error). */
  overwrite?: boolean;
  onProgress?: (stage: string) => void;
}

/** Writes a dataset directory; returns its manifest. */
export async function writeDataset(dir: string, input: DatasetInput): Promise<DatasetManifest> {
  const { samples, patches, patch } = input;
  const patchBytes = patch.height * patch.width * patch.channels;
  if (patches.length !== samples.length * patchBytes) {
    throw new DatasetError(
      `patches hold ${patches.length} bytes, expected ${samples.length} samples × ${patchBytes} bytes`,
    );
  }
  if (samples.length === 0) throw new DatasetError(`dataset ${input.name} has no samples`);
  const ids = new Set<string>();
  for (const s of samples) {
    if (ids.has(s.id)) throw new DatasetError(`duplicate sample id ${s.id}`);
    ids.add(s.id);
  }
  if (existsSync(dir) && !input.overwrite) {
    throw new DatasetError(`dataset directory ${dir} already exists (use --overwrite to replace it)`);
  }

  // Geocells come from the train split (the model's classes); a test-only import gets cells
  // from all its samples so every sample still has one.
  input.onProgress?.("geocells");
  const fromSplit: Split | "all" = samples.some((s) => s.split === "train") ? "train" : "all";
  const points: GeocellPoint[] = samples
    .filter((s) => fromSplit === "all" || s.split === fromSplit)
    .map((s) => ({ lat: s.lat, lon: s.lon, chain: s.chain }));
  const geocells = buildGeocells(points, input.geocells);
  const withCells: Sample[] = samples.map((s) => ({ ...s, cell: geocells.assign(s.lat, s.lon, s.chain) }));

  input.onProgress?.("writing");
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    const samplesText = `${withCells.map((s) => JSON.stringify(s)).join("\n")}\n`;
    const geocellsText = JSON.stringify(geocells.toJSON());
    const header = encodePatchHeader(samples.length, patch.height, patch.width, patch.channels);
    await writeFile(path.join(tmp, "samples.jsonl"), samplesText);
    await writeFile(path.join(tmp, "geocells.json"), geocellsText);
    await writeFile(
      path.join(tmp, "patches.bin"),
      Buffer.concat([header, Buffer.from(patches.buffer, patches.byteOffset, patches.length)]),
    );
    input.onProgress?.("sprites");
    const sprites = await writeSprites(tmp, patches, samples.length, patch);

    const hash = createHash("sha256");
    hash.update(samplesText).update(header).update(patches).update(geocellsText);
    const counts = { train: 0, val: 0, test: 0, total: withCells.length };
    const countries: DatasetManifest["countries"] = {};
    for (const s of withCells) {
      counts[s.split]++;
      const iso2 = s.chain.country?.iso2 ?? "";
      countries[iso2] ??= { train: 0, val: 0, test: 0 };
      countries[iso2][s.split]++;
    }
    const options = geocells.toJSON().options;
    const manifest: DatasetManifest = {
      format: "geor-dataset",
      version: 1,
      name: input.name,
      kind: input.kind,
      createdAt: new Date().toISOString(),
      contentHash: hash.digest("hex"),
      config: input.config,
      channels: input.channels,
      patch,
      counts,
      countries,
      sources: input.sources,
      geocells: { count: geocells.size, ...options, fromSplit },
      sprites,
    };
    await writeFile(path.join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    replaceDirectory(tmp, dir);
    return manifest;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Patches at most this large are read into memory with one read; larger ones are read per batch. */
const IN_MEMORY_LIMIT_BYTES = 1.5 * 2 ** 30;

export interface Batch {
  indices: Uint32Array;
  /** indices.length × H × W × C bytes. */
  patches: Uint8Array;
}

export interface BatchOptions {
  split: Split;
  batchSize: number;
  /** Shuffle seed; the order of epoch e is the permutation seeded by (seed, e). */
  seed?: number;
  epoch?: number;
  shuffle?: boolean;
  /** Drop a last, smaller batch. Default false. */
  dropLast?: boolean;
}

export class Dataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  readonly samples: Sample[];
  readonly geocells: Geocells;
  readonly patchBytes: number;
  private readonly memory: Uint8Array | null;
  private readonly fd: number | null;
  private readonly splitIndices = new Map<Split, Uint32Array>();

  private constructor(dir: string, manifest: DatasetManifest, samples: Sample[], geocells: Geocells) {
    this.dir = dir;
    this.manifest = manifest;
    this.samples = samples;
    this.geocells = geocells;
    const { height, width, channels } = manifest.patch;
    this.patchBytes = height * width * channels;
    const file = path.join(dir, "patches.bin");
    const fd = openSync(file, "r");
    const header = Buffer.alloc(PATCH_HEADER_BYTES);
    readSync(fd, header, 0, PATCH_HEADER_BYTES, 0);
    const h = decodePatchHeader(header, file);
    if (h.n !== samples.length || h.h !== height || h.w !== width || h.c !== channels) {
      closeSync(fd);
      throw new DatasetError(
        `${file}: holds ${h.n}×${h.h}×${h.w}×${h.c} but the manifest says ${samples.length}×${height}×${width}×${channels}`,
      );
    }
    const bytes = h.n * this.patchBytes;
    if (fstatSync(fd).size < PATCH_HEADER_BYTES + bytes) {
      closeSync(fd);
      throw new DatasetError(`${file}: truncated (expected ${PATCH_HEADER_BYTES + bytes} bytes)`);
    }
    if (bytes <= IN_MEMORY_LIMIT_BYTES) {
      // One read of the whole tensor.
      this.memory = new Uint8Array(bytes);
      let off = 0;
      while (off < bytes) off += readSync(fd, this.memory, off, bytes - off, PATCH_HEADER_BYTES + off);
      closeSync(fd);
      this.fd = null;
    } else {
      this.memory = null;
      this.fd = fd;
    }
  }

  /** Opens a dataset directory (or a bare name under $GEOR_HOME/datasets). */
  static open(nameOrDir: string): Dataset {
    const dir = resolveDatasetDir(nameOrDir);
    const manifestFile = path.join(dir, "manifest.json");
    if (!existsSync(manifestFile)) {
      throw new DatasetError(
        `no dataset at ${dir} (manifest.json missing); list datasets with \`geor dataset list\` or build one with \`geor dataset build bluemarble\``,
      );
    }
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as DatasetManifest;
    if (manifest.format !== "geor-dataset" || manifest.version !== 1) {
      throw new DatasetError(`${manifestFile}: not a geor dataset manifest of version 1`);
    }
    const samples = readFileSync(path.join(dir, "samples.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line, i) => {
        try {
          return JSON.parse(line) as Sample;
        } catch {
          throw new DatasetError(`${path.join(dir, "samples.jsonl")}: line ${i + 1} is not valid JSON`);
        }
      });
    const geocells = Geocells.fromJSON(
      JSON.parse(readFileSync(path.join(dir, "geocells.json"), "utf8")) as GeocellsJSON,
    );
    return new Dataset(dir, manifest, samples, geocells);
  }

  get size(): number {
    return this.samples.length;
  }

  /** Sample indices of a split, in file order. */
  indicesOf(split: Split): Uint32Array {
    let idx = this.splitIndices.get(split);
    if (!idx) {
      const list: number[] = [];
      this.samples.forEach((s, i) => {
        if (s.split === split) list.push(i);
      });
      idx = Uint32Array.from(list);
      this.splitIndices.set(split, idx);
    }
    return idx;
  }

  /** Copies the patches of `indices` into one buffer (sample-major). */
  readPatches(indices: ArrayLike<number>, out = new Uint8Array(indices.length * this.patchBytes)): Uint8Array {
    const pb = this.patchBytes;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (i < 0 || i >= this.samples.length)
        throw new RangeError(`sample index ${i} out of range [0, ${this.samples.length})`);
      if (this.memory) out.set(this.memory.subarray(i * pb, (i + 1) * pb), k * pb);
      else readSync(this.fd as number, out, k * pb, pb, PATCH_HEADER_BYTES + i * pb);
    }
    return out;
  }

  /** Batches of a split, shuffled per epoch with a seed (the same seed gives the same order). */
  *batches(opts: BatchOptions): Generator<Batch> {
    const base = this.indicesOf(opts.split);
    const order =
      opts.shuffle === false
        ? base
        : seededPermutation(base.length, ((opts.seed ?? 0) * 1000003 + (opts.epoch ?? 0)) >>> 0).map((j) => base[j]);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const indices = order.subarray(start, Math.min(order.length, start + opts.batchSize));
      if (opts.dropLast && indices.length < opts.batchSize) break;
      yield { indices, patches: this.readPatches(indices) };
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}

/** Short descriptions of every dataset under $GEOR_HOME/datasets. */
export function listDatasets(): Array<Pick<DatasetManifest, "name" | "kind" | "counts" | "contentHash" | "createdAt">> {
  const root = datasetsRoot();
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(path.join(root, d, "manifest.json")))
    .sort()
    .map((d) => {
      const m = JSON.parse(readFileSync(path.join(root, d, "manifest.json"), "utf8")) as DatasetManifest;
      return { name: m.name, kind: m.kind, counts: m.counts, contentHash: m.contentHash, createdAt: m.createdAt };
    });
}

export { SPLITS, SPRITE_LAYOUT };
