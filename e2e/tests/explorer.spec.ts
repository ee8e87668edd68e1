// The explorer's filters narrow the list and go into the URL; a shared URL restores the view.
import { readSeed } from "../support/api.ts";
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
