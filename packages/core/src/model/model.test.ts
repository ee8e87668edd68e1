import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SMALL_MODEL as SMALL, tinyChainModel } from "../../test/fixtures.ts";
import type { Dataset } from "../data/store.ts";
import { ModelConfig } from "./config.ts";
import { decodeChains } from "./decode/beam-search.ts";
import { sftLoss } from "./loss.ts";
import { GeoModel } from "./network.ts";
import { TargetBuilder } from "./targets.ts";

describe("GeoModel", () => {
  let ds: Dataset;
  let model: GeoModel;
  before(async () => {
    ({ ds, model } = await tinyChainModel());
  });

  it("gives every head the right shape", () => {
    tf.tidy(() => {
      const x = model.prepare(ds.readPatches([0, 1, 2]), 3);
      const f = model.features(x);
      assert.deepEqual(f.shape, [3, 32]);
      assert.deepEqual(model.countryLogits(f).shape, [3, model.vocab.countries.length]);
      const c = tf.tensor1d([0, 1, 0], "int32");
      assert.deepEqual(model.admin1Logits(f, c).shape, [3, model.vocab.admin1.length]);
      assert.deepEqual(model.cellLogits(f, tf.tensor1d([0, 0, 1], "int32")).shape, [3, model.vocab.cells.length]);
      assert.deepEqual(model.offset(f, tf.tensor1d([0, 1, 2], "int32"), c).shape, [3, 2]);
    });
  });

  it("adds a linear term of the features to the admin-1 and place logits with headSkip, inside the masks", () => {
    const skip = new GeoModel(
      ModelConfig.parse({ ...SMALL, headSkip: true, placeHead: "always" }),
      model.vocab,
      model.input,
      7,
    );
    // Without the skip weights the variables are the plain chain's, created in the same order.
    const plain = new GeoModel(
      ModelConfig.parse({ ...SMALL, headSkip: false, countryHead: "linear", placeHead: "always" }),
      model.vocab,
      model.input,
      7,
    );
    assert.deepEqual(
      [...skip.variables.keys()].filter((k) => !k.endsWith("/skip")),
      [...plain.variables.keys()],
    );
    plain.dispose();
    tf.tidy(() => {
      const f = tf.randomNormal([2, 32], 0, 1, "float32", 1) as tf.Tensor2D;
      const c = tf.tensor1d([0, 0], "int32");
      const a = tf.tensor1d([0, 0], "int32");
      skip.v("admin1/skip").assign(tf.zerosLike(skip.v("admin1/skip")));
      skip.v("cell/skip").assign(tf.zerosLike(skip.v("cell/skip")));
      const zeroA = skip.admin1Logits(f, c).arraySync();
      const zeroK = skip.cellLogits(f, a).arraySync();
      skip.v("cell/skip").assign(tf.onesLike(skip.v("cell/skip")));
      const withK = skip.cellLogits(f, a).arraySync();
      const sumF = f.sum(1).arraySync() as number[];
      const termA = tf.matMul(f, tf.randomNormal(skip.v("admin1/skip").shape, 0, 1, "float32", 2)) as tf.Tensor2D;
      skip.v("admin1/skip").assign(tf.randomNormal(skip.v("admin1/skip").shape, 0, 1, "float32", 2));
      const withA = skip.admin1Logits(f, c).arraySync();
      const termRows = termA.arraySync();
      // Allowed classes move by exactly the linear term; masked ones stay masked.
      zeroA.forEach((row, i) => {
        row.forEach((v, j) => {
          if (v < -1e8) assert.ok(withA[i][j] < -1e8);
          else assert.ok(Math.abs(withA[i][j] - v - termRows[i][j]) < 1e-3);
        });
      });
      // All-ones place weights add Σ f to every allowed place.
      zeroK.forEach((row, i) => {
        row.forEach((v, k) => {
          if (v < -1e8) assert.ok(withK[i][k] < -1e8);
          else assert.ok(Math.abs(withK[i][k] - v - sumF[i]) < 1e-3);
        });
      });
    });
    skip.dispose();
  });

  it("scores a country by its admin-1 skip mass with countryHead regions; has an mlp country head; refuses regions without headSkip", () => {
    const regions = new GeoModel(ModelConfig.parse({ ...SMALL, countryHead: "regions" }), model.vocab, model.input, 7);
    const nC = model.vocab.countries.length;
    tf.tidy(() => {
      const f = tf.randomNormal([3, 32], 0, 1, "float32", 4) as tf.Tensor2D;
      regions.v("admin1/skip").assign(tf.randomNormal(regions.v("admin1/skip").shape, 0, 2, "float32", 5));
      regions.v("country/w").assign(tf.zerosLike(regions.v("country/w")));
      // With its own layer at zero, p(country) is the flat classifier's country marginal:
      // softmax over every admin-1 class of the skip scores, summed per country.
      const pc = tf.softmax(regions.countryLogits(f)).arraySync() as number[][];
      const pa = tf.softmax(tf.matMul(f, regions.v("admin1/skip") as tf.Tensor2D)).arraySync() as number[][];
      pc.forEach((row, i) => {
        const marginal = new Array(nC).fill(0);
        pa[i].forEach((p, a) => {
          marginal[model.vocab.admin1[a].country] += p;
        });
        for (const [c, p] of row.entries())
          assert.ok(Math.abs(p - marginal[c]) < 1e-4, `country ${c}: ${p} vs ${marginal[c]}`);
      });
      // Its own layer adds to the logits; the gradient reaches both terms.
      const grads = tf.variableGrads(
        () => tf.sum(tf.logSoftmax(regions.countryLogits(f)).slice([0, 0], [3, 1])) as tf.Scalar,
        [regions.v("country/w"), regions.v("admin1/skip")],
      ).grads;
      for (const g of Object.values(grads)) assert.ok((tf.max(tf.abs(g)).arraySync() as number) > 0);
    });
    regions.dispose();
    const mlp = new GeoModel(ModelConfig.parse({ ...SMALL, countryHead: "mlp" }), model.vocab, model.input, 7);
    assert.deepEqual(mlp.v("country/h").shape, [32, 32]);
    tf.tidy(() => assert.deepEqual(mlp.countryLogits(tf.ones([2, 32])).shape, [2, nC]));
    mlp.dispose();
    assert.throws(
      () =>
        new GeoModel(
          ModelConfig.parse({ ...SMALL, countryHead: "regions", headSkip: false }),
          model.vocab,
          model.input,
          7,
        ),
      /needs headSkip: true/,
    );
  });

  it("implies the place when every admin-1 class holds one place: no place layers, probability 1, the same loss", () => {
    // The fixture's admin-1 groups hold one place each.
    assert.ok(model.placeImplied);
    assert.ok(![...model.variables.keys()].some((k) => /^cell\/(h|hb|w|b|skip)$/.test(k)));
    const full = new GeoModel(ModelConfig.parse({ ...SMALL, placeHead: "always" }), model.vocab, model.input, 7);
    assert.ok(!full.placeImplied && full.variables.has("cell/w"));
    // A second place in an admin-1 class gives that class a choice: the head scores just the two
    // contested places, and its place probabilities are those of a head over every place.
    const cells = [...model.vocab.cells, { ...model.vocab.cells[0] }];
    const vocab2 = { ...model.vocab, cells };
    const choice = new GeoModel(model.config, vocab2, model.input, 7);
    const cols = Array.from(choice.placeColumns ?? []);
    assert.deepEqual(cols, [0, cells.length - 1]);
    assert.deepEqual(choice.v("cell/w").shape, [32, 2]);
    const every = new GeoModel(ModelConfig.parse({ ...SMALL, placeHead: "always" }), vocab2, model.input, 9);
    tf.tidy(() => {
      for (const [name, v] of choice.variables) {
        if (!/^cell\/(w|b|skip)$/.test(name)) {
          every.v(name).assign(v);
          continue;
        }
        // Contested columns copied to their places; the other places keep random weights.
        const dst = every.v(name).arraySync() as number[] | number[][];
        const src = v.arraySync() as number[] | number[][];
        cols.forEach((k, j) => {
          if (Array.isArray(dst[0]))
            (dst as number[][]).forEach((row, r) => {
              row[k] = (src as number[][])[r][j];
            });
          else (dst as number[])[k] = (src as number[])[j];
        });
        every.v(name).assign(tf.tensor(dst));
      }
      const f = tf.randomNormal([4, 32], 0, 1, "float32", 3) as tf.Tensor2D;
      const a = tf.tensor1d([choice.vocab.cells[0].admin1[0], 1, 2, choice.vocab.cells[0].admin1[0]], "int32");
      const p1 = tf.softmax(choice.cellLogits(f, a)).arraySync() as number[][];
      const p2 = tf.softmax(every.cellLogits(f, a)).arraySync() as number[][];
      for (const [i, row] of p1.entries()) {
        for (const [k, p] of row.entries()) assert.ok(Math.abs(p - p2[i][k]) < 1e-5, `row ${i} place ${k}`);
      }
      assert.ok(p1[0][0] > 0.01 && p1[0][0] < 0.99, "the contested class splits its probability");
    });
    // The place loss is computed on the rows with a choice only, with the loss and gradient of
    // the whole batch: rows whose admin-1 class holds one place add exactly 0.
    tf.tidy(() => {
      const idx = Array.from(ds.indicesOf("train").subarray(0, 6));
      const t = new TargetBuilder(vocab2).build(idx.map((i) => ds.samples[i]));
      const contested = vocab2.cells[0].admin1[0];
      for (const i of [1, 4]) {
        t.admin1[i] = contested;
        t.cell[i] = 0;
      }
      assert.ok(
        Array.from(t.admin1).some((a) => !choice.placeHasChoice(a)),
        "a row without a choice",
      );
      const x = choice.prepare(ds.readPatches(idx), idx.length);
      const sub = tf.variableGrads(() => sftLoss(choice, x, t).parts.cell, [choice.v("cell/w"), choice.v("cell/h")]);
      const full = tf.variableGrads(() => {
        const logits = choice.cellLogits(choice.features(x), tf.tensor1d(t.admin1, "int32"));
        return tf.losses.softmaxCrossEntropy(
          tf.oneHot(tf.tensor1d(t.cell, "int32"), cells.length),
          logits,
        ) as tf.Scalar;
      }, [choice.v("cell/w"), choice.v("cell/h")]);
      assert.ok((full.value.arraySync() as number) > 0.01);
      assert.ok(Math.abs((sub.value.arraySync() as number) - (full.value.arraySync() as number)) < 1e-5);
      for (const [name, g] of Object.entries(full.grads)) {
        assert.ok((tf.max(tf.abs(tf.sub(g, sub.grads[name]))).arraySync() as number) < 1e-5, name);
      }
    });
    // A batch without a choice still gives the place layers their zero gradient, so every step
    // updates the same variables as a batch with one (Adam keeps its slots by position).
    tf.tidy(() => {
      const idx = Array.from(ds.indicesOf("train").subarray(0, 6));
      const x = choice.prepare(ds.readPatches(idx), idx.length);
      const gradsOf = (admin1: number) => {
        const t = new TargetBuilder(vocab2).build(idx.map((i) => ds.samples[i]));
        t.admin1.fill(admin1);
        t.cell.fill(vocab2.cells.findIndex((c) => c.admin1.includes(admin1)));
        return tf.variableGrads(() => sftLoss(choice, x, t).total, choice.variableList).grads;
      };
      const free =
        Array.from({ length: vocab2.admin1.length }, (_, a) => a).find((a) => !choice.placeHasChoice(a)) ?? 0;
      const without = gradsOf(free);
      assert.deepEqual(Object.keys(without).sort(), Object.keys(gradsOf(vocab2.cells[0].admin1[0])).sort());
      assert.equal(tf.max(tf.abs(without[choice.v("cell/w").name])).arraySync(), 0);
    });
    choice.dispose();
    every.dispose();
    tf.tidy(() => {
      const a = tf.tensor1d([0, 1, 2], "int32");
      const p = tf.softmax(model.cellLogits(tf.ones([3, 32]), a)).arraySync() as number[][];
      p.forEach((row, i) => {
        const k = row.indexOf(Math.max(...row));
        assert.ok(Math.abs(row[k] - 1) < 1e-6);
        assert.ok(model.vocab.cells[k].admin1.includes(i));
      });
      // Every other weight equal, the model with a place head has the same loss, its place part 0.
      for (const [name, v] of model.variables) full.v(name).assign(v);
      const idx = Array.from(ds.indicesOf("train").subarray(0, 8));
      const t = new TargetBuilder(model.vocab).build(idx.map((i) => ds.samples[i]));
      const x = model.prepare(ds.readPatches(idx), idx.length);
      const implied = sftLoss(model, x, t);
      const withHead = sftLoss(full, x, t);
      assert.equal(implied.parts.cell, undefined);
      assert.ok((withHead.parts.cell.arraySync() as number) < 1e-6);
      assert.ok(Math.abs((implied.total.arraySync() as number) - (withHead.total.arraySync() as number)) < 1e-4);
      // lossWeights scale a part in the total only; the parts are reported unweighted.
      const weighted = sftLoss(model, x, t, { country: 2.5, offset: 0 });
      const part = (r: typeof implied, k: string) => r.parts[k].arraySync() as number;
      assert.ok(part(implied, "country") > 0);
      assert.equal(part(weighted, "country"), part(implied, "country"));
      const expected = 2.5 * part(implied, "country") + part(implied, "admin1");
      assert.ok(Math.abs((weighted.total.arraySync() as number) - expected) < 1e-4);
    });
    full.dispose();
  });

  it("is the same model for the same seed", () => {
    const again = new GeoModel(model.config, model.vocab, model.input, 7);
    const other = new GeoModel(model.config, model.vocab, model.input, 8);
    const w = (m: GeoModel) => Array.from(m.v("conv0/w").dataSync().slice(0, 20));
    assert.deepEqual(w(again), w(model));
    assert.notDeepEqual(w(other), w(model));
    again.dispose();
    other.dispose();
  });

  it("lowers the loss on a fixed batch with a few Adam steps", () => {
    const idx = Array.from(ds.indicesOf("train").subarray(0, 32));
    const t = new TargetBuilder(model.vocab).build(idx.map((i) => ds.samples[i]));
    const images = ds.readPatches(idx);
    const opt = tf.train.adam(3e-3);
    const lossAt = () => tf.tidy(() => sftLoss(model, model.prepare(images, idx.length), t).total.dataSync()[0]);
    const before = lossAt();
    for (let i = 0; i < 30; i++) {
      tf.tidy(() => {
        const x = model.prepare(images, idx.length);
        opt.minimize(() => sftLoss(model, x, t).total, false, model.variableList);
      });
    }
    const after = lossAt();
    assert.ok(after < 0.5 * before, `loss ${before.toFixed(3)} → ${after.toFixed(3)}`);
    opt.dispose();
  });

  it("builds the flat and regress baselines on the same backbone", () => {
    for (const head of ["flat", "regress"] as const) {
      const m = new GeoModel(ModelConfig.parse({ ...SMALL, head }), model.vocab, model.input, 1);
      const x = m.prepare(ds.readPatches([0, 1]), 2);
      const [first] = decodeChains(m, x)[0];
      assert.ok(Number.isFinite(first.lat) && Number.isFinite(first.lon));
      if (head === "flat") assert.equal(m.vocab.cells[first.cell].country, first.country);
      const t = new TargetBuilder(m.vocab).build([ds.samples[0], ds.samples[1]]);
      const loss = tf.tidy(() => sftLoss(m, x, t).total.dataSync()[0]);
      assert.ok(Number.isFinite(loss) && loss > 0);
      x.dispose();
      m.dispose();
    }
  });

  it("conditions the chain's offset on the admin-1 unit with offsetAdmin1, and not without", () => {
    const two = (m: GeoModel) =>
      tf.tidy(() => {
        const f = m.features(m.prepare(ds.readPatches([0, 0]), 2));
        // The same image and place, two different admin-1 units.
        return Array.from(m.offset(f, tf.tensor1d([0, 0], "int32"), tf.tensor1d([0, 1], "int32")).dataSync());
      });
    const seeing = new GeoModel(ModelConfig.parse({ ...SMALL, offsetAdmin1: true }), model.vocab, model.input, 7);
    const [n0, e0, n1, e1] = two(seeing);
    assert.ok(Math.abs(n0 - n1) + Math.abs(e0 - e1) > 1e-6, "the unit changes the offset");
    assert.deepEqual(seeing.v("offset/h").shape, [32 + 2 * 8, 32]);
    assert.throws(() => tf.tidy(() => seeing.offset(tf.zeros([1, 32]), tf.tensor1d([0], "int32"))), /admin-1 token/);
    seeing.dispose();
    // Off (the default): the same offset whatever the unit.
    const [b0, c0, b1, c1] = two(model);
    assert.deepEqual([b0, c0], [b1, c1]);
    assert.deepEqual(model.v("offset/h").shape, [32 + 8, 32]);
  });
});
