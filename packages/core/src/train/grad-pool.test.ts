import assert from "node:assert/strict";
import { test } from "node:test";
import type { RawBatch } from "../model/inputs.ts";
import type { Targets } from "../model/targets.ts";
import { shardBounds, shardOf } from "./grad-pool.ts";

test("shardBounds cuts n rows into contiguous shards, the first ones a row larger", () => {
  assert.deepEqual(shardBounds(33, 2), [
    [0, 17],
    [17, 33],
  ]);
  assert.deepEqual(shardBounds(10, 3), [
    [0, 4],
    [4, 7],
    [7, 10],
  ]);
  // More threads than rows: no empty shard.
  assert.deepEqual(shardBounds(2, 4), [
    [0, 1],
    [1, 2],
  ]);
});

test("shardOf cuts images or feature rows and every target array at the same rows", () => {
  const n = 5;
  const t: Targets = {
    n,
    country: Int32Array.from({ length: n }, (_, i) => i),
    admin1: Int32Array.from({ length: n }, (_, i) => 10 + i),
    cell: Int32Array.from({ length: n }, (_, i) => 20 + i),
    offset: Float32Array.from({ length: 2 * n }, (_, i) => i),
    xyz: Float32Array.from({ length: 3 * n }, (_, i) => i),
    soft: {
      cell: Float32Array.from({ length: 4 * n }, (_, i) => i),
      country: Float32Array.from({ length: 3 * n }, (_, i) => i),
    },
  };
  const pixels: RawBatch = { kind: "pixels", data: Uint8Array.from({ length: 6 * n }, (_, i) => i) };
  const s = shardOf(pixels, t, 2, 4);
  assert.equal(s.t.n, 2);
  assert.deepEqual([...s.t.country], [2, 3]);
  assert.deepEqual([...s.t.admin1], [12, 13]);
  assert.deepEqual([...s.t.cell], [22, 23]);
  assert.deepEqual([...s.t.offset], [4, 5, 6, 7]);
  assert.deepEqual([...s.t.xyz], [6, 7, 8, 9, 10, 11]);
  assert.deepEqual([...(s.t.soft?.cell ?? [])], [8, 9, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual([...(s.t.soft?.country ?? [])], [6, 7, 8, 9, 10, 11]);
  assert.equal(s.t.soft?.admin1, undefined);
  assert.equal(s.raw.kind, "pixels");
  assert.deepEqual([...s.raw.data], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
  // Shards are copies: the batch's own arrays stay whole.
  assert.equal(t.cell.length, n);
  const features: RawBatch = { kind: "features", data: Float32Array.from({ length: 4 * n }, (_, i) => i / 2) };
  const f = shardOf(features, t, 4, 5);
  assert.equal(f.raw.kind, "features");
  assert.deepEqual([...f.raw.data], [8, 8.5, 9, 9.5]);
});
