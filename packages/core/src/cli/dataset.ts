/** `geor dataset build|import|list|show`. */
import type { Command } from "commander";
import { buildBlueMarble } from "../data/bluemarble/build.ts";
import { importDataset } from "../data/importers/index.ts";
import { Dataset, listDatasets } from "../data/store.ts";
import { progressBar } from "./progress.ts";

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`expected an integer, got "${v}"`);
  return n;
};

export function registerDatasetCommands(program: Command): void {
  const dataset = program.command("dataset").description("build, import and inspect datasets");

  dataset
    .command("build")
    .description("build a built-in dataset (bluemarble: NASA imagery patches at land locations)")
    .argument("<kind>", "dataset kind: bluemarble")
    .option("--size <size>", "small (~5k) | medium (~30k) | large (~150k)", "small")
    .option("--seed <n>", "random seed", int, 0)
    .option("--limit <n>", "number of samples (overrides --size)", int)
    .option("--name <name>", "dataset name (default bluemarble-<size>)")
    .option("--overwrite", "replace an existing dataset of that name")
    .option(
      "--block-deg <deg>",
      "side of the spatial blocks that go wholly to one split, in degrees (default 5)",
      Number,
    )
    .option(
      "--no-split-guard",
      "let val/test patches overlap train patches (tests recognition of seen terrain, not extrapolation)",
    )
    .option("--min-per-cell <n>", "merge admin-1 groups with fewer train samples than this (default 30)", int)
    .option("--max-per-cell <n>", "split geocells with more train samples than this (default 300)", int)
    .action(
      async (
        kind: string,
        o: {
          size: string;
          seed: number;
          limit?: number;
          name?: string;
          overwrite?: boolean;
          splitGuard: boolean;
          blockDeg?: number;
          minPerCell?: number;
          maxPerCell?: number;
        },
      ) => {
        if (kind !== "bluemarble") throw new Error(`unknown dataset kind "${kind}"; available: bluemarble`);
        const bar = progressBar(`building ${o.name ?? `bluemarble-${o.size}`}`);
        const t0 = Date.now();
        const { manifest, dir } = await buildBlueMarble(
          {
            size: o.size as "small",
            seed: o.seed,
            splitGuard: o.splitGuard,
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
            ...(o.blockDeg !== undefined ? { blockDeg: o.blockDeg } : {}),
            ...(o.minPerCell !== undefined ? { minPerCell: o.minPerCell } : {}),
            ...(o.maxPerCell !== undefined ? { maxPerCell: o.maxPerCell } : {}),
          },
          { name: o.name, overwrite: o.overwrite, onProgress: (p) => bar.update(p.done, p.total, p.stage) },
        );
        bar.stop();
        const c = manifest.counts;
        console.log(
          `built ${manifest.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${c.total} samples (train ${c.train}, val ${c.val}, test ${c.test}), ${manifest.geocells.count} geocells, ${Object.keys(manifest.countries).length} countries\n  ${dir}\n  content hash ${manifest.contentHash}`,
        );
      },
    );

  dataset
    .command("import")
    .description("import a benchmark or a folder of photos")
    .requiredOption("--format <format>", "im2gps3k | yfcc4k | osv5m | mp16 | csv | jsonl | exif")
    .option("--csv <file>", "the metadata file (CSV or JSONL; not needed for exif)")
    .requiredOption("--images <dir>", "the image root directory")
    .requiredOption("--name <name>", "dataset name")
    .option("--split <split>", "train | val | test | auto (spatial blocks)")
    .option("--seed <n>", "seed for --split auto", int, 0)
    .option("--image-size <n>", "stored image side in pixels", int, 224)
    .option("--image-column <name>", "csv/jsonl: image path column")
    .option("--lat-column <name>", "csv/jsonl: latitude column")
    .option("--lon-column <name>", "csv/jsonl: longitude column")
    .option("--id-column <name>", "csv/jsonl: id column")
    .option("--skip-bad", "import the good rows and write the bad ones to rejected.csv")
    .option("--overwrite", "replace an existing dataset of that name")
    .action(async (o: Record<string, string | number | boolean | undefined>) => {
      const bar = progressBar(`importing ${o.name}`);
      const result = await importDataset({
        format: o.format as "csv",
        csv: o.csv as string | undefined,
        images: o.images as string,
        name: o.name as string,
        split: o.split as "auto" | undefined,
        seed: o.seed as number,
        imageSize: o.imageSize as number,
        imageColumn: o.imageColumn as string | undefined,
        latColumn: o.latColumn as string | undefined,
        lonColumn: o.lonColumn as string | undefined,
        idColumn: o.idColumn as string | undefined,
        skipBad: Boolean(o.skipBad),
        overwrite: Boolean(o.overwrite),
        onProgress: (done, total) => bar.update(done, total, "images"),
      });
      bar.stop();
      console.log(
        `imported ${result.imported} samples into ${result.dir}${result.rejected > 0 ? ` (${result.rejected} rejected, see rejected.csv)` : ""}`,
      );
    });

  dataset
    .command("list")
    .description("list datasets under $GEOR_HOME/datasets")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }) => {
      const all = listDatasets();
      if (o.json) {
        console.log(JSON.stringify(all, null, 2));
        return;
      }
      if (all.length === 0) {
        console.log("no datasets yet; build one with `geor dataset build bluemarble --size small`");
        return;
      }
      console.log(
        `${"name".padEnd(28)} ${"kind".padEnd(11)} ${"train".padStart(7)} ${"val".padStart(6)} ${"test".padStart(6)}  hash`,
      );
      for (const d of all) {
        console.log(
          `${d.name.padEnd(28)} ${d.kind.padEnd(11)} ${String(d.counts.train).padStart(7)} ${String(d.counts.val).padStart(6)} ${String(d.counts.test).padStart(6)}  ${d.contentHash.slice(0, 12)}`,
        );
      }
    });

  dataset
    .command("show")
    .description("counts per split and per country of a dataset")
    .argument("<name>", "dataset name or directory")
    .option("--json", "print the manifest as JSON")
    .action((name: string, o: { json?: boolean }) => {
      const ds = Dataset.open(name);
      const m = ds.manifest;
      ds.close();
      if (o.json) {
        console.log(JSON.stringify(m, null, 2));
        return;
      }
      console.log(
        `${m.name} (${m.kind}), ${m.counts.total} samples, patches ${m.patch.height}×${m.patch.width}×${m.patch.channels} [${m.channels.join(", ")}]`,
      );
      console.log(
        `splits: train ${m.counts.train}, val ${m.counts.val}, test ${m.counts.test}; ${m.geocells.count} geocells`,
      );
      console.log(`content hash: ${m.contentHash}\n`);
      const rows = Object.entries(m.countries).sort(
        (a, b) => b[1].train + b[1].val + b[1].test - (a[1].train + a[1].val + a[1].test),
      );
      console.log(`${"country".padEnd(8)} ${"train".padStart(7)} ${"val".padStart(6)} ${"test".padStart(6)}`);
      for (const [iso2, c] of rows) {
        console.log(
          `${(iso2 || "—").padEnd(8)} ${String(c.train).padStart(7)} ${String(c.val).padStart(6)} ${String(c.test).padStart(6)}`,
        );
      }
    });
}
