// A run trained elsewhere, end to end: a client starts it through the API, logs metric points and
// sends four predictions (a bare coordinate, a Geo-R answer stating its chain, an unreadable answer,
// an answer whose coordinate lies outside the country it states); the dashboard shows it live on its
// page, marks it in the experiments table, lists its unreadable answer alone in the explorer, and
// shows a prediction's raw answer and stated chain.
import { gql, readSeed } from "../support/api.ts";
import { expect, test } from "../support/fixtures.ts";

type Sample = {
  id: string;
  lat: number;
  lon: number;
  chain: { country: { name: string } | null; admin1: { name: string } | null; city: { name: string } | null };
};

const RUN_NAME = "e2e-external";
const UNREADABLE = "I cannot tell where this is.";

/** What the tests share: the run, and its predictions by kind. */
const run = { id: "", predictions: [] as Array<{ sampleId: string; answer?: string; lat?: number; lon?: number }> };
const predictionIds = new Map<"coordinate" | "stated" | "unreadable" | "inconsistent", string>();
let stated: Sample;

test.describe.configure({ mode: "serial" });

/** The stored predictions' ids by kind, matched to what was sent through their sample ids. */
async function loadPredictionIds(): Promise<void> {
  const { predictions } = await gql<{
    predictions: { edges: Array<{ node: { id: string; sampleId: string } }> };
  }>(`query($f: PredictionFilter!) { predictions(filter: $f, first: 10) { edges { node { id sampleId } } } }`, {
    f: { experimentId: run.id },
  });
  const kinds = ["coordinate", "stated", "unreadable", "inconsistent"] as const;
  for (const node of predictions.edges.map((e) => e.node)) {
    predictionIds.set(kinds[run.predictions.findIndex((p) => p.sampleId === node.sampleId)]!, node.id);
  }
}

test.beforeAll(async () => {
  const { dataset } = await gql<{ dataset: { samples: { edges: Array<{ node: Sample }> } } }>(
    `query($name: String!) { dataset(name: $name) { samples(split: "test", first: 100) { edges { node {
      id lat lon chain { country { name } admin1 { name } city { name } } } } } } }`,
    { name: readSeed().datasetName },
  );
  const inCountries = dataset.samples.edges.map((e) => e.node).filter((s) => s.chain.country);
  // The stated one in a named town, when the tiny dataset has one, so every stated level can be right.
  stated = inCountries.find((s) => s.chain.admin1 && s.chain.city) ?? inCountries[0]!;
  const [plain, unreadable, inconsistent] = inCountries.filter((s) => s !== stated);
  if (!plain || !unreadable || !inconsistent) throw new Error("the seed dataset has fewer than 4 test samples on land");
  const { startExternalExperiment } = await gql<{ startExternalExperiment: { id: string } }>(
    `mutation($i: ExternalExperimentInput!) { startExternalExperiment(input: $i) { id } }`,
    { i: { name: RUN_NAME, dataset: readSeed().datasetName, config: { model: "Qwen2.5-VL-7B", lr: 1e-6 } } },
  );
  run.id = startExternalExperiment.id;
  await gql(`mutation($id: ID!, $p: [MetricPointInput!]!) { logMetrics(experimentId: $id, points: $p) }`, {
    id: run.id,
    p: [0, 10, 20, 30, 40].map((step) => ({ name: "loss", step, value: 2 / (1 + step / 10) })),
  });
  const c = stated.chain;
  run.predictions = [
    { sampleId: plain.id, lat: plain.lat + (plain.lat > 80 ? -1 : 1), lon: plain.lon },
    {
      sampleId: stated.id,
      answer: `<think>Coastal plain, dry season.</think>\n<answer>{"Country": "${c.country?.name}", "State": "${c.admin1?.name ?? ""}", "City": "${c.city?.name ?? ""}", "Coordinates": [${stated.lat}, ${stated.lon}]}</answer>`,
    },
    { sampleId: unreadable.id, answer: UNREADABLE },
    // The right country stated, the antipode given: parsed, the farthest miss, inconsistent.
    {
      sampleId: inconsistent.id,
      answer: `{"Country": "${inconsistent.chain.country?.name}", "LOC": [${-inconsistent.lat}, ${inconsistent.lon > 0 ? inconsistent.lon - 180 : inconsistent.lon + 180}]}`,
    },
  ];
});

test("its page follows the running run: logged curves, no stages, then the metrics as predictions arrive", async ({
  page,
  consoleProblems,
}) => {
  await page.goto(`/experiments/${run.id}`);
  await expect(page.getByRole("heading", { name: RUN_NAME })).toContainText("external");
  await expect(page.getByTestId("trained-elsewhere")).toContainText("5 metric points logged");
  await expect(page.getByTestId("stages")).toHaveCount(0);
  await expect(page.getByTestId("curve-loss").locator("path.recharts-curve").first()).toBeVisible();
  await expect(page.getByTestId("config")).toContainText('"model": "Qwen2.5-VL-7B"');
  await expect(page.getByText("No evaluated predictions yet.")).toBeVisible();

  const { addPredictions } = await gql<{ addPredictions: { added: number; unparsed: number } }>(
    `mutation($id: ID!, $p: [PredictionInput!]) { addPredictions(experimentId: $id, predictions: $p) { added unparsed } }`,
    { id: run.id, p: run.predictions },
  );
  expect(addPredictions).toEqual({ added: 4, unparsed: 1 });
  await loadPredictionIds();
  // No reload: the subscription's version moves and the page fetches its metrics again.
  await expect(page.getByTestId("threshold-table").getByRole("row", { name: /predictions/ })).toContainText("4");
  const answers = page.getByTestId("answer-table");
  await expect(answers.getByRole("row", { name: /unreadable answers/ })).toContainText("1 (25.0%)");
  // The stated answer's coordinate lies in its country, the antipode's does not.
  await expect(answers.getByRole("row", { name: /consistency/ })).toContainText("50.0%");

  await gql(`mutation($id: ID!) { finishExperiment(id: $id) { status } }`, { id: run.id });
  await expect(page.getByTestId("experiment-status").first()).toContainText("succeeded");
  expect(consoleProblems).toEqual([]);
});

test("the experiments table marks it external and names its model from the free-form config", async ({
  page,
  consoleProblems,
}) => {
  await page.goto("/experiments?kind=EXTERNAL");
  const row = page.getByTestId("experiment-row").filter({ hasText: RUN_NAME });
  await expect(row.getByTestId("kind-badge")).toHaveText("external");
  await expect(row).toContainText("Qwen2.5-VL-7B");
  await expect(row).toContainText("succeeded");
  // The kind filter leaves the built-in seed run out.
  await expect(page.getByTestId("experiment-row").filter({ hasText: "e2e-sft" })).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});

test("the explorer counts the unreadable answer, lists it alone under its filter, and shows it", async ({
  page,
  consoleProblems,
}) => {
  await page.goto(`/explorer?experiment=${run.id}`);
  const count = page.getByTestId("explorer-count");
  await expect(count).toContainText("4 predictions match · 1 unreadable (no point)");
  await expect(page.getByTestId("explorer-map-count")).toContainText("map: 3 predictions");
  const inconsistentRow = page.locator(`[data-prediction-id="${predictionIds.get("inconsistent")}"]`);
  await expect(inconsistentRow.getByTestId("mark-inconsistent")).toBeVisible();

  await page.getByTestId("filter-answer").selectOption({ label: "unreadable" });
  await expect(page).toHaveURL(/answer=unreadable/);
  await expect(count).toContainText("1 predictions match");
  const rows = page.getByTestId("explorer-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId("mark-unreadable")).toBeVisible();
  await expect(page.getByTestId("explorer-map-count")).toContainText("map: 0 predictions");
  await rows.first().click();
  await expect(page.getByTestId("selection-panel").getByTestId("raw-answer")).toHaveText(UNREADABLE);
  expect(consoleProblems).toEqual([]);
});

test("a prediction's page shows its raw answer and the stated chain beside the truth and the coordinate's", async ({
  page,
  consoleProblems,
}) => {
  await page.goto(`/predictions/${predictionIds.get("stated")}`);
  await expect(page.getByTestId("raw-answer")).toContainText('"Coordinates"');
  const table = page.getByTestId("chain-table");
  await expect(table.locator("th")).toHaveText(["Level", "True", "Stated", "Coordinate's chain"]);
  const country = table.getByRole("row", { name: /^country/ });
  // Stated right, and the exact spot given: both columns name the true country, marked right.
  await expect(country.getByTestId("stated-cell")).toHaveText(`${stated.chain.country?.name} ✓`);
  await expect(country).toContainText(`${stated.chain.country?.name} ✓`);

  await page.goto(`/predictions/${predictionIds.get("inconsistent")}`);
  await expect(page.getByTestId("answer-note")).toContainText("outside the stated country");
  await expect(page.getByTestId("mark-inconsistent")).toBeVisible();
  expect(consoleProblems).toEqual([]);
});
