// `npm run bench -w @geor/dashboard`: how the error map copes with 100,000 predictions. It runs
// from apps/api so that tsx compiles the API it starts with the API's own tsconfig (decorators).
// Starts the API on a fresh SQLite GEOR_HOME holding one experiment with synthetic predictions
// (see synthetic-predictions.ts), builds and starts the dashboard in production mode, opens the
// error map in Debian's Chromium and records, in bench/results/dashboard.json:
// - firstFrameMs: navigation → first map frame (basemap drawn);
// - allPointsDrawnMs: navigation → every prediction paged in from the API and drawn (null when
//   the load budget ran out first; pointsOnMapWithinBudget says how far it got);
// - panFrameMs: median and p95 frame time while panning with panPoints predictions on the map;
// - mapPageJs: JavaScript the error-map page loads (bytes and gzip bytes).
// Chromium here renders WebGL in software (SwiftShader): frame times are far above a GPU's.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { loadConfig, openDatabase, Store, startServer } from "@geor/api";
import { chromium } from "@playwright/test";
import { syntheticPredictions } from "./synthetic-predictions.ts";

const N = Number(process.env.GEOR_BENCH_PREDICTIONS ?? 100_000);
const dashboardDir = path.resolve(import.meta.dirname, "..");
const repoRoot = path.resolve(dashboardDir, "../..");
const home = mkdtempSync(path.join(os.tmpdir(), "geor-dash-bench-"));
const DASHBOARD_PORT = 3390;
const LOAD_BUDGET_MS = Number(process.env.GEOR_BENCH_LOAD_BUDGET_S ?? 60) * 1000;
const PAN_POINTS = Math.min(N, 5000);

async function seed(): Promise<string> {
  const config = loadConfig({ home, databaseUrl: null });
  const store = new Store(await openDatabase(config));
  const experiment = await store.experiments.create({
    name: `synthetic-${N}`,
    dataset: "synthetic",
    config: {},
    skipped: {},
    tags: ["bench"],
    notes: "synthetic predictions for the dashboard benchmark",
    runDirOf: (id) => path.join(home, "runs", id),
  });
  const rows = await syntheticPredictions(N);
  for (let i = 0; i < rows.length; i += 5000) {
    await store.predictions.insertBatch(experiment.id, rows.slice(i, i + 5000) as never);
  }
  await store.experiments.finish(experiment.id, "SUCCEEDED");
  await store.close();
  return experiment.id;
}

function startDashboard(apiUrl: string): ChildProcess {
  return spawn(
    process.execPath,
    [path.join(repoRoot, "node_modules/next/dist/bin/next"), "start", "--port", String(DASHBOARD_PORT)],
    {
      cwd: dashboardDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", GEOR_API_URL: apiUrl, NODE_ENV: "production" },
      stdio: "ignore",
    },
  );
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function measure(experimentId: string) {
  const browser = await chromium.launch({
    executablePath: process.env.GEOR_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const js: Array<{ url: string; bytes: number; gzip: number }> = [];
  page.on("response", async (res) => {
    if (!res.url().endsWith(".js") || res.request().resourceType() !== "script") return;
    const body = await res.body().catch(() => null);
    if (body) js.push({ url: res.url(), bytes: body.length, gzip: gzipSync(body).length });
  });
  const base = `http://127.0.0.1:${DASHBOARD_PORT}/error-map?experiment=${experimentId}&layer=points`;
  const t0 = Date.now();
  await page.goto(`${base}&max=${N}`);
  await page.waitForSelector("[data-testid=geo-map][data-ready=true]", { timeout: 300_000 });
  const firstFrameMs = Date.now() - t0;
  // The API pages predictions 100 at a time: record how many reach the map within the budget.
  const loadedOnMap = async () =>
    Number(
      ((await page.getByTestId("points-status").textContent()) ?? "").match(/^([\d,]+) of/)?.[1]?.replace(/,/g, "") ??
        0,
    );
  let loaded = 0;
  while (Date.now() - t0 < LOAD_BUDGET_MS) {
    loaded = await loadedOnMap();
    if (loaded >= N) break;
    await page.waitForTimeout(1000);
  }
  const loadMs = Date.now() - t0;
  const allPointsDrawnMs = loaded >= N ? loadMs : null;

  // Interactivity: a fresh page with PAN_POINTS predictions fully loaded, then a mouse pan.
  let panFrameMs: { median: number; p95: number; frames: number } | { error: string };
  try {
    await page.goto(`${base}&max=${PAN_POINTS}`);
    const panTotal = PAN_POINTS.toLocaleString("en-US");
    await page.waitForFunction(
      (t) => document.querySelector("[data-testid=points-status]")?.textContent?.startsWith(`${t} of`) === true,
      panTotal,
      { timeout: 300_000, polling: 500 },
    );
    // A string, not a function: tsx would wrap a named function in a helper the page lacks.
    await page.evaluate(`
      window.__frames = [];
      const tick = (t) => {
        window.__frames.push(t);
        if (window.__frames.length < 400) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    `);
    const box = (await page.locator("[data-testid=geo-map]").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 0; i < 30; i++)
      await page.mouse.move(box.x + box.width / 2 - i * 10, box.y + box.height / 2, { steps: 2 });
    await page.mouse.up();
    const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
    const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
    panFrameMs = { median: quantile(intervals, 0.5), p95: quantile(intervals, 0.95), frames: intervals.length };
  } catch (error) {
    panFrameMs = { error: (error as Error).message.split("\n")[0]! };
  }
  await browser.close();
  return {
    firstFrameMs,
    allPointsDrawnMs,
    loadBudgetMs: LOAD_BUDGET_MS,
    pointsOnMapWithinBudget: loaded,
    pagingPredictionsPerSec: Math.round((loaded / loadMs) * 1000),
    panPoints: PAN_POINTS,
    panFrameMs,
    mapPageJs: {
      files: js.length,
      bytes: js.reduce((a, f) => a + f.bytes, 0),
      gzipBytes: js.reduce((a, f) => a + f.gzip, 0),
    },
  };
}

const build = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/next/dist/bin/next"), "build"], {
  cwd: dashboardDir,
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  stdio: "inherit",
});
if (build.status !== 0) throw new Error(`next build exited with ${build.status}`);

console.log(`seeding ${N.toLocaleString("en-US")} synthetic predictions in ${home}`);
const experimentId = await seed();
const api = await startServer(loadConfig({ home, databaseUrl: null, port: 0, host: "127.0.0.1" }), () => {});
const dashboard = startDashboard(`${api.url}`);
try {
  await waitFor(`http://127.0.0.1:${DASHBOARD_PORT}/api/health`, 60_000);
  const loadBefore = os.loadavg()[0];
  const result = await measure(experimentId);
  const out = {
    predictions: N,
    ...result,
    // Other processes sharing the cores slow software WebGL and the API alike.
    loadAverage1m: { before: loadBefore, after: os.loadavg()[0] },
    notes:
      "Predictions are synthetic (real land points, log-uniform errors) and paged from the API 100 at a time; " +
      "WebGL runs in software (SwiftShader) on this machine.",
    date: new Date().toISOString(),
  };
  const dir = path.join(repoRoot, "bench/results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "dashboard.json"), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  dashboard.kill();
  await api.close();
  rmSync(home, { recursive: true, force: true });
}
