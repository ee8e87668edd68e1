/**
 * Experiments as the API offers them: validates what a client sends (core validates the config),
 * creates the rows and queues the job, cancels, deletes with the run folder, tags, watches for
 * changes and predicts with a trained model. Resolvers call one method each and only map rows
 * to GraphQL types; what it throws is the GraphQL error the client gets.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  ConfigValidationError,
  type ImagePrediction,
  predictImages,
  runDirOf,
  validateExperimentConfig,
} from "@geor/core";
import { GraphQLError } from "graphql";
import type { ApiConfig } from "../config.ts";
import { type DatasetCatalog, isDatasetName } from "../datasets.ts";
import { badInput, notFound, pageSize } from "../input.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { ExperimentListFilter, ExperimentRow, MetricPoint, Page, Store } from "../store/index.ts";
import { TERMINAL_STATUSES } from "../store/types.ts";

export interface CreateExperiment {
  name: string;
  /** A dataset name under $GEOR_HOME/datasets. */
  dataset: string;
  /** What the client sent; validated by core (validateExperimentConfig). */
  config?: unknown;
  tags: string[];
  notes: string;
}

/** An uploaded image: its bytes, the type sniffed from them, and the argument it came in. */
export interface ImageInput {
  bytes: Buffer;
  type: string;
  field: string;
}

const TAG = /^[\p{L}\p{N}._:/-]{1,64}$/u;
export function checkTags(tags: string[], field: string): void {
  if (tags.length > 50) throw badInput(field, "at most 50 tags");
  for (const t of tags)
    if (!TAG.test(t)) throw badInput(field, `tag "${t.slice(0, 80)}" must be 1–64 letters, digits or . _ : / -`);
}

/** core's ConfigValidationError as the client gets it: the first bad field, and every issue. */
function validConfig(input: unknown): ReturnType<typeof validateExperimentConfig> {
  try {
    return validateExperimentConfig(input);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    throw new GraphQLError(err.message, {
      extensions: { code: "BAD_USER_INPUT", field: err.issues[0]?.field ?? "input.config", issues: err.issues },
    });
  }
}

export class ExperimentService {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly config: ApiConfig,
    private readonly datasets: DatasetCatalog,
  ) {}

  private get rows() {
    return this.store.experiments;
  }

  async get(id: string): Promise<ExperimentRow | null> {
    return (await this.rows.get(id)) ?? null;
  }

  private async mustGet(id: string): Promise<ExperimentRow> {
    const row = await this.rows.get(id);
    if (!row) throw notFound("experiment", id);
    return row;
  }

  /** A page, newest first, and how many match in all. */
  async list(
    filter: ExperimentListFilter,
    first: number | null,
    after: string | null,
  ): Promise<{ page: Page<ExperimentRow>; totalCount: number }> {
    const page = await this.rows.list(filter, pageSize(first, this.config.maxPageSize), after);
    return { page, totalCount: await this.rows.count(filter) };
  }

  stages(id: string) {
    return this.rows.stages(id);
  }

  tags(id: string): Promise<string[]> {
    return this.rows.tags(id);
  }

  metricNames(id: string): Promise<string[]> {
    return this.store.records.metricNames(id);
  }

  /** The named series (default: every one), each thinned evenly to at most maxPoints. */
  async metrics(
    id: string,
    names: string[] | null,
    maxPoints: number,
  ): Promise<Array<{ name: string; points: MetricPoint[] }>> {
    if (maxPoints < 2 || maxPoints > 10_000) throw badInput("maxPoints", "must be in [2, 10000]");
    const all = names ?? (await this.store.records.metricNames(id));
    return Promise.all(
      all.map(async (name) => ({ name, points: await this.store.records.series(id, name, maxPoints) })),
    );
  }

  checkpoints(id: string) {
    return this.store.records.checkpoints(id);
  }

  logs(id: string, last: number) {
    if (last < 1 || last > 1000) throw badInput("last", "must be in [1, 1000]");
    return this.store.records.logs(id, last);
  }

  /** Validates the input and the config, creates the experiment QUEUED and queues it. */
  async create(input: CreateExperiment, createdBy: string): Promise<ExperimentRow> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw badInput("input.name", "must be 1–200 characters");
    if (!isDatasetName(input.dataset) || !this.datasets.get(input.dataset))
      throw badInput("input.dataset", `no dataset "${input.dataset}" (see the datasets query)`);
    checkTags(input.tags, "input.tags");
    if (input.notes.length > 10_000) throw badInput("input.notes", "at most 10,000 characters");
    const config = validConfig(input.config ?? {});
    const row = await this.rows.create({
      name,
      dataset: input.dataset,
      config,
      skipped: config.rl ? {} : { RL: "no rl section in the config" },
      tags: input.tags,
      notes: input.notes,
      runDirOf: (id) => path.join(this.runsDir, `experiment-${id}`),
      createdBy,
    });
    await this.queue.enqueue(row.id);
    return row;
  }

  /**
   * A queued experiment is cancelled at once; a running one's job stops within seconds; a running
   * external run (no job here) ends CANCELLED at once.
   */
  async cancel(id: string): Promise<ExperimentRow> {
    const row = await this.mustGet(id);
    if (row.kind === "EXTERNAL") await this.rows.finish(id, "CANCELLED");
    else await this.rows.requestCancel(id);
    return this.mustGet(id);
  }

  /** Deletes an experiment that is not running, with its predictions and its run folder. */
  async delete(id: string): Promise<true> {
    const row = await this.mustGet(id);
    if (row.status === "QUEUED") await this.rows.requestCancel(id);
    const deleted = await this.rows.delete(id);
    if (!deleted) {
      throw new GraphQLError(`experiment "${id}" is running; cancel it first`, { extensions: { code: "CONFLICT" } });
    }
    if (path.resolve(row.run_dir).startsWith(this.runsDir + path.sep))
      rmSync(row.run_dir, { recursive: true, force: true });
    return true;
  }

  async tag(id: string, add: string[], remove: string[], notes: string | null): Promise<ExperimentRow> {
    await this.mustGet(id);
    checkTags(add, "add");
    if (notes != null && notes.length > 10_000) throw badInput("notes", "at most 10,000 characters");
    await this.rows.retag(id, add, remove, notes ?? null);
    return this.mustGet(id);
  }

  /** Polls the experiment's version; yields the experiment on each change until it ends. */
  async *watch(id: string, pollMs: number): AsyncGenerator<ExperimentRow> {
    let seen = -1;
    for (;;) {
      const version = await this.rows.version(id);
      if (version === null) return;
      if (version !== seen) {
        seen = version;
        const row = await this.rows.get(id);
        if (!row) return;
        yield row;
        if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) return;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Where an image was taken, by the experiment's latest trained model (its last checkpoint). */
  async predict(id: string, image: ImageInput, topK: number): Promise<ImagePrediction> {
    const exp = await this.rows.get(id);
    if (!exp) throw notFound("experiment", id);
    const last = (await this.store.records.checkpoints(id)).at(-1);
    if (!last) throw badInput("experimentId", `experiment "${id}" has no trained model yet (status ${exp.status})`);
    const dir = mkdtempSync(path.join(os.tmpdir(), "geor-predict-"));
    try {
      const file = path.join(dir, `upload.${image.type}`);
      writeFileSync(file, image.bytes);
      const [result] = await predictImages({ runDir: runDirOf(last.path), images: [file], topK });
      return result;
    } catch (err) {
      if ((err as Error).name === "ImageDecodeError") {
        throw new GraphQLError(`${image.field}: ${(err as Error).message.replace(/ \/\S+upload\.\w+/, " the image")}`, {
          extensions: { code: "BAD_USER_INPUT", field: image.field },
        });
      }
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Experiments' run folders: $GEOR_HOME/runs. */
  private get runsDir(): string {
    return path.join(this.config.home, "runs");
  }
}
