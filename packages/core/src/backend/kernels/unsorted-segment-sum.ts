/**
 * UnsortedSegmentSum for the wasm backend (the gradient of gather), from existing ops:
 * out = oneHot(ids, S)ᵀ · x. O(N·S·D), which is small for embedding tables of a few thousand
 * rows; ids outside [0, S) give zero rows and are dropped, as in TensorFlow.
 */
import * as tf from "@tensorflow/tfjs";
import { oneHotRows } from "../../util/one-hot.ts";
import { asTensor } from "./as-tensor.ts";

export function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const x = asTensor(args.inputs.x as tf.TensorInfo);
  const segmentIds = asTensor(args.inputs.segmentIds as tf.TensorInfo);
  return tf.tidy(() => {
    const ids = tf.cast(tf.reshape(segmentIds, [-1]), "int32");
    const n = ids.shape[0];
    const rest = x.shape.slice(segmentIds.shape.length);
    const d = rest.reduce((a, b) => a * b, 1);
    const oneHot = oneHotRows(ids as tf.Tensor1D, numSegments);
    const out = tf.matMul(oneHot, tf.reshape(tf.cast(x, "float32"), [n, d]), true, false);
    const res = tf.reshape(out, [numSegments, ...rest]);
    return x.dtype === "float32" ? res : tf.cast(res, x.dtype);
  });
}
