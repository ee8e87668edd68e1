// A dashboard whose API is not running says so in a banner instead of showing blank pages.
import { E2E } from "../support/env.ts";
import { expect, test } from "../support/fixtures.ts";

test("the API-down banner names the unreachable API", async ({ page }) => {
  await page.goto(`${E2E.orphanDashboardUrl}/experiments`);
  const banner = page.getByTestId("api-down-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("not reachable");
  await expect(banner).toContainText("ECONNREFUSED");
  await expect(page.getByTestId("error-state")).toContainText("unreachable");
  // The map still draws its offline basemap without the API.
  await page.goto(`${E2E.orphanDashboardUrl}/error-map`);
  await expect(page.getByTestId("geo-map")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("api-down-banner")).toBeVisible();
});
