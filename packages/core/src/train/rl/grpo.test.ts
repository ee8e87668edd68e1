import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../backend/select.ts";
import { ModelConfig } from "../../model/config.ts";
import { GeoModel } from "../../model/network.ts";
import type { Vocab } from "../../model/vocab.ts";
import { mulberry32 } from "../../util/random.ts";
import {
  type ChainActions,
  chainKl,
  chainLogProb,
  clippedSurrogate,
  groupAdvantages,
  grpoLoss,
  policyTerms,
} from "./grpo.ts";
import { rewardGeor } from "./rewards.ts";
import { chainRewards } from "./rl.ts";
import { sampleChains } from "./sample.ts";
import { grpoUpdate } from "./update.ts";

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

/** A frozen-feature chain model over one country, one admin-1 and the given places. */
function toyModel(cells: Array<{ lat: number; lon: number }>, seed = 1): GeoModel {
  const vocab: Vocab = {
    countries: [{ iso2: "FR", name: "France" }],
    admin1: [{ code: "FR-X", name: "X", country: 0 }],
    cells: cells.map((c, id) => ({ id, name: `cell ${id}`, ...c, admin1: [0], country: 0 })),
  };
  const config = ModelConfig.parse({ backbone: "layers", featureDim: 8, embedDim: 4, headHidden: 8 });
  return new GeoModel(config, vocab, { height: 1, width: 1, channels: 1, mean: [0], std: [1], featureDim: 4 }, seed);
}

/** One GRPO step on images `x` whose true location is `truth`. */
function grpoStep(
  model: GeoModel,
  reference: GeoModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor2D,
  truth: { lat: number; lon: number },
  G: number,
  sigma: number,
  rand: () => number,
): ReturnType<typeof grpoUpdate> {
  const s = sampleChains(model, x, G, 1, rand, { offsetSigma: sigma });
  const truths = Array.from({ length: x.shape[0] }, () => truth);
  const reward = { name: "geor", distance: rewardGeor, consistency: 0 };
  const { rewards } = chainRewards(s.coords, s.tokens, truths, G, reward, () => "FR", null);
  const stats = grpoUpdate(model, reference, optimizer, x, s, groupAdvantages(rewards, G), G, {
    clip: 0.2,
    kl: 0.01,
    updatesPerBatch: 1,
    offsetSigma: sigma,
  });
  assert.ok(stats.finite);
  return stats;
}

describe("GRPO", () => {
  before(async () => {
    await selectBackend({ backend: "wasm" });
  });

  it("normalises rewards within each group", () => {
    // Group 1: mean 2, population std √(2/3); group 2: all equal → no signal.
    const a = groupAdvantages([1, 2, 3, 5, 5, 5], 3, 0);
    const std = Math.sqrt(2 / 3);
    close(a.advantages[0], -1 / std);
    close(a.advantages[1], 0);
    close(a.advantages[2], 1 / std);
    assert.deepEqual(Array.from(a.advantages.slice(3)), [0, 0, 0]);
    assert.deepEqual(Array.from(a.active), [1, 1, 1, 0, 0, 0]);
    assert.equal(a.zeroVarianceFraction, 0.5);
    assert.throws(() => groupAdvantages([1, 2, 3], 2), /dividing the 3 rewards/);
    assert.throws(() => groupAdvantages([1, Number.NaN], 2), /reward NaN of chain 1/);
  });

  it("clips the ratio as PPO does: min(ρA, clip(ρ, 0.8, 1.2)A)", () => {
    const out = tf.tidy(() =>
      Array.from(
        clippedSurrogate(tf.tensor1d([0.5, 1.5, 1.5, 0.5, 1]), tf.tensor1d([1, 1, -1, -1, 2]), 0.2).dataSync(),
      ),
    );
    // ρ=0.5, A=1 → min(0.5, 0.8) = 0.5; ρ=1.5, A=1 → min(1.5, 1.2) = 1.2;
    // ρ=1.5, A=−1 → min(−1.5, −1.2) = −1.5; ρ=0.5, A=−1 → min(−0.5, −0.8) = −0.8; ρ=1 → A.
    assert.deepEqual(
      out.map((v) => Number(v.toFixed(6))),
      [0.5, 1.2, -1.5, -0.8, 2],
    );
  });

  it("gives no gradient and no NaN when every group's rewards are equal", () => {
    const model = toyModel([
      { lat: 48.86, lon: 2.35 },
      { lat: 43.3, lon: 5.37 },
    ]);
    const x = tf.randomNormal([2, 4], 0, 1, "float32", 3) as tf.Tensor2D;
    const actions: ChainActions = {
      image: Int32Array.from([0, 0, 1, 1]),
      tokens: Int32Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]),
      offsets: new Float32Array(8),
    };
    const adv = groupAdvantages([0.7, 0.7, 0.2, 0.2], 2);
    const { value, grads } = tf.variableGrads(() => {
      const p = policyTerms(model, x, actions);
      return grpoLoss(chainLogProb(p, actions, 0.25), chainLogProb(p, actions, 0.25), chainKl(p, p, 0.25), adv, {
        clip: 0.2,
        klBeta: 0.1,
      }).loss;
    }, model.variableList);
    assert.equal(Math.abs(value.dataSync()[0]), 0);
    for (const [name, g] of Object.entries(grads)) {
      const v = g.dataSync();
      assert.ok(
        v.every((e) => e === 0),
        `gradient of ${name} should be zero`,
      );
    }
    model.dispose();
  });

  it("moves probability mass toward the closer of two places", () => {
    // Truth in Paris; place 0 is Paris, place 1 is Marseille (660 km away).
    const model = toyModel([
      { lat: 48.86, lon: 2.35 },
      { lat: 43.3, lon: 5.37 },
    ]);
    const reference = toyModel(
      [
        { lat: 48.86, lon: 2.35 },
        { lat: 43.3, lon: 5.37 },
      ],
      1,
    );
    const x = tf.randomNormal([4, 4], 0, 1, "float32", 5) as tf.Tensor2D;
    const pParis = () =>
      tf.tidy(() => {
        const f = model.features(x);
        const probs = tf.softmax(model.cellLogits(f, tf.zeros([4], "int32") as tf.Tensor1D));
        return tf.mean(probs.slice([0, 0], [4, 1])).dataSync()[0];
      });
    const before = pParis();
    const optimizer = tf.train.adam(0.05);
    const rand = mulberry32(11);
    for (let step = 0; step < 40; step++) {
      const stats = grpoStep(model, reference, optimizer, x, { lat: 48.86, lon: 2.35 }, 8, 0, rand);
      assert.equal(stats.klOffset, 0, "no offset policy, no offset KL");
    }
    const after = pParis();
    assert.ok(after > 0.9 && after > before + 0.1, `p(Paris) went from ${before.toFixed(3)} to ${after.toFixed(3)}`);
    // The KL to the reference grew from 0 as the policy left it.
    const kl = tf.tidy(() => {
      const a: ChainActions = {
        image: Int32Array.from([0]),
        tokens: Int32Array.from([0, 0, 0]),
        offsets: new Float32Array(2),
      };
      return chainKl(policyTerms(model, x, a), policyTerms(reference, x, a), 0).dataSync()[0];
    });
    assert.ok(kl > 0.01, `KL ${kl}`);
    for (const m of [model, reference]) m.dispose();
    optimizer.dispose();
  });

  it("trains the Gaussian offset policy toward the true point inside the place", () => {
    // One place centred 100 km south-west of the truth: only the offset can earn reward.
    const model = toyModel([{ lat: 48.0, lon: 1.0 }]);
    const reference = toyModel([{ lat: 48.0, lon: 1.0 }]);
    const x = tf.randomNormal([4, 4], 0, 1, "float32", 7) as tf.Tensor2D;
    const truth = { lat: 48.7, lon: 2.0 };
    const meanKm = () => {
      const s = sampleChains(model, x, 1, 1, mulberry32(1), { offsetSigma: 0 });
      return (
        chainRewards(
          s.coords,
          s.tokens,
          [truth, truth, truth, truth],
          1,
          { name: "geor", distance: (d) => d, consistency: 0 },
          () => "FR",
          null,
        ).rewards.reduce((a, b) => a + b) / 4
      );
    };
    const before = meanKm();
    const optimizer = tf.train.adam(0.02);
    const rand = mulberry32(5);
    let last = grpoStep(model, reference, optimizer, x, truth, 8, 0.3, rand);
    for (let step = 1; step < 60; step++) last = grpoStep(model, reference, optimizer, x, truth, 8, 0.3, rand);
    const after = meanKm();
    // Every level has one token, so the whole KL is the offset's |μ − μ_ref|²/2σ².
    assert.ok(last.klOffset > 0, `offset KL ${last.klOffset}`);
    close(last.kl, last.klOffset, 1e-4);
    assert.ok(after < before * 0.6, `mean error went from ${before.toFixed(0)} km to ${after.toFixed(0)} km`);
    for (const m of [model, reference]) m.dispose();
    optimizer.dispose();
  });
});
