/** What the API suites share: the tiny dataset and experiment, their GraphQL fields, paging helpers. */
import assert from "node:assert/strict";
import { ok, type TestApi, TINY_CONFIG, waitFor } from "./helpers.ts";

export const DATASET = "tiny-api";

export const EXPERIMENT_FIELDS = `id name dataset status attempts error finalMetrics config tags notes createdAt startedAt finishedAt
  stages { name status step totalSteps progress message }
  metricNames checkpoints { stage step path } logs(last: 200) { line stage }`;

export type Exp = {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  finalMetrics: { metrics: { n: number; medianKm: number } } | null;
  config: { train: { batchSize: number; epochs: number } };
  tags: string[];
  stages: Array<{
    name: string;
    status: string;
    step: number;
    totalSteps: number | null;
    progress: number | null;
    message: string | null;
  }>;
  metricNames: string[];
  checkpoints: Array<{ stage: string; step: number }>;
  logs: Array<{ line: string }>;
};

export type Pred = {
  id: string;
  sampleId: string;
  errorKm: number;
  trueChain: { country: { code: string } | null };
  predictedChain: { country: { code: string; probability: number } | null; lat: number; lon: number };
  hits: { country: boolean; admin1: boolean; place: boolean };
};

export const PRED_FIELDS = `id sampleId errorKm trueChain { lat lon continent country { code name } admin1 { code name } city cell }
  predictedChain { country { code name probability } admin1 { code name probability } place { code name probability } lat lon confidence }
  hits { country admin1 place }`;

export async function allPredictions(
  api: TestApi,
  filter: Record<string, unknown>,
  orderBy = "ID",
  pageSize = 7,
): Promise<Pred[]> {
  const out: Pred[] = [];
  let after: string | null = null;
  for (;;) {
    const d: {
      predictions: {
        edges: Array<{ cursor: string; node: Pred }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await ok(
      api,
      `query($f: PredictionFilter!, $o: PredictionOrder!, $a: String, $n: Int) { predictions(filter: $f, orderBy: $o, first: $n, after: $a) { edges { cursor node { ${PRED_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      {
        f: filter,
        o: orderBy,
        a: after,
        n: pageSize,
      },
    );
    out.push(...d.predictions.edges.map((e) => e.node));
    assert.ok(d.predictions.edges.length <= pageSize);
    if (!d.predictions.pageInfo.hasNextPage) break;
    after = d.predictions.pageInfo.endCursor;
  }
  return out;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

/** The tiny Blue Marble dataset every API suite builds (300 samples, seconds). */
export const TINY_DATASET_INPUT = {
  name: DATASET,
  limit: 300,
  seed: 3,
  options: { minPerCell: 10, maxPerCell: 60 },
  overwrite: true,
};

/** Builds the tiny dataset and trains and evaluates a tiny SFT experiment on it (seconds). */
export async function tinyTrainedExperiment(api: TestApi): Promise<Exp> {
  await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
  const created = await ok<{ createExperiment: { id: string } }>(
    api,
    `mutation($c: JSON) { createExperiment(input: { name: "tiny sft", dataset: "${DATASET}", config: $c }) { id } }`,
    { c: { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 4 } } },
  );
  const id = created.createExperiment.id;
  return waitFor(
    "the tiny experiment to finish",
    async () => {
      const d = await ok<{ experiment: Exp }>(api, `query($id: ID!) { experiment(id: $id) { ${EXPERIMENT_FIELDS} } }`, {
        id,
      });
      if (d.experiment.status === "QUEUED" || d.experiment.status === "RUNNING") return null;
      assert.equal(d.experiment.status, "SUCCEEDED", d.experiment.error ?? "");
      return d.experiment;
    },
    180_000,
  );
}
