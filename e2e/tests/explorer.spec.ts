// The explorer's filters narrow the list and go into the URL; a shared URL restores the view.
import { gql, readSeed } from "../support/api.ts";
import { expect, test } from "../support/fixtures.ts";

/** The number of matching predictions the explorer shows, or null while it is loading. */
function matchCount(text: string | null): number | null {
  const m = /([\d,]+) predictions match/.exec(text ?? "");
  return m ? Number(m[1]!.replace(/,/g, "")) : null;
}

test("a filter narrows the list and updates the URL", async ({ page, consoleProblems }) => {
  const { experimentId } = readSeed();
  await page.goto(`/explorer?experiment=${experimentId}`);
  const count = page.getByTestId("explorer-count");
  await expect(count).toContainText("predictions match");
  const all = matchCount(await count.textContent())!;
  await page.getByTestId("filter-maxKm").fill("750");
  await page.getByTestId("filter-maxKm").press("Enter");
  await expect(page).toHaveURL(/maxKm=750/);
  await expect.poll(async () => matchCount(await count.textContent()) ?? Number.POSITIVE_INFINITY).toBeLessThan(all);
  // Every listed error is within the filter.
  const errors = await page.getByTestId("row-error").evaluateAll((els) => els.map((el) => Number(el.dataset.errorKm)));
  expect(errors.length).toBeGreaterThan(0);
  for (const km of errors) expect(km).toBeLessThanOrEqual(750);
  expect(consoleProblems).toEqual([]);
});

test("opening a shared URL restores filters, selection and map view", async ({ page, consoleProblems }) => {
  const { experimentId, predictionId } = readSeed();
  const url = `/explorer?experiment=${experimentId}&minKm=100&order=ERROR_DESC&selected=${predictionId}&view=12.500,41.900,3.00`;
  await page.goto(url);
  await expect(page.getByTestId("filter-minKm")).toHaveValue("100");
  await expect(page.locator(`[data-prediction-id="${predictionId}"]`)).toHaveClass(/selected/);
  await expect(page.getByTestId("selected-summary")).toContainText("open prediction");
  await expect(page).toHaveURL(/view=12\.500%2C41\.900%2C3\.00|view=12\.500,41\.900,3\.00/);
  expect(consoleProblems).toEqual([]);
});

test("the map holds the view's matches as points; a point clicked there is selected even when the list has not reached it", async ({
  page,
  consoleProblems,
}) => {
  const { experimentId, predictionId } = readSeed();
  const { prediction } = await gql<{ prediction: { errorKm: number; trueChain: { lat: number; lon: number } } }>(
    `query P($id: ID!) { prediction(id: $id) { errorKm trueChain { lat lon } } }`,
    { id: predictionId },
  );
  // Best first, the worst prediction is the last row the list would load; the map has it at once.
  const view = `${prediction.trueChain.lon.toFixed(3)},${prediction.trueChain.lat.toFixed(3)},6.00`;
  await page.goto(`/explorer?experiment=${experimentId}&order=ERROR_ASC&view=${view}`);
  const count = page.getByTestId("explorer-count");
  await expect(count).toContainText("predictions match");
  // The seed experiment is far below the map's budget: the view's matches come one by one.
  await expect(page.getByTestId("explorer-map-count")).toHaveAttribute("data-mode", "POINTS");
  await expect(page.getByTestId("explorer-map-count")).toContainText(/map: [\d,]+ (of [\d,]+ )?predictions?/);
  const map = page.getByTestId("geo-map");
  await expect(map).toHaveAttribute("data-ready", "true");
  // The view is centred on the worst prediction's true location: click the centre. Under load the
  // software-WebGL frame holding the points can land after data-ready, and a click before it picks
  // nothing, so the click repeats until it selects (selecting is idempotent); the URL must name
  // exactly that prediction, as before.
  const box = (await map.locator("canvas").first().boundingBox())!;
  const selected = new RegExp(`selected=${predictionId}(&|$)`);
  await expect(async () => {
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(page).toHaveURL(selected, { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("selected-summary")).toContainText("open prediction");
  expect(consoleProblems).toEqual([]);
});

test("a shared link to a prediction outside the filters still shows it", async ({ page, consoleProblems }) => {
  const { experimentId, predictionId } = readSeed();
  // The seed's prediction is the worst one: a 1 km error cap excludes it from list and map.
  await page.goto(`/explorer?experiment=${experimentId}&maxKm=1&selected=${predictionId}`);
  await expect(page.getByTestId("selected-summary")).toContainText("open prediction");
  await expect(page.locator(`[data-prediction-id="${predictionId}"]`)).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});
