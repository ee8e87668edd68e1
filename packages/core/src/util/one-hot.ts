import * as tf from "@tensorflow/tfjs";

/**
 * float32 one-hot rows of int32 `ids` over `depth` classes; ids outside [0, depth) give zero
 * rows. Unlike tf.oneHot it accepts a depth of 1 (a vocabulary of one country or one unit).
 */
export function oneHotRows(ids: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.tidy(() =>
    depth >= 2
      ? tf.cast(tf.oneHot(ids, depth), "float32")
      : // A broadcast comparison: exact for any depth, but slower than the native kernel.
        tf.cast(tf.equal(tf.expandDims(ids, 1), tf.expandDims(tf.range(0, depth, 1, "int32"), 0)), "float32"),
  ) as tf.Tensor2D;
}
