import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONV_CASES, convGradients, maxAbsDiff, onBothBackends } from "./test-helpers.ts";

describe("Conv2DBackpropFilter (wasm)", () => {
  for (const [i, c] of CONV_CASES.entries()) {
    it(`matches the cpu backend for x ${c.x.join("×")}, ${c.k}×${c.k}→${c.co}, stride ${c.stride}, ${c.pad}`, async () => {
      const { cpu, wasm } = await onBothBackends(convGradients(c, 100 + i));
      const dw = 1;
      const scale = Math.max(...cpu[dw].map(Math.abs));
      assert.ok(scale > 0.1, "the reference gradient is not trivially zero");
      assert.ok(maxAbsDiff(cpu[dw], wasm[dw]) < 1e-4 * scale, `max diff ${maxAbsDiff(cpu[dw], wasm[dw])}`);
    });
  }
});
