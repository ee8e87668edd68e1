/**
 * Runs from any framework: an experiment a client starts, fills with metric points and
 * predictions (by sample id, as coordinates or a model's raw answer, scored here against the
 * dataset's truth) and finishes. Its rows are a built-in run's rows, so everything that reads
 * experiments and predictions shows it.
 *
 * addPredictions is all or nothing: rows are scored and written in batches as they stream in
 * (ingest-batches.ts); the first bad row stops the writing, every later row is still checked so the
 * error names them all, and what the call wrote is taken out again (the experiment's bins
 * recounted) before it answers.
 */
import { SPLITS, type Split } from "@geor/core";
import { GraphQLError } from "graphql";
import { type DatasetCatalog, isDatasetName } from "../datasets.ts";
import { badInput, notFound } from "../input.ts";
import type { ExperimentRow, Store } from "../store/index.ts";
import { checkTags } from "./experiments.ts";
import { IngestBatches } from "./ingest-batches.ts";
import { type PredictionRowSource, UploadFormatError } from "./prediction-rows.ts";
import { RunCalls } from "./run-calls.ts";
import type { ScoringContext } from "./scoring.ts";

export interface StartExternal {
  name: string;
  dataset: string;
  split: string;
  config?: unknown;
  tags: string[];
  notes: string;
}

export interface MetricPointIn {
  name: string;
  step: number;
  value: number;
}

const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_POINTS = 100_000;
const METRIC_NAME = /^[\p{L}\p{N}_./@:-]{1,100}$/u;

export class ExternalRunService {
  /** Each run's addPredictions calls under way (run-calls.ts: they score at once, store in turn). */
  private readonly calls = new Map<string, RunCalls>();
  /** Runs a finishExperiment is ending (how many at once): they take no more predictions. */
  private readonly finishing = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly datasets: DatasetCatalog,
    private readonly scoring: ScoringContext,
  ) {}

  async start(input: StartExternal, createdBy: string): Promise<ExperimentRow> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw badInput("input.name", "must be 1–200 characters");
    if (!isDatasetName(input.dataset) || !this.datasets.dir(input.dataset))
      throw badInput("input.dataset", `no dataset "${input.dataset}" (see the datasets query)`);
    if (!(SPLITS as readonly string[]).includes(input.split))
      throw badInput("input.split", `must be one of ${SPLITS.join(", ")}, got "${input.split}"`);
    const config = input.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config))
      throw badInput("input.config", "must be a JSON object of the run's settings");
    if (JSON.stringify(config).length > MAX_CONFIG_BYTES)
      throw badInput("input.config", `must be at most ${MAX_CONFIG_BYTES / 1024} kB of JSON`);
    checkTags(input.tags, "input.tags");
    if (input.notes.length > 10_000) throw badInput("input.notes", "at most 10,000 characters");
    return this.store.experiments.createExternal({ ...input, name, config, createdBy });
  }

  /** The run, which must be external and still running to take more. */
  private async running(id: string, field: string): Promise<ExperimentRow> {
    const row = await this.store.experiments.get(id);
    if (!row) throw notFound("experiment", id);
    if (row.kind !== "EXTERNAL")
      throw badInput(
        field,
        `experiment "${id}" is trained here; only an external run takes logged metrics and predictions`,
      );
    if (row.status !== "RUNNING")
      throw new GraphQLError(`experiment "${id}" is ${row.status}; it takes no more once finished`, {
        extensions: { code: "CONFLICT" },
      });
    return row;
  }

  async logMetrics(id: string, points: MetricPointIn[]): Promise<number> {
    await this.running(id, "experimentId");
    if (points.length > MAX_POINTS) throw badInput("points", `at most ${MAX_POINTS.toLocaleString("en-US")} per call`);
    const bad = points
      .map((p, i) => {
        if (!METRIC_NAME.test(p.name))
          return `point ${i + 1}: name "${p.name.slice(0, 40)}" must be 1–100 letters, digits or _ . / @ : -`;
        if (!Number.isInteger(p.step) || p.step < 0) return `point ${i + 1}: step ${p.step} must be an integer ≥ 0`;
        if (!Number.isFinite(p.value)) return `point ${i + 1}: value ${p.value} is not finite`;
        return null;
      })
      .filter((m): m is string => m !== null);
    if (bad.length > 0) throw batchError("points", bad, bad.length);
    await this.store.records.appendMetrics(
      id,
      points.map((p) => ({ ...p, stage: "EXTERNAL" })),
    );
    return points.length;
  }

  /**
   * Scores and stores the rows; all or nothing (see the file comment). With expectStored, the
   * rows are stored only when the run holds that many predictions then (RunCalls.open).
   */
  async addPredictions(id: string, rows: PredictionRowSource, field: string, expectStored: number | null = null) {
    if (expectStored !== null && (!Number.isInteger(expectStored) || expectStored < 0))
      throw badInput("expectStored", `must be an integer ≥ 0, got ${expectStored}`);
    // Refused, not stored after the summary finishExperiment is counting.
    if (this.finishing.has(id))
      throw new GraphQLError(`experiment "${id}" is being finished; it takes no more predictions`, {
        extensions: { code: "CONFLICT" },
      });
    const mine = this.calls.get(id) ?? new RunCalls(() => this.store.predictions.settleIngest(id));
    this.calls.set(id, mine);
    try {
      // Under way from here on, so a chunk behind this one waits for it from the start.
      return await mine.run(async () =>
        this.ingest(await this.running(id, "experimentId"), rows, field, mine, expectStored),
      );
    } finally {
      if (mine.idle && this.calls.get(id) === mine) this.calls.delete(id);
    }
  }

  private async ingest(
    run: ExperimentRow,
    rows: PredictionRowSource,
    field: string,
    calls: RunCalls,
    expectStored: number | null,
  ): Promise<{ added: number; unparsed: number; stored: number }> {
    const dir = this.datasets.dir(run.dataset);
    if (!dir) throw badInput("experimentId", `the run's dataset "${run.dataset}" is gone`);
    const scorer = await this.scoring.scorer(dir, run.split as Split);
    const { ingestBatchRows, ingestWritesAhead } = this.store.predictions;
    const out = new IngestBatches(this.store, run.id, ingestBatchRows, rows.unit, ingestWritesAhead, () =>
      calls.open(() => this.store.predictions.beginIngest(run.id), run.id, expectStored),
    );
    // Where each sample was first predicted in this call (its row or line, 0 for not yet), by the
    // sample's position: a million sample ids held in a Map cost the garbage collector more than
    // the 4 bytes a sample here.
    const firstSeen = new Uint32Array(scorer.samples);
    try {
      for await (const batch of rows.batches) {
        for (const r of batch) {
          if ("problem" in r) {
            out.problem(r.at, r.problem);
            continue;
          }
          const scored = scorer.score(r.input);
          if ("problem" in scored) {
            out.problem(r.at, scored.problem);
            continue;
          }
          const first = firstSeen[scored.sampleIndex];
          if (first !== 0) {
            out.problem(r.at, `sample "${scored.sampleId}" was predicted already at ${out.where(first)}`);
            continue;
          }
          firstSeen[scored.sampleIndex] = r.at;
          if (out.addScored(scored, r.at)) await out.flush();
        }
      }
      await out.finish();
    } catch (err) {
      await out.undo();
      // A file that is not CSV or JSON lines, or larger than the upload limit.
      if (err instanceof UploadFormatError || (err as { status?: number }).status === 413)
        throw badInput(field, `${(err as Error).message}; nothing stored`);
      throw err;
    }
    if (out.problemCount > 0) {
      await out.undo();
      throw batchError(field, out.problems, out.problemCount);
    }
    const stored = await out.commit();
    // Subscribers (a dashboard following the run) learn of the new rows once the call has stored them.
    // The rows are committed whatever happens here: a failure to tell them is not the call's.
    if (out.added > 0) await this.store.experiments.changed(run.id).catch(() => {});
    return { added: out.added, unparsed: out.unparsed, stored };
  }

  /** Ends the run: SUCCEEDED with its summary, or FAILED with the client's error. */
  async finish(id: string, failed: boolean, error: string | null): Promise<ExperimentRow> {
    this.finishing.set(id, (this.finishing.get(id) ?? 0) + 1);
    try {
      return await this.end(id, failed, error);
    } finally {
      const left = (this.finishing.get(id) ?? 1) - 1;
      if (left > 0) this.finishing.set(id, left);
      else this.finishing.delete(id);
    }
  }

  private async end(id: string, failed: boolean, error: string | null): Promise<ExperimentRow> {
    // The summary counts every call: one still storing rows here ends first (its rows or none; a
    // call begun from now on is refused), and rows a call left when its connection failed are taken out.
    await this.calls.get(id)?.settled();
    // Its last call settled it already; a session still ending is waited for here (one that
    // fails leaves its rows to recoverIngests).
    await this.store.predictions.settleIngest(id).catch(() => {});
    await this.store.predictions.recoverIngests();
    const run = await this.store.experiments.get(id);
    if (!run) throw notFound("experiment", id);
    if (run.kind !== "EXTERNAL")
      throw badInput("id", `experiment "${id}" is trained here and ends by itself (cancel it to stop it)`);
    if (error != null && error.length > 10_000) throw badInput("error", "at most 10,000 characters");
    const summary = await this.store.predictions.summary({ experimentId: id, split: run.split });
    const finalMetrics = {
      split: run.split,
      metrics: {
        n: summary.n,
        medianKm: summary.medianKm,
        meanKm: summary.meanKm,
        geoScore: summary.geoScore,
        acc: Object.fromEntries(summary.accuracy.map((t) => [String(t.km), t.accuracy])),
      },
      levels: summary.levels,
      unparsed: summary.unparsed,
      statedLevels: summary.statedLevels,
      consistency: summary.consistency,
    };
    const ended = await this.store.experiments.finish(id, failed ? "FAILED" : "SUCCEEDED", {
      error: failed ? (error ?? "the client marked the run failed") : undefined,
      finalMetrics,
    });
    if (!ended)
      throw new GraphQLError(`experiment "${id}" is ${run.status} already`, { extensions: { code: "CONFLICT" } });
    return (await this.store.experiments.get(id)) as ExperimentRow;
  }
}

/** A refused batch: every problem listed up to a cap, the count, and that nothing was stored. */
function batchError(field: string, problems: string[], count: number): GraphQLError {
  const more = count > problems.length ? ` (and ${count - problems.length} more)` : "";
  return new GraphQLError(
    `${field}: ${count} bad row${count === 1 ? "" : "s"}, nothing stored: ${problems.join("; ")}${more}`,
    { extensions: { code: "BAD_USER_INPUT", field, problems, problemCount: count } },
  );
}
