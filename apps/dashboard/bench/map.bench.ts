// `npm run bench -w @geor/dashboard`: how the error map copes with 100,000 predictions. It runs
// from apps/api so that tsx compiles the API it starts with the API's own tsconfig (decorators).
// Starts the API on a fresh SQLite GEOR_HOME holding one experiment with synthetic predictions
// (see synthetic-predictions.ts), builds and starts the dashboard in production mode, opens the
// error map in Debian's Chromium and records, in bench/results/dashboard.json:
// - firstFrameMs: navigation → first map frame (basemap drawn);
// - allPointsDrawnMs: navigation → every prediction loaded from the API (predictionPoints, in
//   chunks) and drawn (null when the load budget ran out first; pointsOnMapWithinBudget says how
//   far it got);
// - panFrameMs: median and p95 frame time while dragging the map with all of them on it;
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
const DASHBOARD_PORT = Number(process.env.GEOR_BENCH_DASHBOARD_PORT ?? 3390);
const LOAD_BUDGET_MS = Number(process.env.GEOR_BENCH_LOAD_BUDGET_S ?? 300) * 1000;
/** The error map's layer drawn: points (default), arcs or hexagons. */
const LAYER = process.env.GEOR_BENCH_LAYER ?? "points";
/** Pointer moves (one per frame, 10 px apart) in the pan. */
const PAN_STEPS = 30;

async function seed(): Promise<string> {
  const config = loadConfig({ home, databaseUrl: null });
  const store = new Store(await openDatabase(config));
  const experiment = await store.experiments.create({
    name: `synthetic-${N}`,
    dataset: "synthetic",
    config: {},
    skipped: {},
    tags: ["bench"],
    createdBy: null,
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
  const base = `http://127.0.0.1:${DASHBOARD_PORT}/error-map?experiment=${experimentId}&layer=${LAYER}`;
  const t0 = Date.now();
  await page.goto(`${base}&max=${N}`);
  await page.waitForSelector("[data-testid=geo-map][data-ready=true]", { timeout: 300_000 });
  const firstFrameMs = Date.now() - t0;
  // Every prediction is on the map once the status counts N and a frame has been drawn since.
  const total = N.toLocaleString("en-US");
  let allPointsDrawnMs: number | null = null;
  try {
    await page.waitForFunction(
      (t) => document.querySelector("[data-testid=points-status]")?.textContent?.startsWith(`${t} of`) === true,
      total,
      { timeout: Math.max(1, LOAD_BUDGET_MS - (Date.now() - t0)), polling: 100 },
    );
    // Two animation frames: deck.gl draws the new buffers in the first.
    await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
    allPointsDrawnMs = Date.now() - t0;
  } catch {}
  const loaded = Number(
    ((await page.getByTestId("points-status").textContent()) ?? "").match(/^([\d,]+) of/)?.[1]?.replace(/,/g, "") ?? 0,
  );

  // Interactivity: a drag over the map with all N predictions on it, one pointer move per
  // animation frame, so each rAF interval is one frame that deck.gl redrew for a new view. The
  // pointer events are dispatched inside the page: Playwright's mouse waits for the renderer to
  // acknowledge every event, which with software WebGL can stall the run for minutes.
  let panFrameMs: { median: number; p95: number; frames: number } | { error: string };
  try {
    if (allPointsDrawnMs === null) throw new Error(`only ${loaded} of ${N} predictions loaded within the budget`);
    const before = await page.locator("[data-testid=geo-map]").screenshot();
    // A string, not a function: tsx would wrap a named function in a helper the page lacks.
    await page.evaluate(`
      window.__pan = new Promise((resolve) => {
        const canvas = document.querySelector("[data-testid=geo-map] canvas");
        const box = canvas.getBoundingClientRect();
        const y = box.top + box.height / 2;
        const x0 = box.left + box.width / 2;
        const fire = (type, x, buttons) =>
          canvas.dispatchEvent(new PointerEvent(type, {
            clientX: x, clientY: y, pointerId: 1, pointerType: "mouse", isPrimary: true,
            button: 0, buttons, bubbles: true, cancelable: true,
          }));
        const frames = [];
        fire("pointerdown", x0, 1);
        const tick = (t) => {
          frames.push(t);
          if (frames.length <= ${PAN_STEPS}) {
            fire("pointermove", x0 - frames.length * 10, 1);
            requestAnimationFrame(tick);
          } else {
            fire("pointerup", x0 - frames.length * 10, 0);
            resolve(frames);
          }
        };
        requestAnimationFrame(tick);
      });
    `);
    await page.waitForFunction("window.__pan", undefined, { timeout: 300_000, polling: 500 });
    const frames = (await page.evaluate("window.__pan")) as number[];
    const after = await page.locator("[data-testid=geo-map]").screenshot();
    if (before.equals(after)) throw new Error("the drag did not move the map");
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
    panPoints: N,
    panFrameMs,
    mapPageJs: {
      files: js.length,
      bytes: js.reduce((a, f) => a + f.bytes, 0),
      gzipBytes: js.reduce((a, f) => a + f.gzip, 0),
    },
  };
}

// GEOR_BENCH_NO_BUILD=1 measures the production build already in .next (e.g. after a change
// built once, to compare runs without rebuilding).
if (process.env.GEOR_BENCH_NO_BUILD !== "1") {
  const build = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/next/dist/bin/next"), "build"], {
    cwd: dashboardDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error(`next build exited with ${build.status}`);
}

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
      "Predictions are synthetic (real land points, log-uniform errors), loaded through predictionPoints in " +
      `chunks (CHUNK_SIZE in src/lib/use-prediction-columns.ts) and drawn as ${LAYER}; ` +
      "WebGL runs in software (SwiftShader) on this machine.",
    date: new Date().toISOString(),
  };
  const dir = path.join(repoRoot, "bench/results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(process.env.GEOR_BENCH_OUT ?? path.join(dir, "dashboard.json"), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  dashboard.kill();
  await api.close();
  rmSync(home, { recursive: true, force: true });
}
