import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_EXPLORER_STATE, explorerFilter } from "../../src/lib/explorer-state.ts";

test("no experiment, no filter: the explorer asks the API for nothing", () => {
  assert.equal(explorerFilter({ ...DEFAULT_EXPLORER_STATE, country: "PT" }), null);
});

test("the filter carries every field; the level counts only with hit / miss, country by default", () => {
  const state = { ...DEFAULT_EXPLORER_STATE, experiment: "exp_42", country: "PT", minKm: 25, level: "PLACE" as const };
  assert.deepEqual(explorerFilter(state), {
    experimentId: "exp_42",
    split: null,
    trueCountry: "PT",
    predictedCountry: null,
    minErrorKm: 25,
    maxErrorKm: null,
    level: null,
    hit: null,
    parsed: null,
    consistent: null,
    bounds: null,
  });
  assert.equal(explorerFilter({ ...state, hit: false })?.level, "PLACE");
  const bounds = { west: -11.25, south: 36.5, east: -5.625, north: 41 };
  assert.deepEqual(explorerFilter({ ...state, bounds })?.bounds, bounds, "a map bin's area");
  assert.equal(explorerFilter({ ...state, level: null, hit: true })?.level, "COUNTRY");
});

test("the answer and consistency filters reach the API as parsed and consistent", () => {
  const state = { ...DEFAULT_EXPLORER_STATE, experiment: "ext_1" };
  const filter = explorerFilter({ ...state, parsed: false, consistent: null });
  assert.equal(filter?.parsed, false);
  assert.equal(filter?.consistent, null);
  assert.equal(explorerFilter({ ...state, consistent: false })?.consistent, false);
  assert.equal(
    explorerFilter({ ...state, consistent: true })?.parsed,
    null,
    "consistency implies nothing about parsed",
  );
});
