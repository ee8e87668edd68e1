import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../test/fixtures.ts";
import { DecodePool } from "./decode-pool.ts";

describe("DecodePool", () => {
  it("says which thread could not start and why (a corrupt checkpoint)", async () => {
    const dir = path.join(tempDir("geor-pool-"), "checkpoint");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "checkpoint.json"), "{ not json");
    await assert.rejects(
      DecodePool.open({ checkpointDir: dir, threads: 2, backend: "wasm" }),
      /decoding thread \d could not start: .*checkpoint/,
    );
  });

  it("refuses the node bindings, which use every core themselves", async () => {
    await assert.rejects(
      DecodePool.open({ checkpointDir: "/nonexistent", threads: 2, backend: "node" }),
      /decoding threads run on wasm or cpu, not node/,
    );
  });
});
