// Seeds the fresh API with a small finished experiment, really trained: build a tiny Blue Marble
// dataset, create an SFT experiment through createExperiment, and wait until it has run
// SFT and EVAL. Takes a minute or two on two cores.
import { writeFileSync } from "node:fs";
import { gql, writeSeed } from "./api.ts";
import { E2E } from "./env.ts";

const DATASET = "e2e-tiny";
const DEADLINE_MS = 6 * 60_000;

type ExperimentState = { experiment: { status: string; error: string | null } | null };

/** Signs `name` in through the dashboard and keeps the session cookie as a Playwright storage state. */
async function signIn(name: string, file: string): Promise<void> {
  const res = await fetch(`${E2E.dashboardUrl}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: E2E.dashboardUrl },
    body: JSON.stringify({ name, password: E2E.password }),
  });
  if (!res.ok) throw new Error(`signing ${name} in failed: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("geor_session="));
  if (!cookie) throw new Error(`signing ${name} in set no session cookie`);
  const value = cookie.slice("geor_session=".length).split(";")[0] as string;
  const state = {
    cookies: [
      {
        name: "geor_session",
        value,
        domain: "127.0.0.1",
        path: "/",
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: "Lax",
      },
    ],
    origins: [],
  };
  writeFileSync(file, JSON.stringify(state));
}

export default async function globalSetup(): Promise<void> {
  for (const [name, role] of [
    ["e2e-editor", "EDITOR"],
    ["e2e-viewer", "VIEWER"],
  ] as const) {
    await gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { name, role, password: E2E.password },
    });
  }
  await signIn("e2e-editor", E2E.signedIn.editor);
  await signIn("e2e-viewer", E2E.signedIn.viewer);
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
