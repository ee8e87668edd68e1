// `npm run bench -w @geor/dashboard`: how the error map copes with 100,000 predictions.
// Starts the API on a fresh SQLite GEOR_HOME holding one experiment with synthetic predictions
// (see synthetic-predictions.ts), builds and starts the dashboard in production mode, opens the
// error map in Debian's Chromium and records, in bench/results/dashboard.json:
// - firstFrameMs: navigation → first map frame (basemap drawn);
// - allPointsDrawnMs: navigation → every prediction paged in from the API and drawn;
// - panFrameMs: median and p95 frame time while panning with all predictions on the map;
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
  const url = `http://127.0.0.1:${DASHBOARD_PORT}/error-map?experiment=${experimentId}&layer=points&max=${N}`;
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector("[data-testid=geo-map][data-ready=true]", { timeout: 300_000 });
  const firstFrameMs = Date.now() - t0;
  const total = N.toLocaleString("en-US");
  await page.waitForFunction(
    (t) => document.querySelector("[data-testid=points-status]")?.textContent === `${t} of ${t} predictions on the map`,
    total,
    { timeout: 900_000, polling: 250 },
  );
  // One more frame so the last upload is drawn.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const allPointsDrawnMs = Date.now() - t0;

  // Pan with the mouse and record frame intervals.
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[] };
    w.__frames = [];
    const tick = (t: number) => {
      w.__frames.push(t);
      if (w.__frames.length < 400) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const box = (await page.locator("[data-testid=geo-map]").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 0; i < 30; i++)
    await page.mouse.move(box.x + box.width / 2 - i * 10, box.y + box.height / 2, { steps: 2 });
  await page.mouse.up();
  const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
  const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
  await browser.close();
  return {
    firstFrameMs,
    allPointsDrawnMs,
    panFrameMs: { median: quantile(intervals, 0.5), p95: quantile(intervals, 0.95), frames: intervals.length },
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
  const result = await measure(experimentId);
  const out = {
    predictions: N,
    ...result,
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
