import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/select.ts";
import type { Sample } from "../data/format.ts";
import { ModelConfig } from "./config.ts";
import { sftLoss } from "./loss.ts";
import { GeoModel } from "./network.ts";
import { DistanceSmoothing } from "./smoothing.ts";
import { TargetBuilder } from "./targets.ts";
import type { Vocab } from "./vocab.ts";

// Country X has units 0 (at 0°E), 1 (1°E, ~111 km away) and 2 (20°E); country Y has unit 3.
// Places: A = unit 0, B = unit 1, C = unit 2, D = unit 3.
const vocab: Vocab = {
  countries: [
    { iso2: "XX", name: "X" },
    { iso2: "YY", name: "Y" },
  ],
  admin1: [
    { code: "XX-0", name: "u0", country: 0 },
    { code: "XX-1", name: "u1", country: 0 },
    { code: "XX-2", name: "u2", country: 0 },
    { code: "YY-3", name: "u3", country: 1 },
  ],
  cells: [
    { id: 0, name: "A", lat: 0, lon: 0, admin1: [0], country: 0 },
    { id: 1, name: "B", lat: 0, lon: 1, admin1: [1], country: 0 },
    { id: 2, name: "C", lat: 0, lon: 20, admin1: [2], country: 0 },
    { id: 3, name: "D", lat: 0, lon: 0.5, admin1: [3], country: 1 },
  ],
};
const SMALL = { convWidths: [4], convStrides: [2] as Array<1 | 2>, featureDim: 8, embedDim: 4, headHidden: 8 };
const unitLon = [0, 1, 20, 0.5];
const sample = (id: string, unit: number, lat: number, lon: number): Sample =>
  ({
    id,
    lat,
    lon,
    split: "train",
    cell: unit,
    chain: {
      country: { iso2: vocab.countries[vocab.admin1[unit].country].iso2, name: "" },
      admin1: { code: vocab.admin1[unit].code, name: "" },
    },
  }) as unknown as Sample;
const train = [0, 1, 2, 3].map((u) => sample(`t${u}`, u, 0, unitLon[u]));

describe("distance-aware label smoothing", () => {
  it("keeps 1 − ε on the true class and spreads ε by distance over the classes the chain allows", () => {
    const s = new DistanceSmoothing(vocab, "chain", train, { epsilon: 0.2, km: 250 });
    const t = new TargetBuilder(vocab, s).build([sample("a", 0, 0, 0.1)]);
    const admin1 = t.soft?.admin1 as Float32Array;
    assert.equal(admin1.length, 4);
    const sum = admin1.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-6, `row sums to ${sum}`);
    assert.ok(admin1[0] >= 0.8, `true unit ${admin1[0]}`);
    assert.ok(admin1[1] > 0.05, `the unit 100 km away gets a real share: ${admin1[1]}`);
    assert.ok(admin1[1] > 100 * admin1[2], `the unit 2,000 km away gets almost none: ${admin1[2]}`);
    assert.equal(admin1[3], 0, "a unit of another country is not allowed under the true country");
    // The country level through the places: place D of country Y lies 44 km from the truth.
    const country = Array.from(t.soft?.country as Float32Array);
    assert.ok(Math.abs(country[0] + country[1] - 1) < 1e-6);
    assert.ok(country[0] >= 0.8 && country[1] > 0.05, `countries ${country}`);
    // Each unit has one place: the place level stays one-hot.
    assert.deepEqual(Array.from(t.soft?.cell as Float32Array), [1, 0, 0, 0]);
  });

  it("spreads over every place for the flat head, and ε = 0.5 still leaves the true class on top", () => {
    const s = new DistanceSmoothing(vocab, "flat", train, { epsilon: 0.5, km: 250 });
    const t = new TargetBuilder(vocab, s).build([sample("b", 1, 0, 0.6)]);
    const cell = Array.from(t.soft?.cell as Float32Array);
    assert.equal(t.soft?.admin1, undefined);
    assert.ok(Math.abs(cell.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.ok(cell[3] > 0.1, `place D of the other country, 11 km away, is allowed for flat: ${cell[3]}`);
    assert.equal(Math.max(...cell), cell[1]);
  });

  it("feeds the soft targets to the loss: the place loss equals −Σ q log softmax(logits)", async () => {
    await selectBackend({ backend: "wasm" });
    const input = { height: 8, width: 8, channels: 3, mean: [0, 0, 0], std: [1, 1, 1] };
    const m = new GeoModel(ModelConfig.parse({ ...SMALL, head: "flat" }), vocab, input, 5);
    const s = new DistanceSmoothing(vocab, "flat", train, { epsilon: 0.3, km: 100 });
    const t = new TargetBuilder(vocab, s).build([sample("c", 0, 0, 0.2), sample("d", 2, 0, 19)]);
    const images = Uint8Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i * 37) % 256);
    const [got, expected, oneHot] = tf.tidy(() => {
      const x = m.prepare(images, 2);
      const logSoftmax = tf.logSoftmax(m.cellLogits(m.features(x)));
      const q = tf.tensor2d(t.soft?.cell as Float32Array, [2, 4]);
      return [
        sftLoss(m, x, t).parts.cell.dataSync()[0],
        tf.mean(tf.neg(tf.sum(tf.mul(q, logSoftmax), 1))).dataSync()[0],
        sftLoss(m, x, { ...t, soft: undefined }).parts.cell.dataSync()[0],
      ];
    });
    assert.ok(Math.abs(got - expected) < 1e-4, `${got} vs ${expected}`);
    assert.ok(Math.abs(got - oneHot) > 1e-3, "the soft targets change the loss");
    m.dispose();
  });

  it("refuses the regress head", () => {
    assert.throws(() => new DistanceSmoothing(vocab, "regress", train, { epsilon: 0.1, km: 250 }), /classification/);
  });
});
