/**
 * Datasets as the API shows them: the manifests and sample lists core writes (format.ts of
 * @geor/core), read without loading the patch tensor, cached by content hash. Building and
 * importing go through core in a compute thread.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { type DatasetManifest, datasetsRoot, listDatasets, type Sample, spriteOf } from "@geor/core";

export interface DatasetView {
  dir: string;
  manifest: DatasetManifest;
  samples: Sample[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;

/** A dataset name is a plain directory name under $GEOR_HOME/datasets (no paths). */
export function isDatasetName(name: string): boolean {
  return NAME.test(name) && !name.includes("..");
}

export class DatasetCatalog {
  private readonly cache = new Map<string, { mtimeMs: number; view: DatasetView }>();
  private readonly indexById = new WeakMap<DatasetView, Map<string, number>>();

  list(): string[] {
    return listDatasets().map((d) => d.name);
  }

  /**
   * The directory of dataset `name` under $GEOR_HOME/datasets, or null when there is none: what
   * scoring by sample id needs, without get()'s parsed sample list (for a million samples, ~6 s
   * and ~1 GB of RSS to parse, ~430 MB of heap kept).
   */
  dir(name: string): string | null {
    if (!isDatasetName(name)) return null;
    const dir = path.join(datasetsRoot(), name);
    return existsSync(path.join(dir, "manifest.json")) ? dir : null;
  }

  /** The dataset under $GEOR_HOME/datasets/<name>, or null. */
  get(name: string): DatasetView | null {
    const dir = this.dir(name);
    if (dir === null) return null;
    const manifestFile = path.join(dir, "manifest.json");
    const mtimeMs = statSync(manifestFile).mtimeMs;
    const hit = this.cache.get(name);
    if (hit && hit.mtimeMs === mtimeMs) return hit.view;
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as DatasetManifest;
    const samples = readFileSync(path.join(dir, "samples.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Sample);
    const view = { dir, manifest, samples };
    this.cache.set(name, { mtimeMs, view });
    return view;
  }

  /** The position of sample `id` in the dataset's sample list, or -1 (an id map built on first use). */
  indexOf(view: DatasetView, id: string): number {
    let ids = this.indexById.get(view);
    if (!ids) {
      ids = new Map(view.samples.map((s, i) => [s.id, i]));
      this.indexById.set(view, ids);
    }
    return ids.get(id) ?? -1;
  }

  /** Where sample `index` sits in the dataset's sprite sheets (served under /files/datasets). */
  thumbnail(view: DatasetView, index: number): { url: string; x: number; y: number; size: number } {
    const s = spriteOf(view.manifest.sprites, index);
    return {
      url: `/files/datasets/${encodeURIComponent(path.basename(view.dir))}/${s.file}`,
      x: s.x,
      y: s.y,
      size: s.size,
    };
  }
}
