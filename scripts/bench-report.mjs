#!/usr/bin/env node
/**
 * Writes bench/REPORT.md from bench/results/*.json: the headline figures with their targets and
 * in-run ratios, then every other number each benchmark recorded. Run by `npm run bench` after
 * the benchmarks; `node scripts/bench-report.mjs` alone re-renders from the stored results.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.join(root, "bench", "results");
const results = Object.fromEntries(
  (existsSync(dir) ? readdirSync(dir) : [])
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(path.join(dir, f), "utf8"))]),
);

const get = (obj, dotted) => dotted.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
const fmt = (v, digits = 0) =>
  typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : (v ?? "—");

/** [benchmark, label, path, unit, target ("≥ n" / "≤ n"), ratio path or null, ratio label, note] */
const HEADLINES = [
  ["geo", "CoR locate", "locate.pointsPerSecond", "points/s", "≥ 200,000", null, "", "countryOf: see below"],
  ["geo", "CoR index load (cached)", "indexLoadMs", "ms", "≤ 3,000", null, "", ""],
  ["datasets", "Blue Marble build", "bluemarble.samplesPerSecond", "samples/s", "medium ≤ 60 s", null, "", ""],
  ["model", "SFT training (wasm)", "sft.wasmImgsPerSec", "img/s", "≥ 150", "sft.wasmOverCpu", "× the cpu backend", ""],
  ["model", "Inference (wasm)", "inference.imgsPerSec", "img/s", "≥ 1,000", null, "", "greedy chain + offset"],
  [
    "model",
    "RL: GRPO training",
    "rl.trainingChainsPerSec",
    "chains/s",
    "",
    null,
    "",
    "16 images × G 8, 2 updates/batch",
  ],
  ["model", "RL: chain sampling", "rl.samplingChainsPerSec", "chains/s", "", null, "", ""],
  [
    "model",
    "10-min SFT, test median, strict split",
    "sftRuns.bluemarble-medium.runs.chain.test.medianKm",
    "km",
    "",
    null,
    "",
    "bluemarble-medium",
  ],
  [
    "model",
    "10-min SFT, test median, 1° blocks without the guard",
    "sftRuns.bluemarble-medium-1deg-open.runs.chain.test.medianKm",
    "km",
    "≤ 400",
    null,
    "",
    "overlapping patches; country accuracy below",
  ],
  [
    "api",
    "Page of 100 filtered predictions p95 (SQLite)",
    "sqlite.pageOf100Filtered.p95Ms",
    "ms",
    "≤ 50",
    null,
    "",
    "1M predictions",
  ],
  [
    "api",
    "Page of 100 filtered predictions p95 (PostgreSQL)",
    "postgres.pageOf100Filtered.p95Ms",
    "ms",
    "≤ 50",
    null,
    "",
    "1M predictions",
  ],
  [
    "api",
    "errorHistogram p95, computed (SQLite)",
    "sqlite.aggregatesComputed.errorHistogram.p95Ms",
    "ms",
    "≤ 300",
    null,
    "",
    "running experiment",
  ],
  [
    "api",
    "countryBreakdown p95, computed (SQLite)",
    "sqlite.aggregatesComputed.countryBreakdown.p95Ms",
    "ms",
    "≤ 300",
    null,
    "",
    "running experiment",
  ],
  [
    "api",
    "countryBreakdown p95, computed (PostgreSQL)",
    "postgres.aggregatesComputed.countryBreakdown.p95Ms",
    "ms",
    "≤ 300",
    null,
    "",
    "running experiment",
  ],
  [
    "api",
    "countryBreakdown p95, finished experiment (SQLite)",
    "sqlite.aggregatesOfFinishedExperiment.countryBreakdown.p95Ms",
    "ms",
    "≤ 300",
    null,
    "",
    "cached",
  ],
  ...["sqlite", "postgres"].flatMap((db) => {
    const name = db === "sqlite" ? "SQLite" : "PostgreSQL";
    return [
      [
        "api",
        `mapView bins p95, computed (${name})`,
        `${db}.mapView.apiAggregateMs.p95Ms`,
        "ms",
        "≤ 300",
        null,
        "",
        "world + continent, 1M",
      ],
      ["api", `mapView city points p95, computed (${name})`, `${db}.mapView.city.p95Ms`, "ms", "", null, "", "1M"],
      [
        "api",
        `mapView world view response (${name})`,
        `${db}.mapView.worldResponseBytes`,
        "bytes",
        "≤ 2,000,000",
        null,
        "",
        "1M",
      ],
      [
        "api",
        `mapView first request, builds the map source (${name})`,
        `${db}.mapView.firstBuildMs`,
        "ms",
        "",
        null,
        "",
        "1M",
      ],
    ];
  }),
  ["api", "Prediction ingest (SQLite)", "sqlite.ingest.rowsPerSecond", "rows/s", "≥ 50,000", null, "", ""],
  ["api", "Prediction ingest (PostgreSQL)", "postgres.ingest.rowsPerSecond", "rows/s", "", null, "", ""],
  [
    "studies",
    "Study runs per minute, three workers (PostgreSQL)",
    "threeWorkers.runsPerMinute",
    "runs/min",
    "",
    "wallTimeRatio",
    "× shorter study wall time than one worker",
    "tiny 2 × 4 study",
  ],
  [
    "studies",
    "Study runs per minute, one worker (PostgreSQL)",
    "oneWorker.runsPerMinute",
    "runs/min",
    "",
    null,
    "",
    "",
  ],
  ...[
    ["sqlite", "SQLite", "≥ 30,000"],
    ["postgres", "PostgreSQL", "≥ 20,000"],
  ].flatMap(([db, name, target]) => [
    [
      "api",
      `External predictions as rows, addPredictions(predictions:) (${name})`,
      `externalIngest.${db}.rows.rowsPerSecond`,
      "rows/s",
      target,
      null,
      "",
      `${fmt(get(results.api, `externalIngest.${db}.rows.rowsPerCall`))} a call, 1M rows`,
    ],
    [
      "api",
      `External predictions, 1M-row JSON-lines upload (${name})`,
      `externalIngest.${db}.upload.rowsPerSecond`,
      "rows/s",
      target,
      null,
      "",
      "",
    ],
    [
      "api",
      `API RSS growth during the 1M-row upload (${name})`,
      `externalIngest.${db}.rssMiB.growthDuringUpload`,
      "MiB",
      "≤ 300",
      null,
      "",
      "peak − before; the first upload of a fresh API",
    ],
  ]),
  // The dashboard's map at its largest measured N (see "dashboard: side by side" for every N).
  ["dashboard@max", "Map first frame, world view drawn", "firstFrameMs", "ms", "≤ 3,000", null, "", ""],
  ["dashboard@max", "Map pan frame median, world (software WebGL)", "panFrameMs.median", "ms", "≤ 250", null, "", ""],
  [
    "dashboard@max",
    "Map pan frame median, city (single predictions)",
    "zoomedPanFrameMs.median",
    "ms",
    "≤ 250",
    null,
    "",
    "",
  ],
  ["dashboard@max", "Map world view download", "worldViewBytes", "bytes", "≤ 2,000,000", null, "", ""],
  ["dashboard@max", "Map bins query p95 (SQLite)", "apiAggregateMs.p95", "ms", "≤ 300", null, "", ""],
];

/**
 * The dashboard bench's runs (dashboard.json, dashboard-1k.json, dashboard-1m.json, … one file per
 * N), smallest N first; "dashboard@max" in the headlines is the largest.
 */
const dashboardRuns = Object.entries(results)
  .filter(([name, r]) => /^dashboard(-|$)/.test(name) && typeof r.predictions === "number")
  .sort(([, a], [, b]) => a.predictions - b.predictions);
if (dashboardRuns.length > 0) results["dashboard@max"] = dashboardRuns[dashboardRuns.length - 1][1];

/** Every numeric leaf of an object as [dotted path, value]. */
function leaves(obj, prefix = "") {
  return Object.entries(obj ?? {}).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number") return [[key, v]];
    if (v && typeof v === "object" && !Array.isArray(v)) return leaves(v, key);
    return [];
  });
}

const lines = [
  "# Benchmark report",
  "",
  "Written by `npm run bench` (`--quick` for a short version) from `bench/results/*.json`.",
  "Absolute figures depend on the machine and its load; ratios measured inside one run travel better.",
  "",
  "| benchmark | figure | value | target | ratio | machine | when |",
  "|---|---|---|---|---|---|---|",
];
for (const [bench, label, p, unit, target, ratioPath, ratioLabel, note] of HEADLINES) {
  const r = results[bench];
  const value = r ? get(r, p) : undefined;
  const ratio = r && ratioPath ? get(r, ratioPath) : undefined;
  const machine = r?.machine ? `${r.machine.cores} cores${r.machine.backend ? `, ${r.machine.backend}` : ""}` : "";
  // A section measured on its own (api.json's externalIngest) carries its own date.
  const date = get(r, p.split(".")[0])?.date ?? r?.date;
  const when = date ? date.slice(0, 10) : "";
  const n = r?.predictions ? ` at ${fmt(r.predictions)} predictions` : "";
  lines.push(
    `| ${bench.replace("@max", "")} | ${label}${n}${note ? ` (${note})` : ""} | ${value === undefined ? "not measured" : `${fmt(value)} ${unit}`} | ${target} | ${ratio === undefined ? "" : `${fmt(ratio, 1)} ${ratioLabel}`} | ${machine} | ${when} |`,
  );
}
if (dashboardRuns.length > 0) {
  lines.push(
    "",
    "## dashboard: side by side",
    "",
    "`GEOR_BENCH_PREDICTIONS=N npm run bench -w @geor/dashboard`, one result file per N (`GEOR_BENCH_OUT`).",
    "",
    `| figure | ${dashboardRuns.map(([name, r]) => `${fmt(r.predictions)} (${name})`).join(" | ")} |`,
    `|---|${dashboardRuns.map(() => "---|").join("")}`,
  );
  const keys = [...new Set(dashboardRuns.flatMap(([, r]) => leaves(r).map(([k]) => k)))];
  for (const k of keys) lines.push(`| ${k} | ${dashboardRuns.map(([, r]) => fmt(get(r, k), 1)).join(" | ")} |`);
  for (const k of ["worldView.mode", "cityView.mode"])
    lines.push(`| ${k} | ${dashboardRuns.map(([, r]) => get(r, k) ?? "—").join(" | ")} |`);
}
for (const [bench, r] of Object.entries(results).sort()) {
  if (bench.startsWith("dashboard")) continue;
  lines.push("", `## ${bench}`, "", "| figure | value |", "|---|---|");
  for (const [k, v] of leaves(r)) lines.push(`| ${k} | ${fmt(v, 3)} |`);
}

// Fault drills: written by the tests that kill, fill or flood the platform (scripts/fault-drills.ts).
const faultsDir = path.join(dir, "faults");
const drills = (existsSync(faultsDir) ? readdirSync(faultsDir) : [])
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(faultsDir, f), "utf8")));
if (drills.length > 0) {
  lines.push(
    "",
    "## Fault drills",
    "",
    "Written by the tests that kill, fill or flood the platform on purpose (`npm test` runs them; each",
    "drill's command below runs it alone, and `GEOR_RECORD_FAULTS=1` makes it record here). A drill",
    "passes only when every check in its description holds; the figures are what its last recorded",
    "run measured.",
  );
  for (const d of drills) {
    const fmtFigure = (v) => (typeof v === "number" ? fmt(v, 2) : String(v).replaceAll("|", "\\|"));
    lines.push(
      "",
      `### ${d.title}`,
      "",
      `${d.method}.`,
      "",
      `\`${d.command}\` — ${d.date.slice(0, 10)}, ${d.machine.cores} cores, load average ${d.machine.loadAverage1m}`,
      "",
      "| figure | value |",
      "|---|---|",
      ...Object.entries(d.figures).map(([k, v]) => `| ${k} | ${fmtFigure(v)} |`),
    );
  }
}
writeFileSync(path.join(root, "bench", "REPORT.md"), `${lines.join("\n")}\n`);
console.log(
  `wrote bench/REPORT.md from ${Object.keys(results).filter((k) => !k.includes("@")).length} result file(s) and ${drills.length} fault drill(s)`,
);
