import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, onBothBackends, randomValues } from "./test-helpers.ts";

describe("UnsortedSegmentSum (wasm)", () => {
  for (const [rows, dim, n] of [
    [7, 3, 12],
    [50, 16, 64],
    [300, 8, 5],
    // A one-row table: the embedding of a one-country vocabulary (tf.oneHot refuses depth 1).
    [1, 4, 3],
  ]) {
    it(`gives gather's gradient like the cpu backend: table ${rows}×${dim}, ${n} lookups with repeats`, async () => {
      const ids = Int32Array.from({ length: n }, (_, i) => (i * 7919) % Math.min(rows, n > 6 ? 6 : rows));
      const tv = randomValues(rows * dim, rows);
      const rv = randomValues(n * dim, rows + 1);
      const { cpu, wasm } = await onBothBackends(() => {
        const table = tf.tensor2d(tv, [rows, dim]);
        const idx = tf.tensor1d(ids, "int32");
        const r = tf.tensor2d(rv, [n, dim]);
        return [tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), r)))(table)];
      });
      assert.ok(Math.max(...cpu[0].map(Math.abs)) > 0.1);
      assert.ok(maxAbsDiff(cpu[0], wasm[0]) < 1e-5, `max diff ${maxAbsDiff(cpu[0], wasm[0])}`);
    });
  }

  it("drops ids outside [0, numSegments) as TensorFlow does", async () => {
    const { cpu, wasm } = await onBothBackends(() => [
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 2, -1, 2], "int32"), 3),
    ]);
    assert.deepEqual([...wasm[0]], [1, 0, 6]);
    assert.deepEqual([...cpu[0]], [...wasm[0]]);
  });
});
