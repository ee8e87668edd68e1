import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { tinyBlueMarble } from "../../test/fixtures.ts";
import { Dataset } from "../data/store.ts";
import { trainIndices } from "./subsets.ts";

describe("train subsets", () => {
  let ds: Dataset;
  before(async () => {
    ds = Dataset.open(await tinyBlueMarble());
  });

  it("splits the train samples with a chain into disjoint SFT and held-out parts of the asked size", () => {
    const all = trainIndices(ds, 0, "train");
    const sft = trainIndices(ds, 0.25, "train");
    const held = trainIndices(ds, 0.25, "holdout");
    assert.equal(sft.length + held.length, all.length);
    const heldSet = new Set(held);
    assert.ok(sft.every((i) => !heldSet.has(i)));
    assert.ok(Math.abs(held.length / all.length - 0.25) < 0.06, `${held.length} of ${all.length} held out`);
    for (const i of all) {
      assert.equal(ds.samples[i].split, "train");
      assert.notEqual(ds.samples[i].chain.country, null);
    }
    // The part depends on the sample ids only: the same in every run.
    assert.deepEqual(Array.from(trainIndices(ds, 0.25, "holdout")), Array.from(held));
  });

  it("refuses the held-out part when nothing is held out", () => {
    assert.throws(() => trainIndices(ds, 0, "holdout"), /needs holdoutFraction > 0/);
  });
});
