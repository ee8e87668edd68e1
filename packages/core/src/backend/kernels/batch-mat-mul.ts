/**
 * BatchMatMul for the wasm backend with transposed operands: tfjs-backend-wasm 4.22 handles
 * transposeA / transposeB by a path ~10× slower than a plain product (measured: 42 ms vs 4 ms
 * for [128×256]ᵀ·[128×1500]), and every dense layer's gradient asks for one (dW = xᵀ·dy,
 * dx = dy·Wᵀ). Transposing explicitly and calling the backend's own plain kernel is exact.
 */
import * as tf from "@tensorflow/tfjs";
import { asTensor } from "./as-tensor.ts";

/** Swaps the last two axes. */
const swapLast = (t: tf.Tensor) =>
  tf.transpose(t, [...Array.from({ length: t.rank - 2 }, (_, i) => i), t.rank - 1, t.rank - 2]);

/** Wraps the backend's BatchMatMul so that it only ever sees untransposed operands. */
export function batchMatMulWithoutTranspose(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const a = asTensor(args.inputs.a as tf.TensorInfo);
    const b = asTensor(args.inputs.b as tf.TensorInfo);
    const at = attrs.transposeA ? swapLast(a) : a;
    const bt = attrs.transposeB ? swapLast(b) : b;
    try {
      return original({ ...args, inputs: { a: at, b: bt }, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (at !== a) at.dispose();
      if (bt !== b) bt.dispose();
    }
  };
}
