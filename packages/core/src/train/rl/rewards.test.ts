import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseReward, rewardExp, rewardGeor, rewardGeoScore, rewardLog, rewardTiered } from "./rewards.ts";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

describe("RL rewards", () => {
  it("geor is piecewise linear through (0, 1), (750, 0.5), (3000, 0.2), (20000, 0)", () => {
    close(rewardGeor(0), 1);
    close(rewardGeor(1), 1 - 0.5 / 750);
    close(rewardGeor(25), 1 - 12.5 / 750);
    close(rewardGeor(750), 0.5);
    close(rewardGeor(1875), 0.35); // halfway between 750 and 3000
    close(rewardGeor(3000), 0.2);
    close(rewardGeor(11500), 0.1);
    close(rewardGeor(20000), 0);
    close(rewardGeor(20016), 0);
  });

  it("exp:σ is exp(−d/σ)", () => {
    const r = rewardExp(500);
    close(r(0), 1);
    close(r(1), Math.exp(-1 / 500));
    close(r(25), Math.exp(-0.05));
    close(r(750), Math.exp(-1.5));
    close(r(20016), Math.exp(-20016 / 500));
    assert.throws(() => rewardExp(0), /must be > 0 km/);
  });

  it("geoscore is GeoScore/5000", () => {
    close(rewardGeoScore(0), 1);
    close(rewardGeoScore(1), Math.exp(-1 / 1492.7));
    close(rewardGeoScore(25), Math.exp(-25 / 1492.7));
    close(rewardGeoScore(750), Math.exp(-750 / 1492.7));
    close(rewardGeoScore(20016), Math.exp(-20016 / 1492.7));
  });

  it("tiered is the mean of d ≤ 1, 25, 200, 750, 2500 km", () => {
    close(rewardTiered(0), 1);
    close(rewardTiered(1), 1);
    close(rewardTiered(25), 0.8);
    close(rewardTiered(750), 0.4);
    close(rewardTiered(2500), 0.2);
    close(rewardTiered(20016), 0);
  });

  it("log is 1 − log(1+d)/log(1+20016)", () => {
    close(rewardLog(0), 1);
    close(rewardLog(1), 1 - Math.log(2) / Math.log(20017));
    close(rewardLog(25), 1 - Math.log(26) / Math.log(20017));
    close(rewardLog(750), 1 - Math.log(751) / Math.log(20017));
    close(rewardLog(20016), 0);
  });

  it("parses specs with an optional consistency term and rejects bad ones by name", () => {
    assert.equal(parseReward("geor").consistency, 0);
    const r = parseReward("exp:200+consistency:0.3");
    assert.equal(r.name, "exp:200+consistency:0.3");
    assert.equal(r.consistency, 0.3);
    close(r.distance(200), Math.exp(-1));
    assert.equal(parseReward("tiered+consistency").consistency, 0.2);
    assert.throws(() => parseReward("exp"), /exp needs a positive scale/);
    assert.throws(() => parseReward("exp:-3"), /exp needs a positive scale/);
    assert.throws(() => parseReward("l2"), /unknown reward "l2"/);
    assert.throws(() => parseReward("geor+bonus:1"), /expected "\+consistency/);
  });
});
