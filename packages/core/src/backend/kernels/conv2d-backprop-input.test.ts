import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONV_CASES, convGradients, maxAbsDiff, onBothBackends } from "./test-helpers.ts";

describe("Conv2DBackpropInput (wasm, phase decomposition)", () => {
  for (const [i, c] of CONV_CASES.entries()) {
    it(`matches the cpu backend for x ${c.x.join("×")}, ${c.k}×${c.k}→${c.co}, stride ${c.stride}, ${c.pad}`, async () => {
      const { cpu, wasm } = await onBothBackends(convGradients(c, 200 + i));
      const dx = 0;
      const scale = Math.max(...cpu[dx].map(Math.abs));
      assert.ok(scale > 0.1, "the reference gradient is not trivially zero");
      assert.ok(maxAbsDiff(cpu[dx], wasm[dx]) < 1e-4 * scale, `max diff ${maxAbsDiff(cpu[dx], wasm[dx])}`);
    });
  }
});
