/** Dataset and Sample: manifests and sample lists on disk; build and import run core in a compute thread. */
import path from "node:path";
import { type Sample as CoreSample, type DatasetManifest, SPLITS } from "@geor/core";
import { GraphQLError } from "graphql";
import { GraphQLJSON } from "graphql-scalars";
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { type DatasetView, isDatasetName } from "../datasets.ts";
import { runTask } from "../jobs/spawn.ts";
import { confinePath } from "../paths.ts";
import { decodeCursor, encodeCursor } from "../store/types.ts";
import { badInput, Connection, pageInfo, pageSize, Region } from "./common.ts";
import { type Context, callerName } from "./context.ts";

@ObjectType()
export class SplitCounts {
  @Field(() => Int) train!: number;
  @Field(() => Int) val!: number;
  @Field(() => Int) test!: number;
  @Field(() => Int) total!: number;
}

@ObjectType({ description: "Samples of one true country (iso2, empty for open water) per split." })
export class CountryCount {
  @Field(() => String) iso2!: string;
  @Field(() => Int) train!: number;
  @Field(() => Int) val!: number;
  @Field(() => Int) test!: number;
  @Field(() => Int) total!: number;
}

@ObjectType()
export class PatchShape {
  @Field(() => Int) height!: number;
  @Field(() => Int) width!: number;
  @Field(() => Int) channels!: number;
}

@ObjectType({
  description: "Where a sample's thumbnail sits in a sprite sheet: crop size×size pixels at (x, y) of url.",
})
export class Thumbnail {
  @Field(() => String) url!: string;
  @Field(() => Int) x!: number;
  @Field(() => Int) y!: number;
  @Field(() => Int) size!: number;
}

@ObjectType({ description: "Continent → country → admin-1 → city of a coordinate (null levels: none there)." })
export class Chain {
  @Field(() => Region, { nullable: true }) continent!: Region | null;
  @Field(() => Region, { nullable: true }) country!: Region | null;
  @Field(() => Region, { nullable: true }) admin1!: Region | null;
  @Field(() => Region, { nullable: true }) city!: Region | null;
}

@ObjectType()
export class Sample {
  @Field(() => String) id!: string;
  @Field(() => Int, { description: "Position in the dataset (file order)." }) index!: number;
  @Field(() => String) split!: string;
  @Field(() => Float) lat!: number;
  @Field(() => Float) lon!: number;
  @Field(() => Chain) chain!: Chain;
  @Field(() => Int, { description: "Geocell (the model's finest class)." }) cell!: number;
  @Field(() => Thumbnail) thumbnail!: Thumbnail;
  @Field(() => String, {
    nullable: true,
    description: "Original image path of an imported sample, relative to its image root.",
  })
  image!: string | null;
}

@ObjectType()
export class SampleConnection extends Connection("Sample", Sample) {
  @Field(() => Int) totalCount!: number;
}

@ObjectType()
export class Dataset {
  @Field(() => String) name!: string;
  @Field(() => String) kind!: string;
  @Field(() => String) contentHash!: string;
  @Field(() => String) createdAt!: string;
  @Field(() => [String]) channels!: string[];
  @Field(() => PatchShape) patch!: PatchShape;
  @Field(() => GraphQLJSON, { description: "The build or import configuration." }) config!: unknown;
  @Field(() => SplitCounts) counts!: SplitCounts;
  @Field(() => [CountryCount], { description: "Largest first." }) countries!: CountryCount[];
  @Field(() => Int) geocellCount!: number;
  /** Not a field: the view the sample resolver pages through. */
  view!: DatasetView;
}

@InputType()
export class BuildDatasetInput {
  @Field(() => String, { nullable: true, description: "Default bluemarble-<size>." }) name?: string | null;
  @Field(() => String, { defaultValue: "small", description: "small | medium | large" }) size!: string;
  @Field(() => Int, { nullable: true, description: "Number of samples (overrides size)." }) limit?: number | null;
  @Field(() => Int, { defaultValue: 0 }) seed!: number;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "Further Blue Marble build options (core's BlueMarbleConfig).",
  })
  options?: Record<string, unknown> | null;
  @Field(() => Boolean, { defaultValue: false }) overwrite!: boolean;
}

@InputType()
export class ImportDatasetInput {
  @Field(() => String, { description: "im2gps3k | yfcc4k | osv5m | mp16 | csv | jsonl | exif (validated by core)" })
  format!: string;
  @Field(() => String, { nullable: true, description: "Metadata file, inside an import root." }) csv?: string | null;
  @Field(() => String, { description: "Image directory, inside an import root." }) images!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true, description: "train | val | test | auto" }) split?: string | null;
  @Field(() => Int, { nullable: true }) imageSize?: number | null;
  @Field(() => Boolean, { defaultValue: false }) skipBad!: boolean;
  @Field(() => Boolean, { defaultValue: false }) overwrite!: boolean;
  @Field(() => String, { nullable: true }) imageColumn?: string | null;
  @Field(() => String, { nullable: true }) latColumn?: string | null;
  @Field(() => String, { nullable: true }) lonColumn?: string | null;
}

@ObjectType()
export class ImportResult {
  @Field(() => Dataset) dataset!: Dataset;
  @Field(() => Int) imported!: number;
  @Field(() => Int) rejected!: number;
}

function toDataset(view: DatasetView): Dataset {
  const m: DatasetManifest = view.manifest;
  const countries = Object.entries(m.countries)
    .map(([iso2, c]) => ({ iso2, ...c, total: c.train + c.val + c.test }))
    .sort((a, b) => b.total - a.total || a.iso2.localeCompare(b.iso2));
  return {
    name: path.basename(view.dir),
    kind: m.kind,
    contentHash: m.contentHash,
    createdAt: m.createdAt,
    channels: m.channels,
    patch: m.patch,
    config: m.config,
    counts: m.counts,
    countries,
    geocellCount: m.geocells.count,
    view,
  };
}

export function toSample(ctx: Context, view: DatasetView, s: CoreSample, index: number): Sample {
  const r = (x: { name: string } | null, code: string | null) => (x ? { code, name: x.name } : null);
  return {
    id: s.id,
    index,
    split: s.split,
    lat: s.lat,
    lon: s.lon,
    chain: {
      continent: s.chain.continent ? { code: s.chain.continent.code, name: s.chain.continent.name } : null,
      country: r(s.chain.country, s.chain.country?.iso2 ?? null),
      admin1: r(s.chain.admin1, s.chain.admin1?.code ?? null),
      city: r(s.chain.city, s.chain.city ? String(s.chain.city.id) : null),
    },
    cell: s.cell,
    thumbnail: ctx.services.datasets.thumbnail(view, index),
    image: s.image ?? null,
  };
}

/** One build or import per dataset name at a time. */
async function withNameLock<T>(ctx: Context, name: string, fn: () => Promise<T>): Promise<T> {
  const locks = ctx.services.datasetLocks;
  if (locks.has(name)) {
    throw new GraphQLError(`dataset "${name}" is being built or imported already`, {
      extensions: { code: "CONFLICT" },
    });
  }
  locks.add(name);
  try {
    return await fn();
  } finally {
    locks.delete(name);
  }
}

function loaded(ctx: Context, name: string): Dataset {
  const view = ctx.services.datasets.get(name);
  if (!view) throw new Error(`dataset ${name} was written but cannot be read back`);
  return toDataset(view);
}

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => [Dataset], { description: "Every dataset under $GEOR_HOME/datasets, by name." })
  datasets(@Ctx() ctx: Context): Dataset[] {
    return ctx.services.datasets
      .list()
      .map((n) => ctx.services.datasets.get(n))
      .filter((v): v is DatasetView => v !== null)
      .map(toDataset);
  }

  @Query(() => Dataset, { nullable: true })
  dataset(@Arg("name", () => String) name: string, @Ctx() ctx: Context): Dataset | null {
    const view = ctx.services.datasets.get(name);
    return view ? toDataset(view) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Who built or imported it (null: before people existed).",
  })
  createdBy(@Root() d: Dataset, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.services.store.datasetOwners.of(d.name);
  }

  @FieldResolver(() => SampleConnection, {
    complexity: ({ args, childComplexity }) => 1 + (args.first ?? 20) * childComplexity,
  })
  samples(
    @Root() dataset: Dataset,
    @Ctx() ctx: Context,
    @Arg("split", () => String, { nullable: true }) split: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): SampleConnection {
    if (split && !(SPLITS as readonly string[]).includes(split))
      throw badInput("split", `must be one of ${SPLITS.join(", ")}`);
    const n = pageSize(first, ctx.services.config.maxPageSize);
    const { samples } = dataset.view;
    const start = after ? decodeCursor(after, ["number"])[0] + 1 : 0;
    const edges: SampleConnection["edges"] = [];
    let i = start;
    for (; i < samples.length && edges.length < n; i++) {
      if (split && samples[i].split !== split) continue;
      edges.push({ cursor: encodeCursor([i]), node: toSample(ctx, dataset.view, samples[i], i) });
    }
    let hasNext = false;
    for (; i < samples.length; i++) {
      if (!split || samples[i].split === split) {
        hasNext = true;
        break;
      }
    }
    return {
      edges,
      pageInfo: pageInfo(
        edges.map((e) => e.cursor),
        hasNext,
        after,
      ),
      totalCount: split ? dataset.counts[split as "train"] : dataset.counts.total,
    };
  }

  @Mutation(() => Dataset, {
    description: "Builds a Blue Marble dataset (real NASA imagery patches) under $GEOR_HOME/datasets.",
  })
  async buildDataset(
    @Arg("input", () => BuildDatasetInput) input: BuildDatasetInput,
    @Ctx() ctx: Context,
  ): Promise<Dataset> {
    if (!["small", "medium", "large"].includes(input.size))
      throw badInput("input.size", "must be small, medium or large");
    const name = input.name ?? `bluemarble-${input.size}`;
    if (!isDatasetName(name)) throw badInput("input.name", "use letters, digits, '.', '_' or '-' (at most 64)");
    if (input.limit != null && (input.limit < 10 || input.limit > 1_000_000))
      throw badInput("input.limit", "must be in [10, 1000000]");
    if (!input.overwrite && ctx.services.datasets.get(name))
      throw badInput("input.name", `dataset "${name}" exists (set overwrite: true to replace it)`);
    return withNameLock(ctx, name, async () => {
      await runTask({
        kind: "buildDataset",
        name,
        overwrite: input.overwrite,
        config: {
          ...(input.options ?? {}),
          size: input.size,
          seed: input.seed,
          ...(input.limit != null ? { limit: input.limit } : {}),
        },
      });
      await ctx.services.store.datasetOwners.set(name, callerName(ctx));
      return loaded(ctx, name);
    });
  }

  @Mutation(() => ImportResult, {
    description: "Imports a benchmark or photo folder; paths must lie inside the configured import roots.",
  })
  async importDataset(
    @Arg("input", () => ImportDatasetInput) input: ImportDatasetInput,
    @Ctx() ctx: Context,
  ): Promise<ImportResult> {
    if (!isDatasetName(input.name)) throw badInput("input.name", "use letters, digits, '.', '_' or '-' (at most 64)");
    const roots = ctx.services.config.importRoots;
    const images = confinePath(input.images, roots, "input.images", "directory");
    const csv = input.csv != null ? confinePath(input.csv, roots, "input.csv", "file") : undefined;
    return withNameLock(ctx, input.name, async () => {
      const r = await runTask<{ imported: number; rejected: number }>({
        kind: "importDataset",
        options: {
          format: input.format,
          images,
          ...(csv ? { csv } : {}),
          name: input.name,
          skipBad: input.skipBad,
          overwrite: input.overwrite,
          ...(input.split != null ? { split: input.split } : {}),
          ...(input.imageSize != null ? { imageSize: input.imageSize } : {}),
          ...(input.imageColumn != null ? { imageColumn: input.imageColumn } : {}),
          ...(input.latColumn != null ? { latColumn: input.latColumn } : {}),
          ...(input.lonColumn != null ? { lonColumn: input.lonColumn } : {}),
        },
      }).catch((err: Error) => {
        throw new GraphQLError(err.message, { extensions: { code: "BAD_USER_INPUT", field: "input" } });
      });
      await ctx.services.store.datasetOwners.set(input.name, callerName(ctx));
      return { dataset: loaded(ctx, input.name), imported: r.imported, rejected: r.rejected };
    });
  }
}
