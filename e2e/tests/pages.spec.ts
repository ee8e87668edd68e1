// Every page loads with data from the seeded API, shows no console error, and is not blank.
import { readSeed } from "../support/api.ts";
import { expect, pixelVariance, test } from "../support/fixtures.ts";

test.describe("every page loads without console errors", () => {
  const seed = () => readSeed();

  test("experiments", async ({ page, consoleProblems }) => {
    await page.goto("/experiments");
    await expect(page.getByTestId("experiments-table")).toBeVisible();
    await expect(page.getByTestId("experiment-row").filter({ hasText: "e2e-sft" })).toContainText("succeeded");
    await expect(page.getByTestId("experiment-row").filter({ hasText: "e2e-sft" })).toContainText("%");
    expect(consoleProblems).toEqual([]);
  });

  test("experiment detail", async ({ page, consoleProblems }) => {
    await page.goto(`/experiments/${seed().experimentId}`);
    await expect(page.getByRole("heading", { name: /e2e-sft/ })).toBeVisible();
    await expect(page.getByTestId("threshold-table")).toContainText("2,500 km");
    await expect(page.getByTestId("curve-loss")).toBeVisible();
    await expect(page.getByTestId("curve-loss").locator("path.recharts-curve").first()).toBeVisible();
    await expect(page.getByTestId("config")).toContainText('"epochs": 8');
    expect(consoleProblems).toEqual([]);
  });

  test("error map", async ({ page, consoleProblems }) => {
    await page.goto(`/error-map?experiment=${seed().experimentId}`);
    await expect(page.getByTestId("map-count")).toContainText(/\d predictions?/);
    await expect(page.getByTestId("error-histogram").locator(".recharts-bar-rectangle").first()).toBeVisible();
    expect(consoleProblems).toEqual([]);
  });

  test("compare", async ({ page, consoleProblems }) => {
    const id = seed().experimentId;
    await page.goto(`/compare?a=${id}&b=${id}`);
    // A and B are the same experiment: every delta is zero.
    await expect(page.getByTestId("threshold-table")).toContainText("0.0 pp");
    await expect(page.getByTestId("threshold-table")).not.toContainText("–");
    expect(consoleProblems).toEqual([]);
  });

  test("explorer", async ({ page, consoleProblems }) => {
    await page.goto(`/explorer?experiment=${seed().experimentId}`);
    await expect(page.getByTestId("explorer-row").first()).toBeVisible();
    expect(consoleProblems).toEqual([]);
  });

  test("prediction", async ({ page, consoleProblems }) => {
    await page.goto(`/predictions/${seed().predictionId}`);
    await expect(page.getByTestId("chain-table")).toContainText("country");
    await expect(page.getByTestId("geo-map")).toHaveAttribute("data-ready", "true");
    // The sample's patch, cropped from its dataset's sprite sheet through the dashboard.
    await expect(page.getByTestId("sample-thumbnail")).toHaveAttribute("data-drawn", "true");
    expect(await pixelVariance(page, "[data-testid=sample-thumbnail]")).toBeGreaterThan(1);
    expect(consoleProblems).toEqual([]);
  });

  test("predict", async ({ page, consoleProblems }) => {
    await page.goto("/predict");
    await expect(page.getByTestId("predict-form")).toBeVisible();
    expect(consoleProblems).toEqual([]);
  });
});
