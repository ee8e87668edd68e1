// Seeds the fresh API with a small finished experiment, really trained: build a tiny Blue Marble
// dataset, create an SFT experiment through createExperiment, and wait until it has run
// SFT and EVAL. Takes a minute or two on two cores.
import { gql, writeSeed } from "./api.ts";

const DATASET = "e2e-tiny";
const DEADLINE_MS = 6 * 60_000;

type ExperimentState = { experiment: { status: string; error: string | null } | null };

export default async function globalSetup(): Promise<void> {
  await gql(`mutation Build($input: BuildDatasetInput!) { buildDataset(input: $input) { name counts { total } } }`, {
    input: { name: DATASET, limit: 1500, seed: 7 },
  });
  const created = await gql<{ createExperiment: { id: string } }>(
    `mutation Create($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`,
    {
      input: {
        name: "e2e-sft",
        dataset: DATASET,
        tags: ["e2e"],
        config: {
          train: { epochs: 8, batchSize: 32, warmupSteps: 5, checkpointEvery: 20, valLimit: 100 },
          eval: { split: "test" },
        },
      },
    },
  );
  const id = created.createExperiment.id;
  const started = Date.now();
  for (;;) {
    const { experiment } = await gql<ExperimentState>(
      `query State($id: ID!) { experiment(id: $id) { status error } }`,
      { id },
    );
    if (experiment?.status === "SUCCEEDED") break;
    if (!experiment || ["FAILED", "CANCELLED"].includes(experiment.status)) {
      throw new Error(`seed experiment ${id} ended ${experiment?.status ?? "missing"}: ${experiment?.error ?? ""}`);
    }
    if (Date.now() - started > DEADLINE_MS)
      throw new Error(`seed experiment ${id} still ${experiment.status} after 6 minutes`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const page = await gql<{
    predictions: { edges: Array<{ node: { id: string; trueChain: { country: { code: string } | null } } }> };
  }>(
    `query Worst($f: PredictionFilter!) { predictions(filter: $f, orderBy: ERROR_DESC, first: 20) { edges { node { id trueChain { country { code } } } } } }`,
    { f: { experimentId: id } },
  );
  const nodes = page.predictions.edges.map((e) => e.node);
  if (nodes.length === 0) throw new Error(`seed experiment ${id} has no predictions`);
  const withCountry = nodes.find((n) => n.trueChain.country?.code);
  writeSeed({
    datasetName: DATASET,
    experimentId: id,
    predictionId: nodes[0]!.id,
    worstCountry: withCountry?.trueChain.country?.code ?? "",
  });
}
