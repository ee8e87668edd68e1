import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { tinyChainModel } from "../../../test/fixtures.ts";
import type { Dataset } from "../../data/store.ts";
import { decodeChains } from "../../model/decode/beam-search.ts";
import type { GeoModel } from "../../model/network.ts";
import { mulberry32 } from "../../util/random.ts";
import { sampleChains } from "./sample.ts";

describe("sampleChains", () => {
  let ds: Dataset;
  let model: GeoModel;
  before(async () => {
    ({ ds, model } = await tinyChainModel());
  });

  it("samples G chains per image with log-probabilities that add up over the levels", () => {
    const x = model.prepare(ds.readPatches([0, 1]), 2);
    const s = sampleChains(model, x, 5, 1, mulberry32(3));
    assert.equal(s.n, 10);
    for (let i = 0; i < s.n; i++) {
      const [c, a, k] = s.tokens.subarray(3 * i, 3 * i + 3);
      assert.equal(model.vocab.admin1[a].country, c);
      assert.ok(model.vocab.cells[k].admin1.includes(a));
      const sum = s.levelLogProbs[3 * i] + s.levelLogProbs[3 * i + 1] + s.levelLogProbs[3 * i + 2];
      assert.ok(Math.abs(sum - s.logProbs[i]) < 1e-4);
      assert.ok(Math.abs(s.coords[2 * i]) <= 90 && Math.abs(s.coords[2 * i + 1]) <= 180);
    }
    // A near-zero temperature samples the greedy chain.
    const cold = sampleChains(model, x, 3, 1e-3, mulberry32(4));
    const [greedy] = decodeChains(model, x, { beam: 1 })[0];
    assert.equal(cold.tokens[0], greedy.country);
    x.dispose();
  });

  it("samples without leaving a tensor behind", () => {
    const x = model.prepare(ds.readPatches([0, 1, 2]), 3);
    // Warm-up: the chain masks are made (and kept) on first use.
    decodeChains(model, x, { beam: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) sampleChains(model, x, 4, 1, mulberry32(i), { offsetSigma: 0.2 });
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
