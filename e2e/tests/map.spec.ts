// The maps draw (pixel variance of the canvas) and the choropleth follows the threshold selector.
import { readSeed } from "../support/api.ts";
import { changedFraction, expect, pixelVariance, test } from "../support/fixtures.ts";

test("the error map canvas is not blank", async ({ page, consoleProblems }) => {
  await page.goto(`/error-map?experiment=${readSeed().experimentId}`);
  const map = page.getByTestId("geo-map");
  await expect(map).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("map-count")).toHaveAttribute("data-loading", "false");
  // A flat canvas has variance 0; the outlines alone give hundreds. Polled: under load the
  // software-WebGL frame can land a moment after data-ready.
  await expect
    .poll(() => pixelVariance(page, "[data-testid=geo-map] canvas"), { timeout: 20_000 })
    .toBeGreaterThan(100);
  expect(consoleProblems).toEqual([]);
});

test("changing the threshold recolours the country choropleth", async ({ page, consoleProblems }) => {
  await page.goto(`/error-map?experiment=${readSeed().experimentId}&layer=points&threshold=1`);
  const map = page.getByTestId("geo-map");
  await expect(map).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("map-count")).toHaveAttribute("data-loading", "false");
  await page.waitForTimeout(500);
  const before = await map.locator("canvas").first().screenshot();
  await page.getByTestId("threshold-selector").getByRole("button", { name: "2500 km" }).click();
  await expect(page).toHaveURL(/threshold=2500/);
  // At 1 km almost no country has accurate predictions, at 2,500 km most do: whole countries
  // change colour, far more than the 1 % a redraw or antialiasing could change. Polled, since the
  // recoloured frame may take a while to draw under load.
  await expect
    .poll(async () => changedFraction(page, before, await map.locator("canvas").first().screenshot()), {
      timeout: 20_000,
    })
    .toBeGreaterThan(0.01);
  expect(consoleProblems).toEqual([]);
});
