import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { topK } from "./top-k.ts";

describe("topK", () => {
  // The row's window [1, 6): 0.1, 0.5, 0.3, 0.7, 0.5 at relative indices 0 … 4; the 9 before it is outside.
  const row = Float64Array.from([9, 0.1, 0.5, 0.3, 0.7, 0.5]);

  it("gives the indices of the k largest values of the window, largest first, ties by position", () => {
    assert.deepEqual(topK(row, 1, 5, 1), [3]);
    assert.deepEqual(topK(row, 1, 5, 3), [3, 1, 4]);
  });

  it("gives every index, sorted, when k exceeds the window", () => {
    assert.deepEqual(topK(row, 1, 5, 10), [3, 1, 4, 2, 0]);
    assert.deepEqual(topK(Int32Array.from([2, 7]), 0, 2, 2), [1, 0]);
  });
});
