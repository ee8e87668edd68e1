// The maps' level of detail at 200,000 predictions: bins at world zoom counting every prediction,
// single predictions in a city, and a bin's click listing exactly its predictions in the explorer.
// The experiment is seeded straight through the store (apps/dashboard/bench/seed-synthetic.ts, as
// the map bench does), into the database the running API serves.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { E2E } from "../support/env.ts";
import { expect, test } from "../support/fixtures.ts";

const N = 200_000;
type Seeded = { experimentId: string; predictions: number; towns: Array<{ lat: number; lon: number }> };
let seeded: Seeded;

test.describe.configure({ timeout: 240_000 });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(E2E.repoRoot, "apps/dashboard/bench/seed-synthetic.ts"), E2E.home, String(N)],
    { cwd: path.join(E2E.repoRoot, "apps/api"), encoding: "utf8", env: { ...process.env, GEOR_HOME: E2E.home } },
  );
  if (run.status !== 0) throw new Error(`seeding ${N} predictions failed: ${run.stderr}`);
  seeded = JSON.parse(run.stdout.trim().split("\n").pop()!) as Seeded;
  expect(seeded.predictions).toBe(N);
});

/** The number at the start of a count line or tooltip ("200,000 predictions in 1,234 bins", "412 of 200,000 predictions"). */
const leadingCount = (text: string | null) =>
  Number(/^([\d,]+)(?: of [\d,]+)? prediction/.exec(text ?? "")?.[1]?.replace(/,/g, ""));

test("at world zoom the map shows bins that count every prediction", async ({ page, consoleProblems }) => {
  // The opening view: the world between the latitudes the map's height holds.
  await page.goto(`/error-map?experiment=${seeded.experimentId}`);
  const count = page.getByTestId("map-count");
  await expect(count).toHaveAttribute("data-mode", "BINS", { timeout: 90_000 });
  await expect(count).toHaveAttribute("data-loading", "false");
  await expect(count).toContainText(/^(?:[\d,]+ of )?200,000 predictions in [\d,]+ bins/);
  await expect(page.getByTestId("bin-legend")).toContainText("bins: mean error");
  // Zoomed out to the whole Web Mercator world: every prediction is in the view's bins.
  await page.goto(`/error-map?experiment=${seeded.experimentId}&view=0,0,0.1`);
  await expect(count).toHaveAttribute("data-mode", "BINS", { timeout: 90_000 });
  await expect(count).toHaveAttribute("data-loading", "false");
  await expect(count).toContainText(/^200,000 predictions in [\d,]+ bins/);
  expect(consoleProblems).toEqual([]);
});

test("zoomed to one town the map shows single predictions", async ({ page, consoleProblems }) => {
  // The tenth busiest of the 200 Zipf-weighted towns holds some 2,400 predictions within σ 0.3°:
  // a few hundred in a view of ~0.5° × 0.2°, under the budget.
  const town = seeded.towns[9]!;
  await page.goto(`/error-map?experiment=${seeded.experimentId}&view=${town.lon},${town.lat},11`);
  const count = page.getByTestId("map-count");
  await expect(count).toHaveAttribute("data-mode", "POINTS", { timeout: 90_000 });
  await expect(count).toHaveAttribute("data-loading", "false");
  const n = leadingCount(await count.textContent());
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(N);
  await expect(count).toHaveText(/^[\d,]+ of 200,000 predictions$/);
  expect(consoleProblems).toEqual([]);
});

test("a click on a bin lists exactly its predictions in the explorer", async ({ page, consoleProblems }) => {
  // The busiest town, at a zoom where it is many bins: the click at the map's centre hits its middle one.
  const town = seeded.towns[0]!;
  await page.goto(`/error-map?experiment=${seeded.experimentId}&view=${town.lon},${town.lat},5`);
  const count = page.getByTestId("map-count");
  await expect(count).toHaveAttribute("data-mode", "BINS", { timeout: 90_000 });
  await expect(count).toHaveAttribute("data-loading", "false");
  const canvas = page.getByTestId("geo-map").locator("canvas").first();
  const box = (await canvas.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  // The tooltip names the bin's count; under load the frame with the bins can land after the
  // count line, so hovering repeats until the tooltip shows.
  const tooltip = page.locator(".deck-tooltip");
  await expect(async () => {
    await page.mouse.move(x - 1, y);
    await page.mouse.move(x, y);
    await expect(tooltip).toContainText("predictions", { timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  const binCount = leadingCount(await tooltip.textContent());
  expect(binCount).toBeGreaterThan(0);
  await page.mouse.click(x, y);
  await expect(page).toHaveURL(/\/explorer\?.*bounds=/);
  await expect(page).toHaveURL(/answer=readable/);
  await expect(page.getByTestId("filter-bounds")).toBeVisible();
  await expect(page.getByTestId("explorer-count")).toContainText(
    `${binCount.toLocaleString("en-US")} predictions match`,
  );
  // The explorer's map, framed on the bin, draws its predictions one by one when there are few enough.
  const rows = page.getByTestId("explorer-row");
  await expect(rows.first()).toBeVisible();
  expect(consoleProblems).toEqual([]);
});
