import assert from "node:assert/strict";
import { test } from "node:test";
import { accuracyColor, deltaColor, errorColor, errorColors, logErrorT, NO_DATA_COLOR } from "../../src/lib/colors.ts";

test("logErrorT maps 1 km to 0, 20,000 km to 1 and their geometric mean to 1/2", () => {
  assert.equal(logErrorT(1), 0);
  assert.equal(logErrorT(20000), 1);
  assert.ok(Math.abs(logErrorT(Math.sqrt(20000)) - 0.5) < 1e-12);
  assert.equal(logErrorT(0), 0, "errors below 1 km clamp to the bottom of the scale");
  assert.equal(logErrorT(40000), 1, "errors above the domain clamp to the top");
});

test("errorColors writes the same RGBA as errorColor, four bytes per error", () => {
  const errors = new Float32Array([0.5, 25, 750, 2500, 19000]);
  const packed = errorColors(errors, 200);
  assert.equal(packed.length, 20);
  errors.forEach((km, i) => {
    assert.deepEqual([...packed.subarray(i * 4, i * 4 + 4)], errorColor(km, 200));
  });
  assert.notDeepEqual(errorColor(1), errorColor(20000), "the ends of the scale differ");
});

test("accuracy and delta colours: missing values get the no-data colour, sign of a delta flips the hue", () => {
  assert.deepEqual(accuracyColor(null), NO_DATA_COLOR);
  assert.deepEqual(accuracyColor(Number.NaN), NO_DATA_COLOR);
  assert.deepEqual(deltaColor(undefined), NO_DATA_COLOR);
  const better = deltaColor(0.5);
  const worse = deltaColor(-0.5);
  assert.ok(better[2] > better[0], "a positive delta is blue");
  assert.ok(worse[0] > worse[2], "a negative delta is red");
  assert.notDeepEqual(accuracyColor(0.1), accuracyColor(0.9));
});
