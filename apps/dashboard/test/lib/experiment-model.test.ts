import assert from "node:assert/strict";
import { test } from "node:test";
import { modelLabel, NO_MODEL } from "../../src/lib/experiment-model.ts";

test("a built-in run is named by its head and backbone", () => {
  const config = { model: { head: "chain", backbone: "cnn", featureDim: 256 }, train: { epochs: 8 } };
  assert.equal(modelLabel("BUILTIN", config), "chain · cnn");
  assert.equal(modelLabel("BUILTIN", { model: { head: "regress" } }), "regress");
});

test("an external run is named by config.model, a string or an object's name", () => {
  assert.equal(modelLabel("EXTERNAL", { model: "Qwen2.5-VL-7B", lr: 1e-6 }), "Qwen2.5-VL-7B");
  assert.equal(modelLabel("EXTERNAL", { model: { name: "GeoCLIP", dim: 512 } }), "GeoCLIP");
});

test("any other config shape gives the placeholder, never an error", () => {
  for (const config of [null, undefined, 42, "model", [], [{ model: "x" }], {}, { model: "  " }, { model: 7 }]) {
    assert.equal(modelLabel("EXTERNAL", config), NO_MODEL, JSON.stringify(config));
    assert.equal(modelLabel("BUILTIN", config), NO_MODEL, JSON.stringify(config));
  }
  // A built-in shape sent by an external client is not read as a head.
  assert.equal(modelLabel("EXTERNAL", { model: { head: "chain" } }), NO_MODEL);
});
