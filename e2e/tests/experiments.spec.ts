// Starting and cancelling an experiment from the UI, and the API's validation messages.
import type { Page } from "@playwright/test";
import { readSeed } from "../support/api.ts";
import { E2E } from "../support/env.ts";
import { expect, test } from "../support/fixtures.ts";

// Starting, cancelling and predicting need a person with the right; the seeded editor.
test.use({ storageState: E2E.signedIn.editor });

/** Fills the new-experiment form on the seeded dataset and submits it. */
async function startFromForm(page: Page, name: string, epochs: string): Promise<void> {
  await page.goto("/experiments");
  await page.getByTestId("new-experiment").click();
  const form = page.getByTestId("new-experiment-form");
  await form.locator("input[name=name]").fill(name);
  await form.locator("select[name=dataset]").selectOption(readSeed().datasetName);
  await form.locator("input[name=sftEpochs]").fill(epochs);
  await form.getByRole("button", { name: "Start" }).click();
}

test("the form shows the API's validation message for a bad config", async ({ page, consoleProblems }) => {
  await startFromForm(page, "bad-epochs", "-2");
  await expect(page.getByTestId("form-error")).toContainText("config.train.epochs");
  expect(consoleProblems).toEqual([]);
});

test("an experiment started from the form can be cancelled from its page", async ({ page, consoleProblems }) => {
  await startFromForm(page, "e2e-to-cancel", "200");
  const row = page.getByTestId("experiment-row").filter({ hasText: "e2e-to-cancel" });
  await expect(row).toContainText(/queued|running/);
  await row.getByRole("link", { name: "e2e-to-cancel" }).click();
  await page.getByTestId("cancel-experiment").click();
  await expect(page.getByTestId("experiment-status").first()).toContainText("cancelled", { timeout: 30_000 });
  expect(consoleProblems).toEqual([]);
});
