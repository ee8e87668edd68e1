// Team access in the browser: signing in and out, a token shown once, what a viewer does not see,
// the dashboard's proxy lending no rights to anonymous or cross-site requests, the one-time
// sign-in link, and forged session cookies (a fault drill: 0 accepted).
import { spawnSync } from "node:child_process";
import { type APIRequestContext, request as playwrightRequest } from "@playwright/test";
import { sealData } from "iron-session";
import { recordFaultDrill } from "../../scripts/fault-drills.ts";
import { readSeed } from "../support/api.ts";
import { E2E } from "../support/env.ts";
import { expect, test } from "../support/fixtures.ts";

const ME = "{ me { name role } }";

/** A fresh session cookie for `name` (its own, so signing it out touches no other test). */
async function freshSession(request: APIRequestContext, name: string): Promise<string> {
  const res = await request.post("/api/session", {
    headers: { origin: E2E.dashboardUrl },
    data: { name, password: E2E.password },
  });
  expect(res.ok()).toBe(true);
  const cookie = res.headers()["set-cookie"] ?? "";
  return /geor_session=([^;]+)/.exec(cookie)?.[1] as string;
}

/** `me` through the dashboard's proxy with this cookie value (null: anonymous). */
async function meThroughProxy(request: APIRequestContext, cookie: string | null) {
  const res = await request.post("/api/graphql", {
    headers: {
      "content-type": "application/json",
      origin: E2E.dashboardUrl,
      ...(cookie ? { cookie: `geor_session=${cookie}` } : {}),
    },
    data: { query: ME },
  });
  return (await res.json()) as { data?: { me: { name: string } | null } | null; errors?: unknown[] };
}

test("signing in with a password, a token shown once, signing out", async ({ page, consoleProblems }) => {
  await page.goto("/sign-in?next=/settings");
  await page.getByLabel("Name").fill("e2e-editor");
  await page.getByLabel("Password").fill(E2E.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("settings-name")).toHaveText("e2e-editor");
  await expect(page.getByTestId("nav-user")).toContainText("e2e-editor");

  await page.getByTestId("token-name").fill("e2e laptop");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
  expect(secret).toMatch(/^geor_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("token-table")).toContainText("e2e laptop");
  // The token works against the API, as its owner.
  const me = await fetch(E2E.apiUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: ME }),
  });
  expect(((await me.json()) as { data: { me: { name: string } } }).data.me.name).toBe("e2e-editor");
  // Shown once: after a reload the secret is nowhere on the page.
  await page.reload();
  await expect(page.getByTestId("token-table")).toContainText("e2e laptop");
  await expect(page.getByTestId("token-once")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("nav-sign-in")).toBeVisible();
  expect(consoleProblems).toEqual([]);
});

test.describe("as a viewer", () => {
  test.use({ storageState: E2E.signedIn.viewer });
  test("sees no write controls and no people settings", async ({ page, consoleProblems }) => {
    await page.goto("/experiments");
    await expect(page.getByTestId("nav-user")).toContainText("e2e-viewer");
    await expect(page.getByTestId("experiments-table")).toBeVisible();
    await expect(page.getByTestId("new-experiment")).toHaveCount(0);
    await page.goto(`/experiments/${readSeed().experimentId}`);
    await expect(page.getByTestId("cancel-experiment")).toHaveCount(0);
    await page.goto("/settings");
    await expect(page.getByTestId("settings-name")).toHaveText("e2e-viewer");
    await expect(page.getByTestId("people-table")).toHaveCount(0);
    expect(consoleProblems).toEqual([]);
  });
});

test("the proxy lends no rights: an anonymous write and a cross-site one are refused", async ({ request }) => {
  const tag = `mutation($id: ID!) { tagExperiment(id: $id, add: ["anonymous-was-here"]) { tags } }`;
  const variables = { id: readSeed().experimentId };
  const anonymous = await request.post("/api/graphql", { data: { query: tag, variables } });
  const body = (await anonymous.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

  const cookie = await freshSession(request, "e2e-editor");
  const crossSite = await request.post("/api/graphql", {
    headers: { cookie: `geor_session=${cookie}`, origin: "https://evil.example" },
    data: { query: tag, variables },
  });
  expect(crossSite.status()).toBe(403);
  const tags = await request.post("/api/graphql", {
    headers: { origin: E2E.dashboardUrl },
    data: { query: `query($id: ID!) { experiment(id: $id) { tags } }`, variables },
  });
  expect(((await tags.json()) as { data: { experiment: { tags: string[] } } }).data.experiment.tags).not.toContain(
    "anonymous-was-here",
  );
});

test("the one-time sign-in link signs in once", async ({ page, consoleProblems }) => {
  const r = spawnSync(
    "npm",
    ["run", "-s", "users", "-w", "@geor/api", "--", "link", "e2e-viewer", "--dashboard", E2E.dashboardUrl],
    {
      cwd: E2E.repoRoot,
      env: { ...process.env, GEOR_HOME: E2E.home, GEOR_API_TOKEN: E2E.token },
      encoding: "utf8",
    },
  );
  const link = r.stdout.trim().split("\n").at(-1) ?? "";
  expect(link, r.stderr).toMatch(/\/sign-in\/link\?code=/);
  await page.goto(link);
  await expect(page.getByTestId("nav-user")).toContainText("e2e-viewer");
  await page.context().clearCookies();
  await page.goto(link);
  await expect(page.getByTestId("sign-in-error")).toContainText("used already");
  expect(consoleProblems).toEqual([]);
});

test("fault drill: forged session cookies get nothing", async () => {
  // Contexts of their own: a shared one would also send the real cookie it kept.
  const signIn = await playwrightRequest.newContext({ baseURL: E2E.dashboardUrl });
  const real = await freshSession(signIn, "e2e-editor");
  await signIn.dispose();
  const probe = await playwrightRequest.newContext({ baseURL: E2E.dashboardUrl });
  expect((await meThroughProxy(probe, real)).data?.me?.name).toBe("e2e-editor");
  const forged: string[] = [];
  // Characters of a real cookie changed one at a time. The last character of each base64 field is
  // left alone: some of its bits are padding, so another character there can decode to the very
  // same bytes — the same cookie, not a forgery.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const fieldEnds = new Set([...real.matchAll(/[^*~](?=[*~]|$)/g)].map((m) => m.index));
  for (let i = 0; i < real.length; i += 3) {
    const c = real[i] as string;
    if (fieldEnds.has(i) || !alphabet.includes(c)) continue;
    forged.push(real.slice(0, i) + alphabet[(alphabet.indexOf(c) + 7) % alphabet.length] + real.slice(i + 1));
  }
  // Sealed with another key, saying whatever a forger wants.
  for (const claim of [
    { name: "admin", role: "ADMIN", token: E2E.token },
    { name: "e2e-editor", role: "ADMIN" },
  ]) {
    forged.push(await sealData(claim, { password: "a-forger-s-own-key-0123456789-0123456789" }));
  }
  // (Junk after the version suffix, `~2x`, still reads as the same real cookie — iron-session
  // parses the version as a number — so it is no forgery and is left out.)
  forged.push(
    real.slice(0, -10),
    real.replace(/~2$/, ""),
    "",
    "Fe26.2**",
    "x".repeat(4000),
    encodeURIComponent(JSON.stringify({ name: "admin" })),
  );
  const accepted: number[] = [];
  for (const [k, cookie] of forged.entries()) {
    const r = await meThroughProxy(probe, cookie);
    if (r.data?.me) accepted.push(k);
  }
  await probe.dispose();
  recordFaultDrill("cookie-forgery", {
    title: "Forged dashboard session cookies through the GraphQL proxy",
    method: `${forged.length} forged geor_session cookies — characters of a real sealed cookie changed one at a time, cookies sealed under another key claiming to be the admin, truncated, extended, empty and junk ones — each sent with { me } through the dashboard's /api/graphql; accepted = the API named a person`,
    command: "npm test -w @geor/e2e (tests/team.spec.ts)",
    figures: { forgeries: forged.length, accepted: accepted.length },
  });
  expect(accepted.map((k) => forged[k])).toEqual([]);
});
