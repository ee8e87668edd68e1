/**
 * What the study suites share: tiny chain-vs-flat arms, the study's GraphQL fields, waiting for a
 * study to end, and its comparison computed by hand from each run's stored predictions.
 */
/// <reference path="../../../packages/core/src/types/jstat.d.ts" />
import assert from "node:assert/strict";
import jStat from "jstat";
import { allPredictions, median } from "./api-fixtures.ts";
import { ok, type TestApi, TINY_CONFIG, waitFor } from "./helpers.ts";

/** A tiny arm of `head`: no length (the study's budget gives it) and no seed (the study's). */
export function tinyArm(name: string, head: "chain" | "flat", train: Record<string, unknown> = {}) {
  const { epochs: _epochs, ...rest } = TINY_CONFIG.train;
  return { name, config: { ...TINY_CONFIG, model: { ...TINY_CONFIG.model, head }, train: { ...rest, ...train } } };
}

export const STUDY_FIELDS = `id name dataset status control arms seeds tags createdBy createdAt cancelledAt
  armConfigs { name head sftSteps config } budget { sftSteps stepCost }
  runCounts { queued running succeeded failed cancelled total }
  runs { arm seed experiment { id name status tags studyArm studySeed worker startedAt finishedAt attempts config error study { id } } }
  comparisons { arm control metric label unit higherIsBetter n meanDelta stdDelta t p ahead seeds missingSeeds note }`;

export type StudyRun = {
  arm: string;
  seed: number;
  experiment: {
    id: string;
    name: string;
    status: string;
    tags: string[];
    studyArm: string;
    studySeed: number;
    worker: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    attempts: number;
    config: { train: { steps: number; seed: number } };
    error: string | null;
    study: { id: string } | null;
  };
};

export type Comparison = {
  arm: string;
  control: string;
  metric: string;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  n: number;
  meanDelta: number;
  stdDelta: number | null;
  t: number | null;
  p: number | null;
  ahead: number;
  seeds: number[];
  missingSeeds: number[];
  note: string | null;
};

export type Study = {
  id: string;
  name: string;
  dataset: string;
  status: string;
  control: string;
  arms: string[];
  seeds: number[];
  tags: string[];
  createdBy: string | null;
  cancelledAt: string | null;
  armConfigs: Array<{ name: string; head: string; sftSteps: number }>;
  budget: { sftSteps: number; stepCost: Record<string, number> } | null;
  runCounts: Record<"queued" | "running" | "succeeded" | "failed" | "cancelled" | "total", number>;
  runs: StudyRun[];
  comparisons: Comparison[];
};

export async function createStudy(api: TestApi, input: Record<string, unknown>): Promise<Study> {
  const d = await ok<{ createStudy: Study }>(
    api,
    `mutation($i: CreateStudyInput!) { createStudy(input: $i) { ${STUDY_FIELDS} } }`,
    { i: input },
  );
  return d.createStudy;
}

export async function readStudy(api: TestApi, id: string): Promise<Study> {
  const d = await ok<{ study: Study }>(api, `query($id: ID!) { study(id: $id) { ${STUDY_FIELDS} } }`, { id });
  return d.study;
}

/** Waits until no run of the study is queued or running; returns the study then. */
export function studyEnded(api: TestApi, id: string, timeoutMs: number): Promise<Study> {
  return waitFor(
    "the study to end",
    async () => {
      const s = await readStudy(api, id);
      return s.status === "RUNNING" ? null : s;
    },
    timeoutMs,
    500,
  );
}

const THRESHOLDS = [1, 25, 200, 750, 2500];

/** One run's metrics computed here from its predictions (errors and chain hits, as the API serves them). */
export async function metricsFromPredictions(api: TestApi, experimentId: string): Promise<Record<string, number>> {
  const preds = await allPredictions(api, { experimentId }, "ID", 100);
  assert.ok(preds.length > 0, `experiment ${experimentId} has predictions`);
  const km = preds.map((p) => p.errorKm);
  const share = (f: (i: number) => boolean) => preds.filter((_, i) => f(i)).length / preds.length;
  return {
    medianKm: median(km),
    ...Object.fromEntries(THRESHOLDS.map((t) => [`acc@${t}`, share((i) => km[i] <= t)])),
    country: share((i) => preds[i].hits.country),
    admin1: share((i) => preds[i].hits.admin1),
    place: share((i) => preds[i].hits.place),
    // GeoGuessr's points: 5000 · exp(−d / 1492.7 km), averaged.
    geoScore: km.reduce((s, d) => s + 5000 * Math.exp(-d / 1492.7), 0) / km.length,
  };
}

/**
 * The comparison of `arm` with `control` on `metric` from per-seed metrics, written out here:
 * differences arm − control (accuracies × 100), mean, sample std, paired t, two-sided p from
 * Student's t with n − 1 degrees of freedom, and the seeds where the arm is better.
 */
export function comparisonByHand(
  metric: string,
  arm: number[],
  control: number[],
): { n: number; meanDelta: number; stdDelta: number | null; t: number | null; p: number | null; ahead: number } {
  const scale = metric === "medianKm" || metric === "geoScore" ? 1 : 100;
  const lowerIsBetter = metric === "medianKm";
  const d = arm.map((a, i) => (a - control[i]) * scale);
  const n = d.length;
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : null;
  const t = sd !== null && sd > 1e-12 * Math.max(1, Math.abs(mean)) ? mean / (sd / Math.sqrt(n)) : null;
  const { studentt } = jStat as unknown as { studentt: { cdf(x: number, dof: number): number } };
  const p = t === null ? null : 2 * (1 - studentt.cdf(Math.abs(t), n - 1));
  const ahead = d.filter((x) => (lowerIsBetter ? x < 0 : x > 0)).length;
  return { n, meanDelta: mean, stdDelta: sd, t, p, ahead };
}

/** Asserts the study's comparisons equal those computed by hand from its runs' predictions, over `seeds`. */
export async function assertComparisonsByHand(api: TestApi, study: Study, seeds: number[]): Promise<number> {
  const metricsOf = new Map<string, Record<string, number>>();
  for (const r of study.runs.filter((r) => seeds.includes(r.seed)))
    metricsOf.set(`${r.arm}/${r.seed}`, await metricsFromPredictions(api, r.experiment.id));
  const arms = study.arms.filter((a) => a !== study.control);
  let checked = 0;
  for (const arm of arms) {
    for (const metric of Object.keys(metricsOf.values().next().value ?? {})) {
      const got = study.comparisons.find((c) => c.arm === arm && c.metric === metric);
      assert.ok(got, `a comparison of ${arm} on ${metric}`);
      const want = comparisonByHand(
        metric,
        seeds.map((s) => (metricsOf.get(`${arm}/${s}`) as Record<string, number>)[metric]),
        seeds.map((s) => (metricsOf.get(`${study.control}/${s}`) as Record<string, number>)[metric]),
      );
      assert.deepEqual(got.seeds, seeds, `${arm} ${metric}: the seeds compared`);
      assert.equal(got.n, want.n);
      assert.equal(got.ahead, want.ahead, `${arm} ${metric}: ahead`);
      for (const k of ["meanDelta", "stdDelta", "t", "p"] as const) {
        const g: number | null = got[k];
        const w: number | null = want[k];
        if (w === null || g === null) assert.equal(g, w, `${arm} ${metric} ${k}`);
        else assert.ok(Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w)), `${arm} ${metric} ${k}: ${g} ≠ ${w}`);
      }
      checked++;
    }
  }
  return checked;
}
