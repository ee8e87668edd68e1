// `npm run bench -w @geor/dashboard`: how the error map copes with N predictions
// (GEOR_BENCH_PREDICTIONS, default 100,000). It runs from apps/api so that tsx compiles the API it
// starts with the API's own tsconfig (decorators). Seeds a fresh SQLite GEOR_HOME with one
// finished experiment of synthetic predictions (seed-synthetic.ts), builds and starts the
// dashboard in production mode, opens the error map in Debian's Chromium and records, in
// bench/results/dashboard.json (or GEOR_BENCH_OUT, from the repo root):
// - firstFrameMs: navigation → the world view's first frame with its data drawn (bins, or points
//   when the world holds at most the map's budget); basemapFrameMs: → the basemap's first frame.
//   The servers are warm (a page served, the map source built: apiFirstBuildMs), the browser cold;
// - worldViewBytes: what the world view downloads besides code (GraphQL responses and the basemap
//   raster), with mapViewBytes its mapView responses alone;
// - panFrameMs: median and p95 frame time while dragging the world view;
// - zoomedPanFrameMs: the same at city zoom over one of the synthetic towns, where the map draws
//   single predictions (cityView says which view, its mode and count);
// - apiAggregateMs: p50 / p95 of the API's mapView bins query for world and continent views, each
//   panned by up to 300 px so most are computed, not cached (straight to the API over HTTP);
// - mapPageJs: JavaScript the error-map page loads up to its first frame (bytes and gzip bytes).
// Chromium here renders WebGL in software (SwiftShader): frame times are far above a GPU's.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { loadConfig, startServer } from "@geor/api";
import { chromium, type Page } from "@playwright/test";
import { MAP_BUDGET } from "../src/lib/map-budget.ts";
import { seedSyntheticExperiment } from "./seed-synthetic.ts";
import { syntheticTowns, TOWN_SHARE, ZIPF_SUM } from "./synthetic-predictions.ts";

const N = Number(process.env.GEOR_BENCH_PREDICTIONS ?? 100_000);
const dashboardDir = path.resolve(import.meta.dirname, "..");
const repoRoot = path.resolve(dashboardDir, "../..");
const home = mkdtempSync(path.join(os.tmpdir(), "geor-dash-bench-"));
const DASHBOARD_PORT = Number(process.env.GEOR_BENCH_DASHBOARD_PORT ?? 3390);
/** Pointer moves (one per frame, 10 px apart) in a pan. */
const PAN_STEPS = 30;
const VIEWPORT = { width: 1400, height: 900 };
/** deck.gl's zoom of the city view: a town's centre, some 50 km across. */
const CITY_ZOOM = 11;
/** Bins queries timed per view. */
const API_REPEATS = 20;

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

/** Two animation frames: deck.gl draws new buffers in the first. */
const TWO_FRAMES = "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))";

/** Waits until the map has drawn the answer for its view (no request pending) and returns its mode. */
async function viewDrawn(page: Page, timeoutMs: number): Promise<{ mode: string; text: string }> {
  await page.waitForSelector("[data-testid=geo-map][data-ready=true]", { timeout: timeoutMs });
  await page.waitForSelector("[data-testid=map-count][data-loading=false]:is([data-mode=BINS],[data-mode=POINTS])", {
    timeout: timeoutMs,
  });
  await page.evaluate(TWO_FRAMES);
  const count = page.getByTestId("map-count");
  return { mode: (await count.getAttribute("data-mode")) ?? "", text: (await count.textContent()) ?? "" };
}

/**
 * A drag over the map, one pointer move per animation frame, so each rAF interval is one frame
 * deck.gl redrew for a new view. The pointer events are dispatched inside the page: Playwright's
 * mouse waits for the renderer to acknowledge every event, which with software WebGL can stall.
 */
async function panFrames(page: Page): Promise<{ median: number; p95: number; frames: number } | { error: string }> {
  try {
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
    return { median: quantile(intervals, 0.5), p95: quantile(intervals, 0.95), frames: intervals.length };
  } catch (error) {
    return { error: (error as Error).message.split("\n")[0]! };
  }
}

/**
 * The town whose centre holds about a thousand predictions in the city view: town t holds
 * TOWN_SHARE · N / (ZIPF_SUM · (t + 1)) within σ 0.3°, and the view (snapped out to its tiles,
 * some 0.5° × 0.3°) a quarter of them or so.
 */
async function cityView() {
  const towns = await syntheticTowns();
  const wanted = 1000;
  const t = Math.max(0, Math.min(towns.length - 1, Math.round((TOWN_SHARE * N) / (ZIPF_SUM * 4 * wanted)) - 1));
  return { town: t, longitude: towns[t]!.lon, latitude: towns[t]!.lat, zoom: CITY_ZOOM };
}

async function measure(experimentId: string) {
  const browser = await chromium.launch({
    executablePath: process.env.GEOR_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: VIEWPORT });
  const js: Array<{ url: string; bytes: number; gzip: number }> = [];
  const data = { graphql: 0, mapView: 0, basemap: 0 };
  let counting = true;
  page.on("response", async (res) => {
    const body = await res.body().catch(() => null);
    if (!body) return;
    const url = res.url();
    if (!counting) return;
    if (url.endsWith(".js") && res.request().resourceType() === "script") {
      js.push({ url, bytes: body.length, gzip: gzipSync(body).length });
    } else if (url.includes("/basemap/")) data.basemap += body.length;
    else if (url.includes("/api/graphql")) {
      data.graphql += body.length;
      // urql sends queries as GET (the operation in the URL), longer ones as POST.
      if (`${url} ${res.request().postData() ?? ""}`.includes("MapView")) data.mapView += body.length;
    }
  });
  const base = `http://127.0.0.1:${DASHBOARD_PORT}/error-map?experiment=${experimentId}`;
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForSelector("[data-testid=geo-map][data-ready=true]", { timeout: 300_000 });
  const basemapFrameMs = Date.now() - t0;
  const world = await viewDrawn(page, 300_000);
  const firstFrameMs = Date.now() - t0;
  counting = false;
  const panFrameMs = await panFrames(page);

  const city = await cityView();
  await page.goto(`${base}&view=${city.longitude},${city.latitude},${city.zoom}`);
  const cityDrawn = await viewDrawn(page, 300_000);
  const zoomedPanFrameMs =
    cityDrawn.mode === "POINTS"
      ? await panFrames(page)
      : { error: `the city view drew ${cityDrawn.mode} (${cityDrawn.text}), not single predictions` };
  await browser.close();
  return {
    firstFrameMs,
    basemapFrameMs,
    worldView: world,
    worldViewBytes: data.graphql + data.basemap,
    worldViewBytesParts: { mapView: data.mapView, otherGraphql: data.graphql - data.mapView, basemap: data.basemap },
    panFrameMs,
    cityView: { ...city, ...cityDrawn },
    zoomedPanFrameMs,
    mapPageJs: {
      files: js.length,
      bytes: js.reduce((a, f) => a + f.bytes, 0),
      gzipBytes: js.reduce((a, f) => a + f.gzip, 0),
    },
  };
}

/** The bounds deck.gl shows for a view of a 1400 × 900 px map (its centre moved by dx, dy px). */
function boundsOf(v: { lon: number; lat: number; zoom: number }, dx: number, dy: number) {
  const world = 512 * 2 ** v.zoom;
  const mercY = (lat: number) => 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
  const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  const x = ((v.lon + 180) / 360) * world + dx;
  const y = mercY(v.lat) * world + dy;
  return {
    west: ((x - VIEWPORT.width / 2) / world) * 360 - 180,
    east: ((x + VIEWPORT.width / 2) / world) * 360 - 180,
    north: Math.min(90, latOf(Math.max(0, (y - VIEWPORT.height / 2) / world))),
    south: Math.max(-90, latOf(Math.min(1, (y + VIEWPORT.height / 2) / world))),
  };
}

/** The mapView bins query straight to the API: world and Europe, each run panned up to 300 px. */
async function apiAggregate(apiUrl: string, experimentId: string) {
  const query = `query($f: PredictionFilter!, $v: MapViewInput!, $b: Int!) {
    mapView(filter: $f, view: $v, budget: $b) { mode total bins { count bounds counts meanLogErrorKm accuracy worstIds } }
  }`;
  let seed = 17;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const ms: number[] = [];
  const modes = new Set<string>();
  for (const v of [
    { lon: 10, lat: 20, zoom: 1.4 },
    { lon: 10, lat: 48, zoom: 3 },
  ]) {
    for (let i = 0; i < API_REPEATS; i++) {
      const view = { bounds: boundsOf(v, (rand() - 0.5) * 600, (rand() - 0.5) * 600), zoom: v.zoom };
      const t0 = performance.now();
      const res = await fetch(apiUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables: { f: { experimentId }, v: view, b: MAP_BUDGET } }),
      });
      const body = (await res.json()) as { data?: { mapView: { mode: string } }; errors?: unknown };
      ms.push(performance.now() - t0);
      if (!body.data) throw new Error(`mapView failed: ${JSON.stringify(body.errors)}`);
      modes.add(body.data.mapView.mode);
    }
  }
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), runs: ms.length, modes: [...modes] };
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
const seeded = await seedSyntheticExperiment(home, N);
console.log(`seeded in ${seeded.seedMs} ms`);
const api = await startServer(loadConfig({ home, databaseUrl: null, port: 0, host: "127.0.0.1" }), () => {});
const dashboard = startDashboard(`${api.url}`);
try {
  await waitFor(`http://127.0.0.1:${DASHBOARD_PORT}/api/health`, 60_000);
  // Warm the servers as a user finds them: the dashboard has served a page and rendered its
  // basemap raster, and the API has built the experiment's map source (its first map request
  // after an evaluation does that once; timed here as apiFirstBuildMs). The browser starts cold.
  for (const asset of ["error-map", "basemap/countries-raster.png", "basemap/countries-raster.json"])
    await fetch(`http://127.0.0.1:${DASHBOARD_PORT}/${asset}`).then((r) => r.arrayBuffer());
  const buildStart = performance.now();
  await fetch(api.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "query($f: PredictionFilter!, $v: MapViewInput!) { mapView(filter: $f, view: $v) { total } }",
      variables: {
        f: { experimentId: seeded.experimentId },
        v: { bounds: boundsOf({ lon: 0, lat: 0, zoom: 0 }, 0, 0), zoom: 0 },
      },
    }),
  }).then((r) => r.arrayBuffer());
  const apiFirstBuildMs = Math.round(performance.now() - buildStart);
  const loadBefore = os.loadavg()[0];
  const result = await measure(seeded.experimentId);
  const apiAggregateMs = await apiAggregate(api.url, seeded.experimentId);
  const out = {
    predictions: N,
    budget: MAP_BUDGET,
    seedMs: seeded.seedMs,
    apiFirstBuildMs,
    ...result,
    apiAggregateMs,
    machine: { cores: os.cpus().length },
    // Other processes sharing the cores slow software WebGL and the API alike.
    loadAverage1m: { before: loadBefore, after: os.loadavg()[0] },
    notes:
      "Synthetic predictions (70% in 200 Zipf-weighted towns, the rest anywhere on land; log-uniform errors), " +
      "asked for per view through mapView (points up to the budget, else bins) and drawn as points or bins over " +
      "the raster basemap; WebGL runs in software (SwiftShader) on this machine.",
    date: new Date().toISOString(),
  };
  const dir = path.join(repoRoot, "bench/results");
  mkdirSync(dir, { recursive: true });
  // A relative GEOR_BENCH_OUT is taken from the repo root (the bench itself runs in apps/api).
  const file = path.resolve(repoRoot, process.env.GEOR_BENCH_OUT ?? path.join(dir, "dashboard.json"));
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  dashboard.kill();
  await api.close();
  rmSync(home, { recursive: true, force: true });
}
