/**
 * The heads' outputs read into JS: decoding runs the backbone once and the small heads a few
 * times, and the search itself is plain arithmetic on these probabilities.
 */
import * as tf from "@tensorflow/tfjs";

/** log p, floored so a zero probability does not give −∞. */
export const safeLog = (p: number) => Math.log(Math.max(1e-30, p));

/** The values of `fn`'s output; every tensor made on the way, the output included, is disposed. */
export function values(fn: () => tf.Tensor): Float32Array {
  const t = tf.tidy(fn);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Softmax probabilities of the logits `fn` computes. */
export const probabilities = (fn: () => tf.Tensor2D) => values(() => tf.softmax(fn()));
