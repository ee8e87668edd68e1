import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chainOf } from "./decoded-chain.ts";
import { minimumRiskChain } from "./minimum-risk.ts";

/** A chain of probability p at (lat, lon), told apart by its country token. */
const chain = (token: number, p: number, lat: number, lon: number) =>
  chainOf(token, 0, 0, { country: p, admin1: 1, cell: 1 }, { lat, lon });

describe("minimumRiskChain", () => {
  it("picks the chain of least expected distance to the others: a hedge over the most probable", () => {
    // A (p 0.4) alone on the equator at 0°E; B and C (0.3 each) at 10°E and 11°E, 1° of arc is
    // 111.2 km. Expected km: A 0.3·1112 + 0.3·1223 = 700; B 0.4·1112 + 0.3·111 = 478;
    // C 0.4·1223 + 0.3·111 = 523.
    const [a, b, c] = [chain(0, 0.4, 0, 0), chain(1, 0.3, 0, 10), chain(2, 0.3, 0, 11)];
    assert.equal(minimumRiskChain([a, b, c]), b);
    assert.equal(minimumRiskChain([c, b, a]), b);
  });

  it("returns the best chain when the model is sure, and the only chain of one", () => {
    // A at 0.98: its expected km 0.01·1112 + 0.01·1223 = 23; B's 0.98·1112 + 0.01·111 = 1091.
    const a = chain(0, 0.98, 0, 0);
    assert.equal(minimumRiskChain([a, chain(1, 0.01, 0, 10), chain(2, 0.01, 0, 11)]), a);
    assert.equal(minimumRiskChain([a]), a);
  });
});
