/** Experiments, their stages and tags: all their SQL (their metric series, logs and checkpoints: run-records.ts). */
import { randomUUID } from "node:crypto";
import type { Kysely, SelectQueryBuilder } from "kysely";
import type { Database, Row } from "../db/tables.ts";
import {
  decodeCursor,
  type ExperimentStatus,
  encodeCursor,
  type Page,
  STAGE_NAMES,
  type StageName,
  type StageStatus,
} from "./types.ts";

/** An experiment as the API sees it (its internal number, seq, stays in the store). */
export type ExperimentRow = Omit<Row<"experiments">, "seq">;
export type StageRow = Row<"stages">;

export interface NewExperiment {
  name: string;
  dataset: string;
  config: unknown;
  /** Stages that will not run (e.g. RL without an rl config), with the reason. */
  skipped: Partial<Record<StageName, string>>;
  tags: string[];
  notes: string;
  runDirOf: (id: string) => string;
  /** The user who creates it. */
  createdBy: string | null;
}

/** A run trained elsewhere, which a client fills with metric points and predictions. */
export interface NewExternalExperiment {
  name: string;
  dataset: string;
  split: string;
  config: unknown;
  tags: string[];
  notes: string;
  createdBy: string | null;
}

export interface ExperimentListFilter {
  status?: ExperimentStatus | null;
  tag?: string | null;
  dataset?: string | null;
}

const now = () => new Date().toISOString();

/** Tells subscribers something changed. */
export async function bumpVersion(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("experiments")
    .set((eb) => ({ version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

function filtered<O>(
  q: SelectQueryBuilder<Database, "experiments", O>,
  filter: ExperimentListFilter,
): SelectQueryBuilder<Database, "experiments", O> {
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.dataset) q = q.where("dataset", "=", filter.dataset);
  const tag = filter.tag;
  if (tag)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("experiment_tags")
          .select("tag")
          .whereRef("experiment_tags.experiment_id", "=", "experiments.id")
          .where("tag", "=", tag),
      ),
    );
  return q;
}

export class ExperimentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: NewExperiment): Promise<ExperimentRow> {
    const id = randomUUID();
    const row: ExperimentRow = {
      id,
      name: input.name,
      dataset: input.dataset,
      config: JSON.stringify(input.config),
      status: "QUEUED",
      notes: input.notes,
      error: null,
      created_at: now(),
      started_at: null,
      finished_at: null,
      cancel_requested: 0,
      version: 0,
      attempts: 0,
      heartbeat_at: null,
      worker: null,
      run_dir: input.runDirOf(id),
      final_metrics: null,
      kind: "BUILTIN",
      split: null,
      created_by: input.createdBy,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto("experiments").values(row).execute();
      await tx
        .insertInto("stages")
        .values(
          STAGE_NAMES.map((name, position) => ({
            experiment_id: id,
            name,
            position,
            status: input.skipped[name] ? "SKIPPED" : "PENDING",
            step: 0,
            total_steps: null,
            message: input.skipped[name] ?? null,
            started_at: null,
            finished_at: null,
          })),
        )
        .execute();
      if (input.tags.length > 0)
        await tx
          .insertInto("experiment_tags")
          .values([...new Set(input.tags)].map((tag) => ({ experiment_id: id, tag })))
          .execute();
    });
    return row;
  }

  /** An external run starts RUNNING (its client is running it) and has no stages. */
  async createExternal(input: NewExternalExperiment): Promise<ExperimentRow> {
    const id = randomUUID();
    const t = now();
    const row: ExperimentRow = {
      id,
      name: input.name,
      dataset: input.dataset,
      config: JSON.stringify(input.config),
      status: "RUNNING",
      notes: input.notes,
      error: null,
      created_at: t,
      started_at: t,
      finished_at: null,
      cancel_requested: 0,
      version: 0,
      attempts: 1,
      heartbeat_at: null,
      worker: null,
      run_dir: "",
      final_metrics: null,
      kind: "EXTERNAL",
      split: input.split,
      created_by: input.createdBy,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto("experiments").values(row).execute();
      if (input.tags.length > 0)
        await tx
          .insertInto("experiment_tags")
          .values([...new Set(input.tags)].map((tag) => ({ experiment_id: id, tag })))
          .execute();
    });
    return row;
  }

  get(id: string): Promise<ExperimentRow | undefined> {
    return this.db.selectFrom("experiments").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Newest first; the cursor is (created_at, id). */
  async list(filter: ExperimentListFilter, first: number, after: string | null): Promise<Page<ExperimentRow>> {
    let q = filtered(this.db.selectFrom("experiments").selectAll("experiments"), filter);
    if (after) {
      const [createdAt, id] = decodeCursor(after, ["string", "string"]);
      q = q.where((eb) =>
        eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)])]),
      );
    }
    const rows = await q
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(first + 1)
      .execute();
    const items = rows.slice(0, first);
    return {
      items,
      cursors: items.map((r) => encodeCursor([r.created_at, r.id])),
      hasNextPage: rows.length > first,
    };
  }

  async count(filter: ExperimentListFilter): Promise<number> {
    const q = filtered(
      this.db.selectFrom("experiments").select((eb) => eb.fn.countAll<number>().as("n")),
      filter,
    );
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  stages(id: string): Promise<StageRow[]> {
    return this.db.selectFrom("stages").selectAll().where("experiment_id", "=", id).orderBy("position").execute();
  }

  async tags(id: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("experiment_tags")
      .select("tag")
      .where("experiment_id", "=", id)
      .orderBy("tag")
      .execute();
    return rows.map((r) => r.tag);
  }

  /** Adds and removes tags, optionally replaces the notes; one transaction. */
  async retag(id: string, add: string[], remove: string[], notes: string | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (remove.length > 0)
        await tx.deleteFrom("experiment_tags").where("experiment_id", "=", id).where("tag", "in", remove).execute();
      for (const tag of new Set(add)) {
        await tx
          .insertInto("experiment_tags")
          .values({ experiment_id: id, tag })
          .onConflict((oc) => oc.columns(["experiment_id", "tag"]).doNothing())
          .execute();
      }
      await tx
        .updateTable("experiments")
        .set((eb) => ({ version: eb("version", "+", 1), ...(notes !== null ? { notes } : {}) }))
        .where("id", "=", id)
        .execute();
    });
  }

  /**
   * A queued experiment is cancelled at once; a running one gets cancel_requested, which its job
   * sees on its next heartbeat. Returns the status after the call.
   */
  async requestCancel(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const t = now();
      const queued = await tx
        .updateTable("experiments")
        .set((eb) => ({ status: "CANCELLED", finished_at: t, cancel_requested: 1, version: eb("version", "+", 1) }))
        .where("id", "=", id)
        .where("status", "=", "QUEUED")
        .executeTakeFirst();
      if (Number(queued.numUpdatedRows) > 0) {
        await tx
          .updateTable("stages")
          .set({ status: "CANCELLED", finished_at: t })
          .where("experiment_id", "=", id)
          .where("status", "in", ["PENDING", "RUNNING"])
          .execute();
        return;
      }
      await tx
        .updateTable("experiments")
        .set((eb) => ({ cancel_requested: 1, version: eb("version", "+", 1) }))
        .where("id", "=", id)
        .where("status", "=", "RUNNING")
        .execute();
    });
  }

  /** Deletes an experiment that is not running, with everything it owns; false if it is running. */
  async delete(id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("experiments")
      .where("id", "=", id)
      .where("status", "!=", "RUNNING")
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Takes a QUEUED experiment for a worker (a dead worker's experiment is put back to QUEUED by
   * requeue first). False if another worker has it, or it ended, or it is gone: a second
   * delivery of the same job never runs it twice.
   */
  async claim(id: string, worker: string): Promise<boolean> {
    const t = now();
    const r = await this.db
      .updateTable("experiments")
      .set((eb) => ({
        status: "RUNNING",
        started_at: eb.fn.coalesce("started_at", eb.val(t)),
        attempts: eb("attempts", "+", 1),
        heartbeat_at: t,
        worker,
        version: eb("version", "+", 1),
      }))
      .where("id", "=", id)
      .where("status", "=", "QUEUED")
      .where("cancel_requested", "=", 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The oldest queued experiment's id (the in-process queue's order). */
  async nextQueued(excluding: string[] = []): Promise<string | null> {
    let q = this.db.selectFrom("experiments").select("id").where("status", "=", "QUEUED");
    if (excluding.length > 0) q = q.where("id", "not in", excluding);
    const r = await q.orderBy("created_at").orderBy("id").limit(1).executeTakeFirst();
    return r?.id ?? null;
  }

  /** Running experiments whose worker has not beaten for `staleMs` (or, with 0, every running one). */
  async staleRunning(staleMs: number): Promise<string[]> {
    const cutoff = new Date(Date.now() - staleMs).toISOString();
    const rows = await this.db
      .selectFrom("experiments")
      .select("id")
      .where("status", "=", "RUNNING")
      // An external run has no worker: its client ends it.
      .where("kind", "=", "BUILTIN")
      .where((eb) => eb.or([eb("heartbeat_at", "is", null), eb("heartbeat_at", "<", cutoff)]))
      .execute();
    return rows.map((r) => r.id);
  }

  /** Records that the job is alive; returns whether a cancel was requested. */
  async heartbeat(id: string): Promise<boolean> {
    await this.db.updateTable("experiments").set({ heartbeat_at: now() }).where("id", "=", id).execute();
    const r = await this.db
      .selectFrom("experiments")
      .select("cancel_requested")
      .where("id", "=", id)
      .executeTakeFirst();
    return r === undefined || r.cancel_requested === 1;
  }

  async updateStage(
    id: string,
    stage: StageName,
    patch: Partial<{ status: StageStatus; step: number; totalSteps: number | null; message: string | null }>,
  ): Promise<void> {
    const t = now();
    const set: Partial<StageRow> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.step !== undefined) set.step = patch.step;
    if (patch.totalSteps !== undefined) set.total_steps = patch.totalSteps;
    if (patch.message !== undefined) set.message = patch.message;
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("stages")
        .set((eb) => ({
          ...set,
          ...(patch.status === "RUNNING" ? { started_at: eb.fn.coalesce("started_at", eb.val(t)) } : {}),
          ...(patch.status && patch.status !== "RUNNING" && patch.status !== "PENDING" ? { finished_at: t } : {}),
        }))
        .where("experiment_id", "=", id)
        .where("name", "=", stage)
        .execute();
      await bumpVersion(tx, id);
    });
  }

  /**
   * Ends an experiment; stages still pending or running take the same end (SKIPPED→ stays).
   * Returns false when it had ended already (or is gone).
   */
  async finish(
    id: string,
    status: Exclude<ExperimentStatus, "QUEUED" | "RUNNING">,
    extra: { error?: string; finalMetrics?: unknown } = {},
  ): Promise<boolean> {
    const t = now();
    return this.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable("experiments")
        .set((eb) => ({
          status,
          finished_at: t,
          error: extra.error ?? null,
          ...(extra.finalMetrics !== undefined ? { final_metrics: JSON.stringify(extra.finalMetrics) } : {}),
          version: eb("version", "+", 1),
        }))
        .where("id", "=", id)
        .where("status", "in", ["QUEUED", "RUNNING"])
        .executeTakeFirst();
      await tx
        .updateTable("stages")
        .set({ status: status === "SUCCEEDED" ? "SKIPPED" : status, finished_at: t })
        .where("experiment_id", "=", id)
        .where("status", "in", ["PENDING", "RUNNING"])
        .execute();
      return Number(r.numUpdatedRows) > 0;
    });
  }

  /** Puts a running experiment back in the queue (its worker died), or ends it if a cancel was pending. */
  async requeue(id: string): Promise<void> {
    const r = await this.db
      .updateTable("experiments")
      .set((eb) => ({ status: "QUEUED", worker: null, version: eb("version", "+", 1) }))
      .where("id", "=", id)
      .where("status", "=", "RUNNING")
      .where("cancel_requested", "=", 0)
      .executeTakeFirst();
    // A cancel that its dead worker never saw: the experiment ends cancelled instead.
    if (Number(r.numUpdatedRows) === 0) {
      const row = await this.get(id);
      if (row?.status === "RUNNING") await this.finish(id, "CANCELLED");
    }
  }

  /** Tells subscribers that something they see changed outside the experiment's row (its predictions). */
  changed(id: string): Promise<void> {
    return bumpVersion(this.db, id);
  }

  async version(id: string): Promise<number | null> {
    const r = await this.db.selectFrom("experiments").select("version").where("id", "=", id).executeTakeFirst();
    return r?.version ?? null;
  }
}
