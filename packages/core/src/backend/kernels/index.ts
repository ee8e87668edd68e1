/**
 * Gradient kernels the TensorFlow.js wasm backend lacks (or has only as a slow scalar loop),
 * built from ops it has. One kernel per file, each tested against the cpu backend.
 */
import * as tf from "@tensorflow/tfjs";
import { batchMatMulWithoutTranspose } from "./batch-mat-mul.ts";
import { conv2dBackpropFilter } from "./conv2d-backprop-filter.ts";
import { conv2dBackpropInput } from "./conv2d-backprop-input.ts";
import { unsortedSegmentSum } from "./unsorted-segment-sum.ts";

export const WASM_GRADIENT_KERNELS: Record<string, tf.KernelFunc> = {
  // Missing in tfjs-backend-wasm 4.22: the weight gradient of every conv layer.
  Conv2DBackpropFilter: conv2dBackpropFilter as unknown as tf.KernelFunc,
  // Present but ~10× slower than Conv2D; replaced by a phase decomposition.
  Conv2DBackpropInput: conv2dBackpropInput as unknown as tf.KernelFunc,
  // Missing: the gradient of gather (embedding lookups).
  UnsortedSegmentSum: unsortedSegmentSum as unknown as tf.KernelFunc,
};

/** The backend's own BatchMatMul per backend, kept so re-registration never wraps our wrapper. */
const originalBatchMatMul = new Map<string, tf.KernelFunc>();

/** Registers (or re-registers) the kernels above for `backendName`. Idempotent. */
export function registerWasmGradientKernels(backendName = "wasm"): void {
  for (const [kernelName, kernelFunc] of Object.entries(WASM_GRADIENT_KERNELS)) {
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
  // Present and fast for plain products, ~10× slower with a transposed operand (dense-layer gradients).
  const own = tf.getKernel("BatchMatMul", backendName);
  if (!own) return;
  if (!originalBatchMatMul.has(backendName)) originalBatchMatMul.set(backendName, own.kernelFunc);
  tf.unregisterKernel("BatchMatMul", backendName);
  tf.registerKernel({
    ...own,
    kernelFunc: batchMatMulWithoutTranspose(originalBatchMatMul.get(backendName) as tf.KernelFunc),
  });
}

export { batchMatMulWithoutTranspose, conv2dBackpropFilter, conv2dBackpropInput, unsortedSegmentSum };
