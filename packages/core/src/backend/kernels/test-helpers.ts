import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../../util/random.ts";
import { initWasm } from "../wasm.ts";

/** Deterministic uniform values in [-1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

/** Runs `fn` on the cpu backend (tfjs's reference kernels) and on wasm (ours), returns both. */
export async function onBothBackends(fn: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  await tf.setBackend("cpu");
  const cpu = tf.tidy(fn).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(v);
  });
  await initWasm();
  const wasm = tf.tidy(fn).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(v);
  });
  return { cpu, wasm };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export const CONV_CASES: Array<{
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: 1 | 2;
  pad: "same" | "valid";
}> = [
  { x: [2, 7, 7, 3], k: 3, co: 4, stride: 1, pad: "same" },
  { x: [2, 7, 7, 3], k: 3, co: 4, stride: 1, pad: "valid" },
  { x: [3, 8, 8, 5], k: 3, co: 6, stride: 2, pad: "same" },
  { x: [3, 9, 9, 5], k: 3, co: 6, stride: 2, pad: "same" },
  { x: [2, 9, 8, 4], k: 3, co: 5, stride: 2, pad: "valid" },
  { x: [1, 10, 10, 2], k: 5, co: 3, stride: 2, pad: "same" },
  { x: [4, 6, 6, 8], k: 1, co: 8, stride: 1, pad: "valid" },
  { x: [2, 16, 16, 16], k: 3, co: 32, stride: 2, pad: "same" },
];

/** Loss Σ conv2d(x, w) ⊙ r and its gradients [dx, dw] for one case. */
export function convGradients(c: (typeof CONV_CASES)[number], seed: number): () => tf.Tensor[] {
  const [b, h, w, ci] = c.x;
  const xv = randomValues(b * h * w * ci, seed);
  const wv = randomValues(c.k * c.k * ci * c.co, seed + 1);
  return () => {
    const x = tf.tensor4d(xv, c.x);
    const filter = tf.tensor4d(wv, [c.k, c.k, ci, c.co]);
    const out = tf.conv2d(x, filter, c.stride, c.pad);
    const r = tf.tensor(randomValues(out.size, seed + 2), out.shape);
    const grads = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad), r)),
    );
    return grads([x, filter]);
  };
}
