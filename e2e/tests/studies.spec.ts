// Studies in the browser: an editor starts a tiny 2 × 2 study from the form (an arm's config first
// taken from the seeded experiment, then typed), watches the page fill in without reloading until
// it succeeds, reads the comparison table against the API's numbers, sees the per-seed dot plot
// and follows a run link; a viewer and an anonymous visitor see no write control.
import type { Page } from "@playwright/test";
import { gql, readSeed } from "../support/api.ts";
import { E2E } from "../support/env.ts";
import { expect, test } from "../support/fixtures.ts";

/** A model and evaluation small enough that a run trains and evaluates in seconds. */
const tinyArm = (head: string) => ({
  model: { head, convWidths: [8, 8], convStrides: [2, 2], featureDim: 16, embedDim: 4, headHidden: 16 },
  train: { batchSize: 32, checkpointEvery: 3, valLimit: 16, warmupSteps: 1 },
  eval: { split: "test", limit: 25 },
});

type ApiComparison = { arm: string; metric: string; label: string; n: number; ahead: number; note: string | null };

async function fillArm(page: Page, index: number, name: string, config: unknown): Promise<void> {
  const arm = page.getByTestId("study-arm").nth(index);
  await arm.getByLabel(`arm ${index + 1} name`).fill(name);
  await arm.getByLabel(`arm ${index + 1} config (JSON)`).fill(JSON.stringify(config, null, 2));
}

test.describe("as an editor", () => {
  test.use({ storageState: E2E.signedIn.editor });

  test("a tiny study from the form runs to the end live; its table, dot plot and run links", async ({
    page,
    consoleProblems,
  }, testInfo) => {
    test.setTimeout(420_000);
    const seed = readSeed();
    await page.goto("/studies");
    await page.getByTestId("new-study").click();
    const form = page.getByTestId("new-study-form");
    await form.locator("input[name=name]").fill("e2e-chain-vs-flat");
    await form.locator("select[name=dataset]").selectOption(seed.datasetName);
    await form.locator("input[name=seeds]").fill("0-1");
    await form.locator("input[name=sftSteps]").fill("8");
    await form.locator("input[name=stepCost]").fill("flat=0.8");

    // An arm from an existing experiment: its config without what the study sets per run.
    await form.getByLabel("arm 1 config from an experiment").selectOption({ label: `e2e-sft · ${seed.datasetName}` });
    const loaded = JSON.parse(await form.getByLabel("arm 1 config (JSON)").inputValue()) as {
      model: { head: string };
      train: Record<string, unknown>;
    };
    expect(loaded.model.head).toBe("chain");
    expect(Object.keys(loaded.train)).not.toContain("seed");
    expect(Object.keys(loaded.train)).not.toContain("epochs");
    await page.screenshot({ path: testInfo.outputPath("new-study-form.png"), fullPage: true });

    // A bad seed list is refused before anything is sent; then the tiny design.
    await form.locator("input[name=seeds]").fill("0, x");
    await form.getByRole("button", { name: "Start study" }).click();
    await expect(page.getByTestId("form-error")).toContainText('"x" is not a seed');
    await form.locator("input[name=seeds]").fill("0-1");
    await fillArm(page, 0, "chain", tinyArm("chain"));
    await fillArm(page, 1, "flat", tinyArm("flat"));
    await form.getByRole("button", { name: "Start study" }).click();

    await expect(page).toHaveURL(/\/studies\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() as string);
    await expect(page.locator("h1")).toContainText("e2e-chain-vs-flat");
    await expect(page.getByTestId("study-progress")).toContainText("/ 4 runs");
    await expect(page.getByTestId("study-run-link")).toHaveCount(4);
    await expect(page.getByTestId("cancel-study")).toBeVisible();
    // Live: the page polls; nothing here reloads it.
    await expect(page.getByTestId("study-status")).toContainText("succeeded", { timeout: 360_000 });
    await expect(page.getByTestId("study-progress")).toContainText("4 / 4 runs");
    await expect(page.getByTestId("cancel-study")).toHaveCount(0);

    // The table shows the API's comparison: every metric of flat against chain, ahead k of 2.
    const api = await gql<{ study: { comparisons: ApiComparison[]; createdBy: string } }>(
      "query($id: ID!) { study(id: $id) { createdBy comparisons { arm metric label n ahead note } } }",
      { id },
    );
    expect(api.study.createdBy).toBe("e2e-editor");
    const comparisons = api.study.comparisons;
    expect(comparisons.length).toBeGreaterThan(0);
    const rows = page.getByTestId("comparison-row");
    await expect(rows).toHaveCount(comparisons.length);
    for (const c of comparisons) {
      expect(c.n).toBe(2);
      expect(c.note).toBeNull();
      const row = rows.filter({ has: page.getByRole("button", { name: c.label, exact: true }) });
      await expect(row).toContainText(`${c.ahead} of 2`);
    }
    const median = rows.filter({ has: page.getByRole("button", { name: "median km", exact: true }) });
    await expect(median).toContainText(/[+-][\d,.]+ ± [\d,.]+ km/);
    await expect(page.getByTestId("comparison-note")).toHaveCount(0);
    // The dot plot: one dot per seed and the mean.
    await expect(page.getByTestId("seed-dot-plot").locator(".recharts-scatter-symbol")).toHaveCount(3);
    await page.screenshot({ path: testInfo.outputPath("study-finished.png"), fullPage: true });

    // Add a seed (the next one is offered): until both its runs succeed the table says which
    // pair it leaves out; then it pools all three.
    await expect(page.getByLabel("seeds to add")).toHaveValue("2");
    await page.getByRole("button", { name: "Add seeds" }).click();
    await expect(page.getByTestId("study-progress")).toContainText("/ 6 runs");
    await expect(page.getByTestId("comparison-note")).toContainText("over 2 of 3 seeds; not compared: seed 2 (");
    await page.screenshot({ path: testInfo.outputPath("study-extending.png"), fullPage: true });
    await expect(page.getByTestId("study-status")).toContainText("succeeded", { timeout: 240_000 });
    await expect(page.getByTestId("comparison-note")).toHaveCount(0);
    await expect(median).toContainText(" of 3");
    await expect(page.getByTestId("seed-dot-plot").locator(".recharts-scatter-symbol")).toHaveCount(4);

    await page.goto("/studies");
    const row = page.getByTestId("study-row").filter({ hasText: "e2e-chain-vs-flat" });
    await expect(row).toContainText("6 / 6 runs");
    await expect(row).toContainText("succeeded");
    await expect(row).toContainText("e2e-editor");
    await page.screenshot({ path: testInfo.outputPath("studies-list.png"), fullPage: true });

    // Follow a run link to the experiment it is.
    await row.getByRole("link", { name: "e2e-chain-vs-flat" }).click();
    const link = page.getByTestId("study-run-link").first();
    const runName = (await link.textContent()) ?? "";
    await link.click();
    await expect(page).toHaveURL(/\/experiments\/[^/]+$/);
    await expect(page.locator("h1")).toContainText(runName);
    await expect(page.getByTestId("experiment-status").first()).toContainText("succeeded");
    await expect(page.getByTestId("experiment-study")).toContainText("run of study e2e-chain-vs-flat");
    expect(consoleProblems).toEqual([]);
  });

  test("an editor cancels the study they started; a missing study says so", async ({ page, consoleProblems }) => {
    await page.goto("/studies");
    await page.getByTestId("new-study").click();
    const form = page.getByTestId("new-study-form");
    await form.locator("input[name=name]").fill("e2e-study-to-cancel");
    await form.locator("select[name=dataset]").selectOption(readSeed().datasetName);
    await form.locator("input[name=seeds]").fill("0");
    await form.locator("input[name=sftSteps]").fill("5000");
    await fillArm(page, 0, "chain", tinyArm("chain"));
    await fillArm(page, 1, "flat", tinyArm("flat"));
    await form.getByRole("button", { name: "Start study" }).click();
    await expect(page.locator("h1")).toContainText("e2e-study-to-cancel");
    await page.getByTestId("cancel-study").click();
    await expect(page.getByTestId("study-status")).toContainText("cancelled", { timeout: 60_000 });
    await expect(page.getByTestId("study-progress")).toContainText("2 / 2 runs · 2 cancelled");
    await expect(page.getByTestId("add-seeds")).toHaveCount(0);
    await page.goto("/studies/no-such-study");
    await expect(page.getByTestId("error-state")).toContainText('study "no-such-study" does not exist');
    expect(consoleProblems).toEqual([]);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: E2E.signedIn.viewer });

  test("a viewer and an anonymous visitor see no new study, cancel or add seeds", async ({
    page,
    browser,
    consoleProblems,
  }) => {
    // A study that runs long enough to look at (created by the admin token), cancelled after.
    const { createStudy } = await gql<{ createStudy: { id: string } }>(
      "mutation($i: CreateStudyInput!) { createStudy(input: $i) { id } }",
      {
        i: {
          name: "e2e-viewer-looks",
          dataset: readSeed().datasetName,
          arms: [
            { name: "chain", config: tinyArm("chain") },
            { name: "flat", config: tinyArm("flat") },
          ],
          seeds: [0],
          budget: { sftSteps: 5000 },
        },
      },
    );
    try {
      await page.goto("/studies");
      await expect(page.getByTestId("nav-user")).toContainText("e2e-viewer");
      await expect(page.getByTestId("study-row").filter({ hasText: "e2e-viewer-looks" })).toBeVisible();
      await expect(page.getByTestId("new-study")).toHaveCount(0);
      await page.goto(`/studies/${createStudy.id}`);
      await expect(page.getByTestId("study-status")).toContainText("running");
      await expect(page.getByTestId("study-run-link")).toHaveCount(2);
      await expect(page.getByTestId("cancel-study")).toHaveCount(0);
      await expect(page.getByTestId("add-seeds")).toHaveCount(0);

      // A context of its own inherits the test's storage state unless given an empty one.
      const anonymous = await browser.newContext({
        baseURL: E2E.dashboardUrl,
        storageState: { cookies: [], origins: [] },
      });
      const anon = await anonymous.newPage();
      await anon.goto(`/studies/${createStudy.id}`);
      await expect(anon.getByTestId("nav-sign-in")).toBeVisible();
      await expect(anon.getByTestId("study-run-link")).toHaveCount(2);
      await expect(anon.getByTestId("cancel-study")).toHaveCount(0);
      await expect(anon.getByTestId("add-seeds")).toHaveCount(0);
      await anon.goto("/studies");
      await expect(anon.getByTestId("study-row").first()).toBeVisible();
      await expect(anon.getByTestId("new-study")).toHaveCount(0);
      await anonymous.close();
    } finally {
      await gql("mutation($id: ID!) { cancelStudy(id: $id) { id } }", { id: createStudy.id });
    }
    expect(consoleProblems).toEqual([]);
  });
});
