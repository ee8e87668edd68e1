import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, onBothBackends, randomValues } from "./test-helpers.ts";

describe("BatchMatMul with transposed operands (wasm)", () => {
  for (const [aShape, bShape, transposeA, transposeB] of [
    [[7, 5], [7, 3], true, false],
    [[4, 6], [9, 6], false, true],
    [[6, 4], [9, 6], true, true],
    [[3, 7, 5], [3, 7, 2], true, false],
    [[2, 4, 6], [2, 5, 6], false, true],
    [[5, 8], [8, 3], false, false],
  ] as Array<[number[], number[], boolean, boolean]>) {
    it(`matches the cpu backend for ${aShape.join("×")}${transposeA ? "ᵀ" : ""} · ${bShape.join("×")}${transposeB ? "ᵀ" : ""}`, async () => {
      const av = randomValues(
        aShape.reduce((x, y) => x * y),
        1,
      );
      const bv = randomValues(
        bShape.reduce((x, y) => x * y),
        2,
      );
      const { cpu, wasm } = await onBothBackends(() => [
        tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), transposeA, transposeB),
      ]);
      assert.ok(maxAbsDiff(cpu[0], wasm[0]) < 1e-5);
    });
  }

  it("leaves no tensor behind", async () => {
    await onBothBackends(() => []);
    const a = tf.randomNormal([6, 4]);
    const b = tf.randomNormal([6, 3]);
    const before = tf.memory().numTensors;
    tf.matMul(a, b, true, false).dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
