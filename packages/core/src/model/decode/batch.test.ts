import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { tinyChainModel } from "../../../test/fixtures.ts";
import type { Dataset } from "../../data/store.ts";
import type { GeoModel } from "../network.ts";
import { decodeBatch } from "./batch.ts";
import { decodeChains } from "./beam-search.ts";
import { decodeMarginal } from "./marginal.ts";

describe("decodeBatch", () => {
  let ds: Dataset;
  let model: GeoModel;
  before(async () => {
    ({ ds, model } = await tinyChainModel());
  });

  it("decodes a beam search's chains, or one chain per image by a place rule", () => {
    const x = model.prepare(ds.readPatches([0, 1, 2]), 3);
    assert.deepEqual(
      decodeBatch(model, x, { mode: "chains", beam: 2, topN: 3 }),
      decodeChains(model, x, { beam: 2, topN: 3 }),
    );
    const rule = { kind: "within", km: 500 } as const;
    assert.deepEqual(
      decodeBatch(model, x, { mode: "marginal", rule }),
      decodeMarginal(model, x, { rule }).map((c) => [c]),
    );
    x.dispose();
  });
});
