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

/** Cross-entropy against the labels, or against soft targets [n × classes] when given. */
function crossEntropy(logits: tf.Tensor2D, labels: Int32Array, soft?: Float32Array): tf.Scalar {
  const target = soft ? tf.tensor2d(soft, logits.shape) : oneHotRows(tf.tensor1d(labels, "int32"), logits.shape[1]);
  return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
}

/** Total loss and its parts for one batch. Call inside tf.variableGrads / tf.tidy. */
export function sftLoss(model: GeoModel, x: tf.Tensor, t: Targets): { total: tf.Scalar; parts: LossParts } {
  const f = model.features(x);
  const parts: LossParts = {};
  if (model.config.head === "regress") {
    const xyz = model.xyz(f);
    parts.xyz = tf.mean(tf.sum(tf.square(tf.sub(xyz, tf.tensor2d(t.xyz, [t.n, 3]))), 1)) as tf.Scalar;
    return { total: parts.xyz, parts };
  }
  const cell = tf.tensor1d(t.cell, "int32");
  const admin1 = tf.tensor1d(t.admin1, "int32");
  if (model.config.head === "chain") {
    const country = tf.tensor1d(t.country, "int32");
    parts.country = crossEntropy(model.countryLogits(f), t.country, t.soft?.country);
    parts.admin1 = crossEntropy(model.admin1Logits(f, country), t.admin1, t.soft?.admin1);
    parts.cell = crossEntropy(model.cellLogits(f, admin1), t.cell, t.soft?.cell);
  } else {
    parts.cell = crossEntropy(model.cellLogits(f), t.cell, t.soft?.cell);
  }
  parts.offset = tf.losses.huberLoss(tf.tensor2d(t.offset, [t.n, 2]), model.offset(f, cell, admin1)) as tf.Scalar;
  const total = Object.values(parts).reduce((a, b) => tf.add(a, b) as tf.Scalar);
  return { total, parts };
}
