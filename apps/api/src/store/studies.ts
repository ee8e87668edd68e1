/**
 * Studies and the links of their runs: all their SQL. A study's runs are rows of `experiments`
 * (study_id, study_arm, study_seed), so they show wherever experiments do; their status counts
 * are one GROUP BY per page of studies.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, Row } from "../db/tables.ts";
import { type ExperimentRow, insertExperiment, type NewExperiment } from "./experiments.ts";
import { EXPERIMENT_STATUSES, type ExperimentStatus, type Page } from "./types.ts";

export type StudyRow = Row<"studies">;

export interface NewStudy {
  name: string;
  dataset: string;
  control: string;
  /** core's StudyArm[], stored as JSON. */
  arms: unknown[];
  budget: unknown | null;
  tags: string[];
  createdBy: string | null;
}

/** A run to create: an experiment with its arm and seed (the study's id is the store's to fill in). */
export type NewStudyRun = Omit<NewExperiment, "study"> & { arm: string; seed: number };

export type StatusCounts = Record<ExperimentStatus, number>;

/** A second study of the same name, or a second run of the same arm and seed (a racing extendStudy). */
export function isDuplicateStudyRow(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    (e?.code === "23505" && /studies_name|experiments_study_run/.test(e.message ?? ""))
  );
}

const now = () => new Date().toISOString();

async function insertRuns(tx: Kysely<Database>, studyId: string, runs: NewStudyRun[]): Promise<ExperimentRow[]> {
  const rows: ExperimentRow[] = [];
  // One at a time, in the order given: SQLite numbers each row (seq) in its insert.
  for (const { arm, seed, ...run } of runs)
    rows.push(await insertExperiment(tx, { ...run, study: { id: studyId, arm, seed } }));
  return rows;
}

export class StudyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The study and every run, in one transaction: a failure leaves neither. */
  async create(study: NewStudy, runs: NewStudyRun[]): Promise<{ study: StudyRow; runs: ExperimentRow[] }> {
    const row: StudyRow = {
      id: randomUUID(),
      name: study.name,
      dataset: study.dataset,
      control: study.control,
      arms: JSON.stringify(study.arms),
      budget: study.budget === null ? null : JSON.stringify(study.budget),
      tags: JSON.stringify(study.tags),
      created_by: study.createdBy,
      created_at: now(),
      cancelled_at: null,
    };
    return this.db.transaction().execute(async (tx) => {
      await tx.insertInto("studies").values(row).execute();
      return { study: row, runs: await insertRuns(tx, row.id, runs) };
    });
  }

  /** More runs of a study, all or none (a seed another call added meanwhile fails the unique index). */
  addRuns(studyId: string, runs: NewStudyRun[]): Promise<ExperimentRow[]> {
    return this.db.transaction().execute((tx) => insertRuns(tx, studyId, runs));
  }

  get(id: string): Promise<StudyRow | undefined> {
    return this.db.selectFrom("studies").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async idByName(name: string): Promise<string | null> {
    const r = await this.db.selectFrom("studies").select("id").where("name", "=", name).executeTakeFirst();
    return r?.id ?? null;
  }

  /** Newest first, keyset on (created_at, id); `after` is the id of the previous page's last study. */
  async list(first: number, after: string | null): Promise<Page<StudyRow> | null> {
    let q = this.db.selectFrom("studies").selectAll();
    if (after !== null) {
      const last = await this.db.selectFrom("studies").select("created_at").where("id", "=", after).executeTakeFirst();
      if (!last) return null;
      q = q.where((eb) =>
        eb.or([
          eb("created_at", "<", last.created_at),
          eb.and([eb("created_at", "=", last.created_at), eb("id", "<", after)]),
        ]),
      );
    }
    const rows = await q
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(first + 1)
      .execute();
    const items = rows.slice(0, first);
    return { items, cursors: items.map((r) => r.id), hasNextPage: rows.length > first };
  }

  /** The study's runs, seed by seed in the order they were created. */
  runs(studyId: string): Promise<ExperimentRow[]> {
    return this.db
      .selectFrom("experiments")
      .selectAll()
      .where("study_id", "=", studyId)
      .orderBy("study_seed")
      .orderBy("seq")
      .execute();
  }

  /** How many runs of each study are in each status (every status present, 0 when none). */
  async statusCounts(studyIds: string[]): Promise<Map<string, StatusCounts>> {
    const out = new Map<string, StatusCounts>(
      studyIds.map((id) => [id, Object.fromEntries(EXPERIMENT_STATUSES.map((s) => [s, 0])) as StatusCounts]),
    );
    if (studyIds.length === 0) return out;
    const rows = await this.db
      .selectFrom("experiments")
      .select(["study_id", "status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("study_id", "in", studyIds)
      .groupBy(["study_id", "status"])
      .execute();
    for (const r of rows) {
      const counts = out.get(r.study_id as string);
      if (counts) counts[r.status as ExperimentStatus] = Number(r.n);
    }
    return out;
  }

  /** The seeds each study's runs have, ascending. */
  async seeds(studyIds: string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>(studyIds.map((id) => [id, []]));
    if (studyIds.length === 0) return out;
    const rows = await this.db
      .selectFrom("experiments")
      .select(["study_id", "study_seed"])
      .where("study_id", "in", studyIds)
      .groupBy(["study_id", "study_seed"])
      .orderBy("study_seed")
      .execute();
    for (const r of rows) out.get(r.study_id as string)?.push(Number(r.study_seed));
    return out;
  }

  /** Marks the study cancelled (the first call's time stays). */
  async markCancelled(id: string): Promise<void> {
    await this.db
      .updateTable("studies")
      .set({ cancelled_at: now() })
      .where("id", "=", id)
      .where("cancelled_at", "is", null)
      .execute();
  }
}
