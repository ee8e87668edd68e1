// Playwright in Debian's Chromium (Playwright's own browser download cannot work offline).
// The servers (API on a fresh SQLite GEOR_HOME, dashboard in production mode, and a second
// dashboard whose API is down) are started by Playwright's webServer and seeded in global setup.
import { defineConfig } from "@playwright/test";
import { E2E } from "./support/env.ts";

export default defineConfig({
  testDir: "tests",
  outputDir: ".test-results/artifacts",
  timeout: 120_000,
  // Software WebGL compiles each deck.gl shader in seconds: maps need time to first draw.
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json"]],
  globalSetup: "./support/global-setup.ts",
  use: {
    baseURL: E2E.dashboardUrl,
    screenshot: "on",
    trace: "off",
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.GEOR_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      name: "api",
      command: "npm run start -w @geor/api",
      cwd: E2E.repoRoot,
      url: E2E.apiHealthUrl,
      timeout: 120_000,
      reuseExistingServer: false,
      env: E2E.apiEnv,
      stdout: "pipe",
    },
    {
      name: "dashboard",
      command: `node ${E2E.nextBin} start --port ${E2E.dashboardPort}`,
      cwd: E2E.dashboardDir,
      url: `${E2E.dashboardUrl}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: E2E.dashboardEnv,
    },
    {
      name: "dashboard-without-api",
      command: `node ${E2E.nextBin} start --port ${E2E.orphanDashboardPort}`,
      cwd: E2E.dashboardDir,
      url: `${E2E.orphanDashboardUrl}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: E2E.orphanDashboardEnv,
    },
  ],
});
