/**
 * Model benchmark: SFT training throughput on the wasm and cpu backends (same model, same
 * batch, one process — the ratio is the figure that travels between machines), inference
 * throughput, RL throughput (chain sampling alone, and whole GRPO steps), and optionally a timed SFT run on a Blue Marble
 * dataset with its test metrics.
 * Writes bench/results/model.json. Usage:
 *   npm run bench:model -w @geor/core [-- --quick] [-- --sft-minutes 10 --dataset bluemarble-medium[,other]]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/backend/select.ts";
import { Dataset } from "../src/data/store.ts";
import { evaluateRun } from "../src/eval/run-eval.ts";
import { ModelConfig } from "../src/model/config.ts";
import type { DecodeSpec } from "../src/model/decode/batch.ts";
import { decodeChains } from "../src/model/decode/beam-search.ts";
import { decodeMarginal } from "../src/model/decode/marginal.ts";
import { DecodePool, defaultThreads } from "../src/model/decode-pool.ts";
import { sftLoss } from "../src/model/loss.ts";
import { GeoModel } from "../src/model/network.ts";
import type { Targets } from "../src/model/targets.ts";
import { saveCheckpoint } from "../src/train/checkpoint.ts";
import { GradPool } from "../src/train/grad-pool.ts";
import { groupAdvantages } from "../src/train/rl/grpo.ts";
import { parseReward } from "../src/train/rl/rewards.ts";
import { chainRewards } from "../src/train/rl/rl.ts";
import { sampleChains } from "../src/train/rl/sample.ts";
import { grpoUpdate } from "../src/train/rl/update.ts";
import { trainSft } from "../src/train/sft.ts";
import { mulberry32 } from "../src/util/random.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

// A synthetic vocabulary the size of bluemarble-medium's (≈200 countries, 476 admin-1 groups, 450 places).
const nC = 200;
const nA = 476;
const nK = 450;
const vocab = {
  countries: Array.from({ length: nC }, (_, i) => ({ iso2: `C${i}`, name: `country ${i}` })),
  admin1: Array.from({ length: nA }, (_, i) => ({ code: `A${i}`, name: `admin ${i}`, country: i % nC })),
  cells: Array.from({ length: nK }, (_, i) => ({
    id: i,
    name: `place ${i}`,
    lat: (i % 150) - 75,
    lon: (i % 360) - 180,
    admin1: [i % nA],
    country: i % nC,
  })),
};
const input = { height: 32, width: 32, channels: 5, mean: [100, 100, 100, 20, 60], std: [50, 50, 50, 30, 40] };

function batchOf(B: number): { images: Uint8Array; t: Targets } {
  const rand = mulberry32(B);
  const images = Uint8Array.from({ length: B * 32 * 32 * 5 }, () => Math.floor(rand() * 256));
  const cell = Int32Array.from({ length: B }, (_, i) => (i * 37) % nK);
  const admin1 = Int32Array.from(cell, (k) => vocab.cells[k].admin1[0]);
  const country = Int32Array.from(admin1, (a) => vocab.admin1[a].country);
  return { images, t: { n: B, country, admin1, cell, offset: new Float32Array(2 * B), xyz: new Float32Array(3 * B) } };
}

async function trainThroughput(backend: "wasm" | "cpu", steps: number, B = 64, warmup = 3): Promise<number> {
  await selectBackend({ backend });
  const model = new GeoModel(ModelConfig.parse({}), vocab, input, 1);
  const opt = tf.train.adam(1e-3);
  const { images, t } = batchOf(B);
  const step = () =>
    tf.tidy(() => {
      const x = model.prepare(images, B);
      opt.minimize(() => sftLoss(model, x, t).total, false, model.variableList);
    });
  for (let i = 0; i < warmup; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  opt.dispose();
  return (steps * B) / s;
}

const wasmSteps = quick ? 10 : 40;
const trainWasm = await trainThroughput("wasm", wasmSteps);

/** The same SFT steps, data parallel over `threads` (a GradPool: shards of the batch per thread). */
async function parallelThroughput(threads: number, steps: number, B = 64, warmup = 3) {
  await selectBackend({ backend: "wasm" });
  const model = new GeoModel(ModelConfig.parse({}), vocab, input, 1);
  const opt = tf.train.adam(1e-3);
  const { images, t } = batchOf(B);
  const t0 = performance.now();
  const pool = await GradPool.open(model, { threads, backend: "wasm" });
  const startMs = performance.now() - t0;
  try {
    const step = () => pool.step(model, opt, { kind: "pixels", data: images }, t);
    for (let i = 0; i < warmup; i++) await step();
    const t1 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    return { imgsPerSec: (steps * B) / ((performance.now() - t1) / 1000), startMs };
  } finally {
    await pool.close();
    model.dispose();
    opt.dispose();
  }
}
const sftThreads = defaultThreads();
const trainParallel = sftThreads > 1 ? await parallelThroughput(sftThreads, wasmSteps) : null;
// The pure-JS cpu backend trains at ~1 img/s: a smaller batch and one warm-up step keep this
// reference under a minute (throughput per image barely depends on the batch there).
const trainCpu = await trainThroughput("cpu", quick ? 1 : 2, 16, 1);

await selectBackend({ backend: "wasm" });
const model = new GeoModel(ModelConfig.parse({}), vocab, input, 1);
const { images } = batchOf(256);
const x = model.prepare(images, 256);
const reps = quick ? 3 : 4;
/**
 * Images (or chains) per second of `fn`, which handles `n` per call: the median of timed rounds
 * of `reps` calls after three warm-up calls. The first calls of a kernel run slower (a single
 * short timing here has read 840–1,260 img/s for the same model), so one round is not enough.
 */
function rate(fn: (i: number) => void, n: number): number {
  let i = 0;
  for (; i < 3; i++) fn(i);
  const rounds = Array.from({ length: quick ? 1 : 7 }, () => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn(i++);
    return (reps * n) / ((performance.now() - t0) / 1000);
  });
  return rounds.sort((a, b) => a - b)[rounds.length >> 1];
}
const inference = rate(() => decodeChains(model, x), 256);
// The chain head's evaluation default: the place summed over admin-1 units.
const inferenceMarginal = rate(() => decodeMarginal(model, x), 256);

// The same decoding on a pool of threads, one per core (what `geor eval` uses on large splits):
// batches of 256 posted from this thread, two per decoding thread in flight.
const poolDir = mkdtempSync(path.join(os.tmpdir(), "geor-pool-bench-"));
await saveCheckpoint(poolDir, model, null, 0);
const poolT0 = performance.now();
const pool = await DecodePool.open({ checkpointDir: poolDir, threads: defaultThreads(), backend: "wasm" });
const poolStartMs = performance.now() - poolT0;
async function poolRate(spec: DecodeSpec): Promise<number> {
  const perRound = reps * pool.threads * 2;
  const round = async (batches: number) => {
    const inFlight: Array<Promise<unknown>> = [];
    for (let b = 0; b < batches; b++) {
      if (inFlight.length >= 2 * pool.threads) await inFlight.shift();
      inFlight.push(pool.decode({ kind: "pixels", data: images }, 256, spec));
    }
    await Promise.all(inFlight);
  };
  await round(2 * pool.threads);
  const rounds: number[] = [];
  for (let r = 0; r < (quick ? 1 : 7); r++) {
    const t0 = performance.now();
    await round(perRound);
    rounds.push((perRound * 256) / ((performance.now() - t0) / 1000));
  }
  return rounds.sort((a, b) => a - b)[rounds.length >> 1];
}
const poolInference = await poolRate({ mode: "chains", beam: 1, topN: 1 });
const poolMarginal = await poolRate({ mode: "marginal", rule: { kind: "mode" } });
const poolThreads = pool.threads;
await pool.close();
rmSync(poolDir, { recursive: true, force: true });

const x32 = model.prepare(images, 32);
const chainsPerSec = rate((i) => sampleChains(model, x32, 8, 1, mulberry32(i)), 32 * 8);

// A whole GRPO step (sampling, rewards, two gradient steps with the KL to a reference) at the
// default RL setting: 16 images × G 8 = 128 chains.
const reference = new GeoModel(ModelConfig.parse({}), vocab, input, 1);
const rlOptimizer = tf.train.adam(1e-4);
const x16 = model.prepare(images, 16);
const truths = Array.from({ length: 16 }, (_, i) => ({ lat: vocab.cells[i].lat + 1, lon: vocab.cells[i].lon + 1 }));
const rlStep = (i: number) => {
  const s = sampleChains(model, x16, 8, 1, mulberry32(i), { offsetSigma: 0.25 });
  const { rewards } = chainRewards(s.coords, s.tokens, truths, 8, parseReward("geor"), () => "", null);
  grpoUpdate(model, reference, rlOptimizer, x16, s, groupAdvantages(rewards, 8), 8, {
    clip: 0.2,
    kl: 0.02,
    updatesPerBatch: 2,
    offsetSigma: 0.25,
  });
};
const rlTrainChainsPerSec = rate(rlStep, 128);

const result: Record<string, unknown> = {
  benchmark: "model",
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, node: process.version },
  model: { config: ModelConfig.parse({}), parameters: model.parameterCount, input: "32×32×5", batch: 64 },
  sft: {
    wasmImgsPerSec: Math.round(trainWasm),
    cpuImgsPerSec: Number(trainCpu.toFixed(2)),
    cpuBatch: 16,
    wasmOverCpu: Number((trainWasm / trainCpu).toFixed(1)),
    target: 150,
    dataParallel: trainParallel && {
      threads: sftThreads,
      imgsPerSec: Math.round(trainParallel.imgsPerSec),
      overOneThread: Number((trainParallel.imgsPerSec / trainWasm).toFixed(2)),
      startMs: Math.round(trainParallel.startMs),
    },
  },
  inference: {
    backend: "wasm",
    imgsPerSec: Math.round(inference),
    decoding: "greedy chain + offset",
    target: 1000,
    placeMarginalImgsPerSec: Math.round(inferenceMarginal),
    pool: {
      threads: poolThreads,
      imgsPerSec: Math.round(poolInference),
      placeMarginalImgsPerSec: Math.round(poolMarginal),
      overOneThread: Number((poolInference / inference).toFixed(2)),
      startMs: Math.round(poolStartMs),
    },
  },
  rl: {
    samplingChainsPerSec: Math.round(chainsPerSec),
    trainingChainsPerSec: Math.round(rlTrainChainsPerSec),
    trainingImgsPerSec: Math.round(rlTrainChainsPerSec / 8),
    group: 8,
    imagesPerStep: 16,
    updatesPerBatch: 2,
  },
};

// Timed SFT runs, one entry per dataset (`--dataset a,b`): the default strict split and, for
// comparison with figures measured on overlapping patches, a split without the guard. An entry
// not re-run is kept from the last file (each takes minutes per head), marked as such.
const outDir = path.resolve(here, "../../../bench/results");
mkdirSync(outDir, { recursive: true });
const previousFile = path.join(outDir, "model.json");
const previous = existsSync(previousFile) ? JSON.parse(readFileSync(previousFile, "utf8")) : {};
const sftRuns: Record<string, unknown> = {};
for (const [dataset, entry] of Object.entries<Record<string, unknown>>(
  previous.sftRuns ?? (previous.sftRun ? { [previous.sftRun.dataset]: previous.sftRun } : {}),
)) {
  const { note: _, dataset: __, ...kept } = entry;
  sftRuns[dataset] = { ...kept, note: "kept from an earlier run: re-run with --sft-minutes to refresh" };
}
const sftMinutes = flag("--sft-minutes");
if (sftMinutes) {
  for (const dataset of (flag("--dataset") ?? "bluemarble-medium").split(",")) {
    const out = mkdtempSync(path.join(os.tmpdir(), "geor-model-bench-"));
    const runs: Record<string, unknown> = {};
    for (const head of (flag("--heads") ?? "chain").split(",")) {
      const runDir = path.join(out, head);
      const r = await trainSft({
        dataset,
        out: runDir,
        model: { head: head as "chain" },
        train: { minutes: Number(sftMinutes) },
        backend: "wasm",
      });
      const ev = await evaluateRun({ runDir, split: "test", backend: "wasm" });
      runs[head] = {
        minutes: Number(sftMinutes),
        steps: r.steps,
        imgsPerSec: Math.round(r.imgsPerSec),
        test: { ...ev.metrics, levels: ev.levels, ece: ev.calibration?.ece ?? null },
        baselines: ev.baselines,
      };
    }
    const split = Dataset.open(dataset).manifest.config as { blockDeg?: number; splitGuard?: boolean };
    sftRuns[dataset] = { split: { blockDeg: split.blockDeg, splitGuard: split.splitGuard }, runs, date: result.date };
  }
}
result.sftRuns = sftRuns;
writeFileSync(path.join(outDir, "model.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
