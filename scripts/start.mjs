#!/usr/bin/env node
/**
 * `npm start`: the main job, on embedded defaults (SQLite, ./data).
 *
 *  1. builds the Chain-of-Region index and the bluemarble-medium dataset if absent;
 *  2. builds the dashboard for production if it has no build yet;
 *  3. starts the API (its worker thread runs experiments) and the dashboard;
 *  4. creates the demo experiments — CoR SFT → RL → eval, and the `flat` baseline — unless they
 *     exist (a second `npm start` lets the API resume them instead of starting over);
 *  5. prints the dashboard URL with a one-time sign-in link for the local admin and the API
 *     token, then the demo's progress.
 * Ctrl-C stops everything; running experiments resume from their last checkpoint next time.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { heapArgs } from "../apps/api/heap.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const home = path.resolve(process.env.GEOR_HOME ?? path.join(root, "data"));
const apiPort = Number(process.env.API_PORT ?? 4000);
const dashboardPort = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const apiUrl = `http://${host}:${apiPort}/graphql`;
const env = { ...process.env, GEOR_HOME: home, NEXT_TELEMETRY_DISABLED: "1" };
const DATASET = "bluemarble-medium";
const children = [];
let stopping = false;

const say = (line) => console.log(`\x1b[1m[geor]\x1b[0m ${line}`);

function runStep(title, cmd, args, extraEnv = {}) {
  say(title);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (r.status !== 0) {
    say(`failed: ${title} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function startChild(name, cmd, args, extraEnv, cwd = root) {
  // Its own process group, so that stopping reaches every process it started (npm → sh → next).
  const child = spawn(cmd, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split("\n")
      .filter((l) => l.trim().length > 0)
      .map((l) => `  ${name} │ ${l}\n`)
      .join("");
  child.stdout.on("data", (c) => process.stdout.write(prefix(c)));
  child.stderr.on("data", (c) => process.stderr.write(prefix(c)));
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${code ?? signal}); stopping`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say("stopping API and dashboard (running experiments resume on the next npm start)…");
  const signal = (c, sig) => {
    try {
      process.kill(-c.pid, sig);
    } catch {
      // already gone
    }
  };
  for (const c of children) if (c.exitCode === null) signal(c, "SIGTERM");
  const deadline = Date.now() + 10_000;
  const wait = setInterval(() => {
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null) || Date.now() > deadline) {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) signal(c, "SIGKILL");
      clearInterval(wait);
      process.exit(code);
    }
  }, 200);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function waitFor(url, what, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function gql(query, variables, token) {
  const r = await fetch(apiUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await r.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

const DEMO = [
  {
    name: "demo · CoR SFT → RL",
    tags: ["demo", "cor"],
    notes: "Chain-of-Region model: 10 min SFT, 4 min GRPO with the geor reward, then eval on test.",
    config: { model: { head: "chain" }, train: { minutes: 10 }, rl: { minutes: 4 }, eval: { split: "test" } },
  },
  {
    name: "demo · flat geocells baseline",
    tags: ["demo", "baseline"],
    notes: "One geocell classifier, no chain: 10 min SFT, then eval on test.",
    config: { model: { head: "flat" }, train: { minutes: 10 }, eval: { split: "test" } },
  },
];

async function main() {
  say(`GEOR_HOME ${home}`);
  if (!existsSync(path.join(home, "datasets", DATASET, "manifest.json"))) {
    runStep(`building the ${DATASET} dataset (NASA Blue Marble patches, ~30 s)`, process.execPath, [
      path.join(root, "packages/core/bin/geor.mjs"),
      "dataset",
      "build",
      "bluemarble",
      "--size",
      "medium",
    ]);
  } else {
    say(`dataset ${DATASET} is there`);
  }
  const dashboardDir = path.join(root, "apps/dashboard");
  if (!existsSync(path.join(dashboardDir, ".next", "BUILD_ID"))) {
    runStep("building the dashboard for production (first start only, ~1–2 min)", "npm", [
      "run",
      "build",
      "-w",
      "@geor/dashboard",
    ]);
  }
  say("starting the API");
  // From its own directory: tsx takes the API's tsconfig (decorators for type-graphql) from there.
  startChild(
    "api",
    process.execPath,
    [...heapArgs(), "--import", "tsx", "src/main.ts"],
    { PORT: String(apiPort), HOST: host },
    path.join(root, "apps/api"),
  );
  await waitFor(`http://${host}:${apiPort}/healthz`, "the API", 120_000);
  say("starting the dashboard");
  startChild("dashboard", "npm", ["run", "start", "-w", "@geor/dashboard", "--", "-H", host], {
    PORT: String(dashboardPort),
    GEOR_API_URL: apiUrl,
  });
  await waitFor(`http://${host}:${dashboardPort}/`, "the dashboard", 120_000);

  const token = process.env.GEOR_API_TOKEN?.trim() || readFileSync(path.join(home, "api-token"), "utf8").trim();
  const existing = await gql(
    `{ experiments(first: 100, filter: { tag: "demo" }) { edges { node { id name status } } } }`,
  );
  const byName = new Map(existing.experiments.edges.map((e) => [e.node.name, e.node]));
  for (const demo of DEMO) {
    if (byName.has(demo.name)) {
      const e = byName.get(demo.name);
      say(`demo experiment "${demo.name}" exists (${e.status}); not starting it over`);
      continue;
    }
    const created = await gql(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id name status } }`,
      { input: { ...demo, dataset: DATASET } },
      token,
    );
    byName.set(demo.name, created.createExperiment);
    say(`queued demo experiment "${demo.name}"`);
  }

  // A one-time link that signs this browser in as the local admin (like a notebook server's token URL).
  const link = spawnSync(
    "npm",
    ["run", "-s", "users", "-w", "@geor/api", "--", "link", "admin", "--dashboard", `http://${host}:${dashboardPort}`],
    { cwd: root, env, encoding: "utf8" },
  );
  const signInLink = link.status === 0 ? link.stdout.trim().split("\n").at(-1) : `(failed: ${link.stderr.trim()})`;

  console.log(`
  Dashboard   http://${host}:${dashboardPort}
  Sign in     ${signInLink}
              (one use, valid for a day; add people with npm run users -w @geor/api -- add NAME --role editor --password-stdin)
  GraphQL API ${apiUrl}
  API token   ${token}   (the admin's, for scripts: "Authorization: Bearer <token>"; stored in ${path.join(home, "api-token")})

  The demo runs live: CoR SFT → RL → eval (~15 min here), then the flat baseline.
  Ctrl-C stops everything; npm start again resumes.
`);
  const ids = [...byName.values()].map((e) => e.id);
  let last = "";
  setInterval(async () => {
    try {
      const lines = [];
      for (const id of ids) {
        const { experiment: e } = await gql(
          `query($id: ID!) { experiment(id: $id) { name status stages { name status step totalSteps } } }`,
          { id },
        );
        const stage = e.stages.find((s) => s.status === "RUNNING");
        lines.push(`${e.name}: ${e.status}${stage ? ` · ${stage.name} ${stage.step}/${stage.totalSteps ?? "?"}` : ""}`);
      }
      const text = lines.join("  |  ");
      if (text !== last) say(text);
      last = text;
    } catch (err) {
      if (!stopping) say(`progress: ${err.message}`);
    }
  }, 15_000);
}

main().catch((err) => {
  say(`error: ${err.message}`);
  stop(1);
});
