// Uploading an image returns a predicted chain and a point.
import path from "node:path";
import { readSeed } from "../support/api.ts";
import { E2E } from "../support/env.ts";
import { expect, test } from "../support/fixtures.ts";

// Starting, cancelling and predicting need a person with the right; the seeded editor.
test.use({ storageState: E2E.signedIn.editor });

// A real JPEG shipped in node_modules (NASA imagery from three-globe, a dashboard dependency).
const IMAGE = path.join(E2E.repoRoot, "node_modules/three-globe/example/img/earth-day.jpg");

test("uploading an image shows the predicted chain", async ({ page, consoleProblems }) => {
  await page.goto(`/predict?experiment=${readSeed().experimentId}`);
  await page.getByTestId("predict-file").setInputFiles(IMAGE);
  await page.getByRole("button", { name: "Predict" }).click();
  await expect(page.getByTestId("predict-result")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("predicted-chain-text")).toContainText("›");
  await expect(page.getByTestId("chain-table")).toContainText("coordinate");
  expect(consoleProblems).toEqual([]);
});
