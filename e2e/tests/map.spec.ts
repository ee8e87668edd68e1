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

test("a dragged error map keeps its view in the URL, and that URL opens the map there", async ({
  page,
  consoleProblems,
}) => {
  const experiment = readSeed().experimentId;
  await page.goto(`/error-map?experiment=${experiment}`);
  const map = page.getByTestId("geo-map");
  await expect(map).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("map-count")).toHaveAttribute("data-loading", "false");
  // Opening the page writes no view: the link stays the one that was followed.
  await page.waitForTimeout(500);
  expect(page.url()).not.toContain("view=");
  const box = (await map.locator("canvas").first().boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(x - i * 30, y);
  await page.mouse.up();
  // 300 px to the left at the opening zoom: the centre moves east of the opening 10°.
  await expect(page).toHaveURL(/[?&]view=/, { timeout: 20_000 });
  const [lon, lat, zoom] = new URL(page.url()).searchParams.get("view")!.split(",").map(Number);
  expect(lon).toBeGreaterThan(30);
  expect(Math.abs(lat! - 20)).toBeLessThan(1);
  expect(zoom).toBeCloseTo(0.9, 1);
  expect(new URL(page.url()).searchParams.get("experiment")).toBe(experiment);
  // The copied link opens the map on the same view, and leaves the URL as it was.
  const link = page.url();
  await page.goto(link);
  await expect(page.getByTestId("geo-map")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("map-count")).toHaveAttribute("data-loading", "false");
  await page.waitForTimeout(500);
  expect(page.url()).toBe(link);
  expect(consoleProblems).toEqual([]);
});
