import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SMALL_MODEL as SMALL, tinyChainModel } from "../../../test/fixtures.ts";
import type { Dataset } from "../../data/store.ts";
import { ModelConfig } from "../config.ts";
import { GeoModel } from "../network.ts";
import type { Vocab } from "../vocab.ts";
import { decodeChains } from "./beam-search.ts";
import { decodeMarginal } from "./marginal.ts";

describe("decodeMarginal", () => {
  let ds: Dataset;
  let model: GeoModel;
  before(async () => {
    ({ ds, model } = await tinyChainModel());
  });

  it("decodes the place with the most probability over all its admin-1 units (place-marginal)", () => {
    // One country; place A holds unit 0 (p 0.4), place B units 1 and 2 (p 0.3 each). The greedy
    // chain follows unit 0 into A; B is more probable (0.6).
    const vocab: Vocab = {
      countries: [{ iso2: "XX", name: "X" }],
      admin1: [0, 1, 2].map((i) => ({ code: `XX-${i}`, name: `unit ${i}`, country: 0 })),
      cells: [
        { id: 0, name: "A", lat: 10, lon: 10, admin1: [0], country: 0 },
        { id: 1, name: "B", lat: -10, lon: -10, admin1: [1, 2], country: 0 },
      ],
    };
    const m = new GeoModel(
      ModelConfig.parse({ ...SMALL, headSkip: false, countryHead: "linear" }),
      vocab,
      model.input,
      3,
    );
    m.v("admin1/w").assign(tf.zerosLike(m.v("admin1/w")));
    m.v("admin1/b").assign(tf.tensor1d([0.4, 0.3, 0.3].map(Math.log)));
    const x = m.prepare(ds.readPatches([0]), 1);
    const [greedy] = decodeChains(m, x)[0];
    const [marginal] = decodeMarginal(m, x);
    assert.equal(vocab.cells[greedy.cell].name, "A");
    assert.equal(vocab.cells[marginal.cell].name, "B");
    assert.ok([1, 2].includes(marginal.admin1), "the chain goes through a unit of the chosen place");
    assert.ok(Math.abs(marginal.probs.admin1 - 0.3) < 1e-4);
    x.dispose();
    m.dispose();
  });

  it("decodes the flat head from its place distribution like its most probable chain", () => {
    const flat = new GeoModel(ModelConfig.parse({ ...SMALL, head: "flat" }), model.vocab, model.input, 5);
    const x = flat.prepare(ds.readPatches([0, 1, 2, 3]), 4);
    const greedy = decodeChains(flat, x).map((c) => c[0]);
    const fromPlaces = decodeMarginal(flat, x);
    fromPlaces.forEach((c, i) => {
      assert.equal(c.cell, greedy[i].cell);
      assert.equal(c.country, greedy[i].country);
      assert.ok(Math.abs(c.probs.country - greedy[i].probs.country) < 1e-5);
      assert.ok(Math.abs(c.lat - greedy[i].lat) < 1e-6 && Math.abs(c.lon - greedy[i].lon) < 1e-6);
    });
    // The risk rule answers with a place among the likely ones, and a consistent chain.
    for (const c of decodeMarginal(flat, x, { rule: { kind: "risk" } })) {
      assert.equal(flat.vocab.cells[c.cell].country, c.country);
    }
    // So does the median rule; a very sharp one answers like the mode.
    for (const c of decodeMarginal(flat, x, { rule: { kind: "median", temperature: 1 } })) {
      assert.equal(flat.vocab.cells[c.cell].country, c.country);
      assert.ok(Number.isFinite(c.lat) && Number.isFinite(c.lon));
    }
    decodeMarginal(flat, x, { rule: { kind: "median", temperature: 0.01 } }).forEach((c, i) => {
      assert.equal(c.cell, greedy[i].cell);
      assert.ok(Math.abs(c.lat - greedy[i].lat) < 1e-6 && Math.abs(c.lon - greedy[i].lon) < 1e-6);
    });
    x.dispose();
    flat.dispose();
  });
});
