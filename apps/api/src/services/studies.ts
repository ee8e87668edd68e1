/**
 * Studies as the API offers them: validates a design as a whole (core's validateStudyDesign:
 * every arm's config with the budget and seed applied, names, seeds, control, budget, run cap)
 * before anything is stored, creates the study and one experiment per arm × seed in one
 * transaction, then queues them; cancels, extends with new seeds, lists, and reads the runs the
 * status and comparison are computed from.
 */
import {
  ConfigValidationError,
  type StudyArm,
  type StudyBudget,
  StudyValidationError,
  studyRunConfig,
  validateNewSeeds,
  validateStudyDesign,
} from "@geor/core";
import { GraphQLError } from "graphql";
import type { ApiConfig } from "../config.ts";
import { type DatasetCatalog, isDatasetName } from "../datasets.ts";
import { badInput, notFound, pageSize } from "../input.ts";
import type { JobQueue } from "../jobs/queue.ts";
import {
  type ExperimentRow,
  isDuplicateStudyRow,
  type NewStudyRun,
  type Page,
  type StatusCounts,
  type Store,
  type StudyRow,
} from "../store/index.ts";
import { checkTags, experimentRunDir, skippedStages } from "./experiments.ts";

export interface CreateStudy {
  name: string;
  dataset: string;
  arms: Array<{ name: string; config: unknown }>;
  seeds: number[];
  control?: string | null;
  tags?: string[] | null;
  budget?: StudyBudget | null;
}

/** A study's name becomes the tag study:<name> of its runs, so it keeps to a tag's characters. */
const STUDY_NAME = /^[\p{L}\p{N}._-]{1,58}$/u;

/** A study's design and summary as stored: arms with their steps, and the seeds its runs have. */
export interface StudySummary {
  row: StudyRow;
  arms: StudyArm[];
  seeds: number[];
  counts: StatusCounts;
}

/** core's StudyValidationError (or a run config's ConfigValidationError) as the client gets it. */
function asBadInput(err: unknown, argument: string | null): unknown {
  if (err instanceof StudyValidationError) {
    const issues = err.issues.map((i) => ({
      field: argument ? `${argument}.${i.field}` : i.field,
      message: i.message,
    }));
    return new GraphQLError(err.message, {
      extensions: { code: "BAD_USER_INPUT", field: issues[0]?.field ?? argument, issues },
    });
  }
  if (err instanceof ConfigValidationError)
    return new GraphQLError(err.message, { extensions: { code: "BAD_USER_INPUT", issues: err.issues } });
  return err;
}

const conflict = (message: string) => new GraphQLError(message, { extensions: { code: "CONFLICT" } });

export class StudyService {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly config: ApiConfig,
    private readonly datasets: DatasetCatalog,
  ) {}

  async get(id: string): Promise<StudySummary | null> {
    const row = await this.store.studies.get(id);
    return row ? (await this.summaries([row]))[0] : null;
  }

  /** Newest first; `after` is the id of the last study of the previous page. */
  async list(first: number | null, after: string | null | undefined): Promise<{ page: Page<StudySummary> }> {
    const page = await this.store.studies.list(pageSize(first, this.config.maxPageSize), after ?? null);
    if (!page) throw badInput("after", `no study "${after}" to page after`);
    return { page: { ...page, items: await this.summaries(page.items) } };
  }

  /** One GROUP BY for the page's run counts and seeds. */
  private async summaries(rows: StudyRow[]): Promise<StudySummary[]> {
    const ids = rows.map((r) => r.id);
    const [counts, seeds] = await Promise.all([this.store.studies.statusCounts(ids), this.store.studies.seeds(ids)]);
    return rows.map((row) => ({
      row,
      arms: JSON.parse(row.arms) as StudyArm[],
      seeds: seeds.get(row.id) ?? [],
      counts: counts.get(row.id) as StatusCounts,
    }));
  }

  runs(id: string): Promise<ExperimentRow[]> {
    return this.store.studies.runs(id);
  }

  /** Validates the whole study, stores it with every run in one transaction, then queues the runs. */
  async create(input: CreateStudy, createdBy: string): Promise<StudySummary> {
    const name = input.name.trim();
    if (!STUDY_NAME.test(name)) throw badInput("input.name", "must be 1–58 letters, digits or . _ -");
    if (!isDatasetName(input.dataset) || !this.datasets.get(input.dataset))
      throw badInput("input.dataset", `no dataset "${input.dataset}" (see the datasets query)`);
    const tags = input.tags ?? [];
    checkTags(tags, "input.tags");
    let design: ReturnType<typeof validateStudyDesign>;
    try {
      design = validateStudyDesign(input);
    } catch (err) {
      throw asBadInput(err, "input");
    }
    if ((await this.store.studies.idByName(name)) !== null) throw conflict(`a study named "${name}" exists`);
    const runs = this.newRuns(name, input.dataset, design.arms, design.seeds, tags, createdBy);
    let created: Awaited<ReturnType<Store["studies"]["create"]>>;
    try {
      created = await this.store.studies.create(
        {
          name,
          dataset: input.dataset,
          control: design.control,
          arms: design.arms,
          budget: design.budget,
          tags,
          createdBy,
        },
        runs,
      );
    } catch (err) {
      if (isDuplicateStudyRow(err)) throw conflict(`a study named "${name}" exists`);
      throw err;
    }
    await this.queue.enqueueAll(created.runs.map((r) => r.id));
    return (await this.get(created.study.id)) as StudySummary;
  }

  /** Cancels every queued run at once and asks every running one to stop. */
  async cancel(id: string): Promise<StudySummary> {
    await this.mustGet(id);
    await this.store.studies.markCancelled(id);
    for (const run of await this.store.studies.runs(id))
      if (run.status === "QUEUED" || run.status === "RUNNING") await this.store.experiments.requestCancel(run.id);
    return (await this.get(id)) as StudySummary;
  }

  /** Adds seeds (new ones only): one run per arm and seed, created together, then queued. */
  async extend(id: string, seeds: number[]): Promise<StudySummary> {
    const study = await this.mustGet(id);
    if (study.row.cancelled_at !== null)
      throw conflict(`study "${study.row.name}" was cancelled; create a new study to run more seeds`);
    let runs: NewStudyRun[];
    try {
      validateNewSeeds(study.arms.length, study.seeds, seeds);
      const tags = JSON.parse(study.row.tags) as string[];
      runs = this.newRuns(study.row.name, study.row.dataset, study.arms, seeds, tags, study.row.created_by);
    } catch (err) {
      throw asBadInput(err, null);
    }
    let created: ExperimentRow[];
    try {
      created = await this.store.studies.addRuns(id, runs);
    } catch (err) {
      if (isDuplicateStudyRow(err))
        throw conflict("another call added some of these seeds meanwhile; read the study again");
      throw err;
    }
    await this.queue.enqueueAll(created.map((r) => r.id));
    return (await this.get(id)) as StudySummary;
  }

  private async mustGet(id: string): Promise<StudySummary> {
    const study = await this.get(id);
    if (!study) throw notFound("study", id);
    return study;
  }

  /** One run per seed and arm, seed by seed (so pairs finish early), each with its seed and steps applied. */
  private newRuns(
    study: string,
    dataset: string,
    arms: StudyArm[],
    seeds: number[],
    tags: string[],
    createdBy: string | null,
  ): NewStudyRun[] {
    return seeds.flatMap((seed) =>
      arms.map((arm) => {
        const config = studyRunConfig(arm, seed);
        return {
          name: `${study} ${arm.name} seed ${seed}`,
          dataset,
          config,
          skipped: skippedStages(config),
          tags: [...tags, `study:${study}`],
          notes: "",
          runDirOf: (expId: string) => experimentRunDir(this.config.home, expId),
          createdBy,
          arm: arm.name,
          seed,
        };
      }),
    );
  }
}
