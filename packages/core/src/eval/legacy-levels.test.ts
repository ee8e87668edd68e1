import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { storedLevels, withStoredLevels } from "./legacy-levels.ts";

describe("stored levels", () => {
  it("reads a report written before the rename: its city is the place", () => {
    assert.deepEqual(storedLevels({ country: 0.5, admin1: 0.25, city: 0.125 }), {
      country: 0.5,
      admin1: 0.25,
      place: 0.125,
    });
  });
  it("keeps a report written after it as it is", () => {
    assert.deepEqual(storedLevels({ country: 0.5, admin1: 0.25, place: 0.1 }), {
      country: 0.5,
      admin1: 0.25,
      place: 0.1,
    });
  });
  it("rewrites only the levels of a row", () => {
    const row = { arm: "sft-chain", seed: 3, levels: { country: 1, admin1: 0.5, city: 0.2 } };
    assert.deepEqual(withStoredLevels(row), {
      arm: "sft-chain",
      seed: 3,
      levels: { country: 1, admin1: 0.5, place: 0.2 },
    });
  });
});
