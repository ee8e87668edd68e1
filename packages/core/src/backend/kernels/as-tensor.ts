import * as tf from "@tensorflow/tfjs";

/**
 * Kernel inputs arrive as Tensors when called through ops; a bare TensorInfo is wrapped with a
 * reference-count bump, since makeTensorFromTensorInfo alone does not take a reference and
 * disposing the wrapper would free the caller's buffer.
 */
export function asTensor(t: tf.TensorInfo): tf.Tensor {
  if (t instanceof tf.Tensor) return t;
  tf.backend().incRef(t.dataId);
  return tf.engine().makeTensorFromTensorInfo(t);
}
