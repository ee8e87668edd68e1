/**
 * The TensorFlow.js wasm backend in Node, with the gradient kernels it lacks registered
 * (kernels/). SIMD is used when the runtime has it (Node 20 does).
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmGradientKernels } from "./kernels/index.ts";

export async function initWasm(opts: { threads?: number } = {}): Promise<Record<string, unknown>> {
  if ((opts.threads ?? 0) > 0) {
    throw new Error(
      "multi-threaded wasm is not supported in Node by @tensorflow/tfjs-backend-wasm 4.22 (it needs browser Blob workers); use 0 threads",
    );
  }
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
  await tf.ready();
  registerWasmGradientKernels("wasm");
  return {
    simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
    threads: 1,
  };
}
