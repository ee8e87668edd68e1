import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { describeBackend, selectBackend } from "./select.ts";

const absent = (specifier: string) => Promise.reject(new Error(`Cannot find package '${specifier}'`));

describe("backend selection", () => {
  it("falls back node-gpu → node → wasm when the node bindings are not installed", async () => {
    const info = await selectBackend({ importer: absent });
    assert.equal(info.name, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.deepEqual(
      info.skipped.map((s) => s.name),
      ["node-gpu", "node"],
    );
    assert.match(info.skipped[0].reason, /Cannot find package '@tensorflow\/tfjs-node-gpu'/);
    assert.equal(info.details.simd, true);
    assert.match(describeBackend(info), /^backend wasm \[simd=true, threads=1\], tfjs 4\.22\.0 — skipped node-gpu/);
  });

  it("falls back to cpu when wasm cannot start either", async () => {
    const info = await selectBackend({ importer: absent, wasmThreads: 4 });
    assert.equal(info.name, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.deepEqual(
      info.skipped.map((s) => s.name),
      ["node-gpu", "node", "wasm"],
    );
  });

  it("refuses an explicit backend that is not available, saying why", async () => {
    await assert.rejects(
      selectBackend({ backend: "node", importer: absent }),
      /backend node is not available: Cannot find package/,
    );
    const cpu = await selectBackend({ backend: "cpu" });
    assert.equal(cpu.name, "cpu");
    assert.deepEqual(cpu.skipped, []);
  });
});
