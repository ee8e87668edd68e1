/**
 * Supervised (SFT) losses, teacher-forced: cross-entropy per chain level given the true token
 * above, plus a Huber loss on the offset from the true place's centre. `flat` trains the place
 * level and the offset; `regress` minimises the squared chord between unit vectors.
 */
import * as tf from "@tensorflow/tfjs";
import { oneHotRows } from "../util/one-hot.ts";
import type { GeoModel } from "./network.ts";
import type { Targets } from "./targets.ts";

export type LossParts = Record<string, tf.Scalar>;
/** A weight per loss part in the total (TrainConfig.lossWeights); a part not named weighs 1. */
export type LossWeights = Partial<Record<string, number>>;

/** Cross-entropy against the labels, or against soft targets [n × classes] when given. */
function crossEntropy(logits: tf.Tensor2D, labels: Int32Array, soft?: Float32Array): tf.Scalar {
  const target = soft ? tf.tensor2d(soft, logits.shape) : oneHotRows(tf.tensor1d(labels, "int32"), logits.shape[1]);
  return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
}

/**
 * The chain's place level. Its loss is exactly 0 on rows whose admin-1 class holds one place
 * (probability 1), so it is computed on the other rows only and scaled to the batch mean. With
 * no such row it is one row's loss times 0: the place layers still get their (zero) gradient,
 * as from the whole batch, so the optimizer steps exactly as it would (Adam keeps its slots by
 * position among the variables that have a gradient). An implied place level has no loss at all.
 */
function placeLoss(model: GeoModel, f: tf.Tensor2D, admin1: tf.Tensor1D, t: Targets): tf.Scalar {
  const rows: number[] = [];
  for (let i = 0; i < t.n; i++) if (t.admin1[i] >= 0 && model.placeHasChoice(t.admin1[i])) rows.push(i);
  if (rows.length === t.n) return crossEntropy(model.cellLogits(f, admin1), t.cell, t.soft?.cell);
  const scale = rows.length / t.n;
  if (rows.length === 0) rows.push(0);
  const nK = model.vocab.cells.length;
  const r = tf.tensor1d(rows, "int32");
  const soft = t.soft?.cell;
  let softRows: Float32Array | undefined;
  if (soft) {
    softRows = new Float32Array(rows.length * nK);
    for (const [j, i] of rows.entries()) softRows.set(soft.subarray(i * nK, (i + 1) * nK), j * nK);
  }
  const ce = crossEntropy(
    model.cellLogits(tf.gather(f, r), tf.gather(admin1, r)),
    Int32Array.from(rows, (i) => t.cell[i]),
    softRows,
  );
  return tf.mul(ce, scale) as tf.Scalar;
}

/**
 * Total loss and its parts for one batch. Call inside tf.variableGrads / tf.tidy. `weights`
 * scales a part in the total (missing parts weigh 1); the parts themselves are unweighted.
 */
export function sftLoss(
  model: GeoModel,
  x: tf.Tensor,
  t: Targets,
  weights: LossWeights = {},
): { total: tf.Scalar; parts: LossParts } {
  const f = model.features(x);
  const parts: LossParts = {};
  if (model.config.head === "regress") {
    const xyz = model.xyz(f);
    parts.xyz = tf.mean(tf.sum(tf.square(tf.sub(xyz, tf.tensor2d(t.xyz, [t.n, 3]))), 1)) as tf.Scalar;
    return { total: weightedSum(parts, weights), parts };
  }
  const cell = tf.tensor1d(t.cell, "int32");
  const admin1 = tf.tensor1d(t.admin1, "int32");
  if (model.config.head === "chain") {
    const country = tf.tensor1d(t.country, "int32");
    // The admin-1 skip term, computed once when the country level reads it too.
    const skip = model.sharedSkip(f);
    parts.country = crossEntropy(model.countryLogits(f, skip), t.country, t.soft?.country);
    parts.admin1 = crossEntropy(model.admin1Logits(f, country, skip), t.admin1, t.soft?.admin1);
    if (!model.placeImplied) parts.cell = placeLoss(model, f, admin1, t);
  } else {
    parts.cell = crossEntropy(model.cellLogits(f), t.cell, t.soft?.cell);
  }
  parts.offset = tf.losses.huberLoss(tf.tensor2d(t.offset, [t.n, 2]), model.offset(f, cell, admin1)) as tf.Scalar;
  return { total: weightedSum(parts, weights), parts };
}

function weightedSum(parts: LossParts, weights: LossWeights): tf.Scalar {
  return Object.entries(parts)
    .map(([k, v]) => {
      const w = weights[k] ?? 1;
      return w === 1 ? v : (tf.mul(v, w) as tf.Scalar);
    })
    .reduce((a, b) => tf.add(a, b) as tf.Scalar);
}
