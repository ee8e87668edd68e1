import assert from "node:assert/strict";
import { test } from "node:test";
import { formatKm, formatKmDelta } from "../../src/lib/format.ts";

test("a distance difference keeps its sign and the distance format", () => {
  assert.equal(formatKmDelta(-1343.02), "-1,343 km");
  assert.equal(formatKmDelta(120.4), "+120 km");
  assert.equal(formatKmDelta(-0.25), "-0.3 km");
  assert.equal(formatKmDelta(0), "+0.00 km");
  assert.equal(formatKmDelta(null), "–");
  assert.equal(formatKmDelta(-12000), `-${formatKm(12000)}`);
});
