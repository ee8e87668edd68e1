// The maps draw (pixel variance of the canvas) and the choropleth follows the threshold selector.
import { readSeed } from "../support/api.ts";
import { changedFraction, expect, pixelVariance, test } from "../support/fixtures.ts";

test("the error map canvas is not blank", async ({ page, consoleProblems }) => {
  await page.goto(`/error-map?experiment=${readSeed().experimentId}`);
  const map = page.getByTestId("geo-map");
  await expect(map).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("points-status")).not.toContainText("loading");
  await page.waitForTimeout(500);
  const variance = await pixelVariance(page, "[data-testid=geo-map] canvas");
  // A flat canvas has variance 0; the outlines alone give hundreds.
  expect(variance).toBeGreaterThan(100);
  expect(consoleProblems).toEqual([]);
});

test("changing the threshold recolours the country choropleth", async ({ page, consoleProblems }) => {
  await page.goto(`/error-map?experiment=${readSeed().experimentId}&layer=points&threshold=1`);
  const map = page.getByTestId("geo-map");
  await expect(map).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("points-status")).not.toContainText("loading");
  await page.waitForTimeout(500);
  const before = await map.locator("canvas").first().screenshot();
  await page.getByTestId("threshold-selector").getByRole("button", { name: "2500 km" }).click();
  await expect(page).toHaveURL(/threshold=2500/);
  await page.waitForTimeout(800);
  const after = await map.locator("canvas").first().screenshot();
  const changed = await changedFraction(page, before, after);
  // At 1 km almost no country has accurate predictions, at 2,500 km most do: whole countries
  // change colour, far more than the 1 % a redraw or antialiasing could change.
  expect(changed).toBeGreaterThan(0.01);
  expect(consoleProblems).toEqual([]);
});
