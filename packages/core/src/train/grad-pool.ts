/**
 * Data-parallel SFT on every core: a batch is cut into contiguous shards, the main thread computes
 * the gradient of the first and worker threads (each its own wasm backend and a copy of the
 * model) those of the others, on the weights of this step. Every shard's loss is weighted by its
 * share of the batch, so the summed gradient is the gradient of the whole batch's mean loss; the
 * main thread sums them in a fixed order and takes the optimizer step. Same shards, same order:
 * a run on N threads is repeatable and resumes exactly; against one thread it differs only by
 * floating-point summation order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { BackendName } from "../backend/select.ts";
import { assertPoolBackend } from "../model/decode-pool.ts";
import type { RawBatch } from "../model/inputs.ts";
import { rawToTensor } from "../model/inputs.ts";
import { type LossWeights, sftLoss } from "../model/loss.ts";
import type { GeoModel } from "../model/network.ts";
import type { Targets } from "../model/targets.ts";
import { WorkerPool } from "../util/worker-pool.ts";
import { saveCheckpoint } from "./checkpoint.ts";

export interface GradJob {
  /** Every variable's values, concatenated in `variableList` order. */
  weights: Float32Array;
  raw: RawBatch;
  t: Targets;
  /** The shard's share of the batch: its loss (and gradient) is scaled by it. */
  scale: number;
  lossWeights: LossWeights;
}

export interface GradResult {
  /** Every variable's gradient, concatenated in `variableList` order. */
  grads: Float32Array;
  /** The loss and its parts on the shard, already scaled by its share. */
  parts: Record<string, number>;
}

/**
 * The loss of a batch (or of a shard, scaled by its share of the batch; 1 leaves it as it is),
 * its parts as `loss` / `loss_<part>` numbers, and every variable's gradient in `variableList`
 * order. Call inside tf.tidy.
 */
export function shardGradients(
  model: GeoModel,
  x: tf.Tensor,
  t: Targets,
  scale: number,
  lossWeights: LossWeights,
): { grads: tf.Tensor[]; parts: Record<string, number> } {
  const vars = model.variableList;
  const scaled = (v: tf.Scalar) => (scale === 1 ? v : (tf.mul(v, scale) as tf.Scalar));
  let kept: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const r = sftLoss(model, x, t, lossWeights);
    kept = Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, tf.keep(scaled(v))]));
    return scaled(r.total);
  }, vars);
  const parts: Record<string, number> = { loss: value.dataSync()[0] };
  for (const [k, v] of Object.entries(kept)) {
    parts[`loss_${k}`] = v.dataSync()[0];
    v.dispose();
  }
  return { grads: vars.map((v) => grads[v.name]), parts };
}

/** The values of `tensors` concatenated into one array. */
export function flatten(tensors: tf.Tensor[]): Float32Array {
  const out = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  let o = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, o);
    o += t.size;
  }
  return out;
}

/** `flat` cut back into tensors shaped like `like` (the inverse of `flatten`). */
export function unflatten(flat: Float32Array, like: tf.Tensor[]): tf.Tensor[] {
  let o = 0;
  return like.map((t) => {
    const part = tf.tensor(flat.subarray(o, o + t.size), t.shape);
    o += t.size;
    return part;
  });
}

/** Rows [from, to) of a batch of `n` rows: every per-row array cut the same way. */
export function shardOf(raw: RawBatch, t: Targets, from: number, to: number): { raw: RawBatch; t: Targets } {
  const rows = <A extends Float32Array | Int32Array | Uint8Array>(a: A): A => {
    const w = a.length / t.n;
    return a.slice(from * w, to * w) as A;
  };
  const soft = t.soft
    ? {
        cell: rows(t.soft.cell),
        ...(t.soft.country ? { country: rows(t.soft.country) } : {}),
        ...(t.soft.admin1 ? { admin1: rows(t.soft.admin1) } : {}),
      }
    : undefined;
  return {
    raw: raw.kind === "pixels" ? { kind: "pixels", data: rows(raw.data) } : { kind: "features", data: rows(raw.data) },
    t: {
      n: to - from,
      country: rows(t.country),
      admin1: rows(t.admin1),
      cell: rows(t.cell),
      offset: rows(t.offset),
      xyz: rows(t.xyz),
      ...(soft ? { soft } : {}),
    },
  };
}

/** Contiguous shard bounds of `n` rows over `k` workers (the first shards one row larger). */
export function shardBounds(n: number, k: number): [number, number][] {
  const base = Math.floor(n / k);
  const extra = n % k;
  const out: [number, number][] = [];
  let from = 0;
  for (let i = 0; i < k; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push([from, from + size]);
    from += size;
  }
  return out.filter(([a, b]) => b > a);
}

/** An optimizer step with gradients given in `variableList` order. */
export function applyGradients(model: GeoModel, optimizer: tf.Optimizer, grads: tf.Tensor[]): void {
  const named = Object.fromEntries(model.variableList.map((v, i) => [v.name, grads[i]]));
  optimizer.applyGradients(named as Parameters<typeof optimizer.applyGradients>[0]);
}

export class GradPool {
  private constructor(
    private readonly pool: WorkerPool<GradJob, GradResult>,
    /** Threads in all, the main one included. */
    readonly threads: number,
  ) {}

  /**
   * Starts `threads − 1` gradient threads, each with a copy of `model` (its weights are sent with
   * every job); refuses backends that use every core by themselves.
   */
  static async open(model: GeoModel, opts: { threads: number; backend: BackendName }): Promise<GradPool> {
    assertPoolBackend(opts.backend, "training");
    if (!Number.isInteger(opts.threads) || opts.threads < 2) {
      throw new Error(`a gradient pool needs 2 or more threads, got ${opts.threads}`);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), "geor-grad-model-"));
    try {
      await saveCheckpoint(path.join(dir, "model"), model, null, 0);
      const { pool, infos } = await WorkerPool.open<GradJob, GradResult>({
        module: new URL("./grad-thread.ts", import.meta.url),
        data: { checkpointDir: path.join(dir, "model"), backend: opts.backend },
        threads: opts.threads - 1,
        label: "training",
      });
      const names = [...model.variables.keys()].join(",");
      if (infos.some((info) => info !== names)) {
        await pool.close();
        throw new Error("a training thread built its model with other variables than the main thread");
      }
      return new GradPool(pool, opts.threads);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * One optimizer step on a batch (`raw` images or features, before the tensor, and its targets):
   * the loss and its parts of the whole batch, as `sftStep` reports them.
   */
  async step(
    model: GeoModel,
    optimizer: tf.Optimizer,
    raw: RawBatch,
    t: Targets,
    lossWeights: LossWeights = {},
  ): Promise<Record<string, number>> {
    const [mine, ...theirs] = shardBounds(t.n, this.threads).map(([a, b]) => ({
      ...shardOf(raw, t, a, b),
      scale: (b - a) / t.n,
    }));
    const weights = flatten(model.variableList);
    const remote = Promise.all(
      theirs.map((s, i) => this.pool.run({ weights, raw: s.raw, t: s.t, scale: s.scale, lossWeights }, { thread: i })),
    );
    const local = tf.tidy(() => {
      const x = rawToTensor(model, mine.raw, mine.t.n);
      const r = shardGradients(model, x, mine.t, mine.scale, lossWeights);
      return { grads: r.grads.map((g) => tf.keep(g)), parts: r.parts };
    });
    let results: GradResult[];
    try {
      results = await remote;
    } catch (err) {
      tf.dispose(local.grads);
      throw err;
    }
    const parts = { ...local.parts };
    for (const r of results) for (const [k, v] of Object.entries(r.parts)) parts[k] = (parts[k] ?? 0) + v;
    tf.tidy(() => {
      const vars = model.variableList;
      const remoteGrads = results.map((r) => unflatten(r.grads, vars));
      const grads = local.grads.map((g, i) => remoteGrads.reduce((sum, rg) => tf.add(sum, rg[i]), g));
      applyGradients(model, optimizer, grads);
    });
    tf.dispose(local.grads);
    return parts;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
