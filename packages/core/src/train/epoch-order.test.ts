import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hash32, seededPermutation } from "../util/random.ts";
import { EpochOrder } from "./epoch-order.ts";

const train = Uint32Array.from([10, 11, 12, 13, 14, 15, 16]);
/** Epoch e's order as dataset indices: the permutation seeded by (5, "epoch:e"). */
const orderOf = (label: string, epoch: number) =>
  Array.from(seededPermutation(train.length, hash32(`${label}:${epoch}`, 5)), (j) => train[j]);

describe("EpochOrder", () => {
  it("cuts each epoch's seeded permutation into batches, the last one short", () => {
    // 7 samples in batches of 3: 3 steps per epoch (3, 3 and 1 samples).
    const order = new EpochOrder(train, 3, 3, 5, "epoch");
    const batches = [0, 1, 2, 3].map((s) => order.batch(s));
    assert.deepEqual(
      batches.map((b) => b.epoch),
      [0, 0, 0, 1],
    );
    assert.deepEqual(
      batches.slice(0, 3).map((b) => b.indices.length),
      [3, 3, 1],
    );
    assert.deepEqual(
      batches.slice(0, 3).flatMap((b) => Array.from(b.indices)),
      orderOf("epoch", 0),
    );
    assert.deepEqual(Array.from(batches[3].indices), orderOf("epoch", 1).slice(0, 3));
  });

  it("gives a step the same batch however it got there (a resumed run), and keeps stages apart by label", () => {
    const walked = new EpochOrder(train, 3, 2, 5, "rl-epoch");
    for (let s = 0; s < 5; s++) walked.batch(s);
    const jumped = new EpochOrder(train, 3, 2, 5, "rl-epoch");
    assert.deepEqual(jumped.batch(5), walked.batch(5));
    // 2 steps of 3 per epoch: the 7th sample of each epoch's order is left out.
    assert.deepEqual(Array.from(jumped.batch(5).indices), orderOf("rl-epoch", 2).slice(3, 6));
  });
});
