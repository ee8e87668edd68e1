import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { tinyChainModel } from "../../../test/fixtures.ts";
import type { Dataset } from "../../data/store.ts";
import type { GeoModel } from "../network.ts";
import { decodeChains } from "./beam-search.ts";

describe("decodeChains (beam search)", () => {
  let ds: Dataset;
  let model: GeoModel;
  before(async () => {
    ({ ds, model } = await tinyChainModel());
  });

  it("decodes consistent chains: the admin-1 is in the country, the place in the admin-1", () => {
    const x = model.prepare(ds.readPatches([3, 4, 5, 6]), 4);
    for (const beam of [1, 3]) {
      for (const [best] of decodeChains(model, x, { beam })) {
        assert.equal(model.vocab.admin1[best.admin1].country, best.country);
        assert.ok(model.vocab.cells[best.cell].admin1.includes(best.admin1));
        assert.ok(best.probs.country > 0 && best.probs.country <= 1);
        assert.ok(Math.abs(best.logProb - Math.log(best.probs.country * best.probs.admin1 * best.probs.cell)) < 1e-4);
      }
    }
    const beams = decodeChains(model, x, { beam: 3, topN: 3 });
    for (const chains of beams) {
      assert.equal(chains.length, 3);
      assert.ok(chains[0].logProb >= chains[1].logProb && chains[1].logProb >= chains[2].logProb);
    }
    x.dispose();
  });

  it("decodes without leaving a tensor behind", () => {
    const x = model.prepare(ds.readPatches([0, 1, 2]), 3);
    // Warm-up: the chain masks are made (and kept) on first use.
    decodeChains(model, x, { beam: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) decodeChains(model, x, { beam: 2, topN: 2 });
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
