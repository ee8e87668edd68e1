// Ports, directories and environments of the servers the e2e run starts. GEOR_HOME is a fresh
// temporary directory per run, so the API starts on an empty SQLite database.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");

// Playwright loads this module in the runner and in each worker: the first load picks the
// home directory and the later ones inherit it through the environment.
process.env.GEOR_E2E_HOME ??= mkdtempSync(path.join(os.tmpdir(), "geor-e2e-"));
const home = process.env.GEOR_E2E_HOME;

const apiPort = Number(process.env.GEOR_E2E_API_PORT ?? 4310);
const dashboardPort = Number(process.env.GEOR_E2E_DASHBOARD_PORT ?? 3310);
const orphanDashboardPort = dashboardPort + 1;
/** A port nothing listens on: the orphan dashboard's API. */
const deadApiPort = apiPort + 1;
const token = "e2e-token-0123456789abcdef";

const base = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" } as Record<string, string>;

export const E2E = {
  repoRoot,
  home,
  token,
  /** People global setup creates, with this password; tests sign in as them. */
  password: "e2e-password-0123456789",
  /** Playwright storage states (the session cookie) of the signed-in people. */
  signedIn: { editor: path.join(home, "editor.state.json"), viewer: path.join(home, "viewer.state.json") },
  dashboardDir: path.join(repoRoot, "apps/dashboard"),
  nextBin: path.join(repoRoot, "node_modules/next/dist/bin/next"),
  apiUrl: `http://127.0.0.1:${apiPort}/graphql`,
  apiHealthUrl: `http://127.0.0.1:${apiPort}/healthz`,
  dashboardPort,
  dashboardUrl: `http://127.0.0.1:${dashboardPort}`,
  orphanDashboardPort,
  orphanDashboardUrl: `http://127.0.0.1:${orphanDashboardPort}`,
  apiEnv: { ...base, PORT: String(apiPort), HOST: "127.0.0.1", GEOR_HOME: home, GEOR_API_TOKEN: token },
  dashboardEnv: {
    ...base,
    PORT: String(dashboardPort),
    GEOR_API_URL: `http://127.0.0.1:${apiPort}/graphql`,
    // The dashboard holds no API token: it forwards each signed-in person's session.
    GEOR_SESSION_SECRET: "e2e-session-secret-0123456789abcdef-0123456789",
  },
  orphanDashboardEnv: {
    ...base,
    PORT: String(orphanDashboardPort),
    GEOR_API_URL: `http://127.0.0.1:${deadApiPort}/graphql`,
  },
};
