import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { loadChainOfRegion } from "@geor/geo";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { tempDir } from "../../test/fixtures.ts";
import { selectBackend } from "../backend/select.ts";
import { Dataset, writeDataset } from "../data/store.ts";
import { evaluateRun } from "../eval/run-eval.ts";
import { trainSft } from "../train/sft.ts";
import { mulberry32 } from "../util/random.ts";
import { datasetFeatures, loadBackbone } from "./backbones.ts";
import { predictImages } from "./predict.ts";

/** Saves a tiny conv net (16×16×3 → 4 features) as model.json + weights.bin, as tfjs would. */
async function saveTinyModel(dir: string): Promise<tf.LayersModel> {
  const model = tf.sequential({
    layers: [
      // Seeded initialisers: the saved model, and so the test, is the same on every run.
      tf.layers.conv2d({
        inputShape: [16, 16, 3],
        filters: 4,
        // 1×1 and linear: the pooled features are a linear image of the mean colour, so the
        // colour-coded cities below stay separable whatever the (seeded) weights.
        kernelSize: 1,
        activation: "linear",
        name: "conv",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
      tf.layers.globalAveragePooling2d({ name: "pool" }),
      tf.layers.dense({ units: 2, name: "head", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(path.join(dir, "weights.bin"), Buffer.from(artifacts.weightData as ArrayBuffer));
      writeFileSync(
        path.join(dir, "model.json"),
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return model;
}

describe("frozen backbones", () => {
  let dir: string;
  let dataset: string;
  let reference: tf.LayersModel;
  before(async () => {
    await selectBackend({ backend: "wasm" });
    dir = tempDir("geor-backbone-");
    reference = await saveTinyModel(path.join(dir, "tiny-model"));
    // A 3-channel photo-like dataset of 80 samples around four cities.
    const cor = await loadChainOfRegion();
    const rand = mulberry32(9);
    const places = [
      [48.85, 2.35],
      [40.71, -74.0],
      [-33.87, 151.21],
      [35.68, 139.69],
    ];
    const samples = Array.from({ length: 80 }, (_, i) => {
      const [lat, lon] = places[i % 4];
      const p = { lat: lat + (rand() - 0.5), lon: lon + (rand() - 0.5) };
      const { lat: _a, lon: _b, ...chain } = cor.locate(p.lat, p.lon);
      return { id: `s${i}`, split: i < 64 ? ("train" as const) : ("val" as const), ...p, chain };
    });
    // Each city has its own colour, so features carry the answer.
    const patches = new Uint8Array(80 * 16 * 16 * 3);
    for (let i = 0; i < 80; i++) {
      for (let p = 0; p < 256; p++) {
        patches[(i * 256 + p) * 3 + (i % 4 === 3 ? 0 : i % 4)] = 200 + Math.floor(rand() * 55);
        if (i % 4 === 3) patches[(i * 256 + p) * 3 + 1] = 200;
      }
    }
    dataset = path.join(dir, "photos");
    await writeDataset(dataset, {
      name: "photos",
      kind: "test",
      config: {},
      channels: ["r", "g", "b"],
      patch: { height: 16, width: 16, channels: 3 },
      sources: [],
      samples,
      patches,
      geocells: { minPerCell: 5, maxPerCell: 40 },
    });
  });

  it("loads a LayersModel directory, cut at a layer, and embeds like the original", async () => {
    const bb = await loadBackbone({ kind: "layers", path: path.join(dir, "tiny-model"), layer: "pool" });
    assert.equal(bb.featureDim, 4);
    assert.deepEqual(bb.inputSize, { height: 16, width: 16 });
    const images = Uint8Array.from({ length: 2 * 16 * 16 * 3 }, (_, i) => (i * 31) % 256);
    const ours = bb.embed(images, 2);
    const cut = tf.model({ inputs: reference.inputs, outputs: reference.getLayer("pool").output as tf.SymbolicTensor });
    const expected = (
      cut.predict(tf.tensor4d(images, [2, 16, 16, 3], "int32").toFloat().div(255)) as tf.Tensor
    ).dataSync();
    assert.equal(ours.length, 8);
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(ours[i] - expected[i]) < 1e-5);
    await assert.rejects(
      loadBackbone({ kind: "layers", path: path.join(dir, "nothing") }),
      /no TF.js model at .*nothing \(model.json missing\)/,
    );
    bb.dispose();
  });

  it("caches a dataset's features on disk and reuses them", async () => {
    const ds = Dataset.open(dataset);
    const bb = await loadBackbone({ kind: "layers", path: path.join(dir, "tiny-model"), layer: "pool" });
    const first = await datasetFeatures(ds, bb);
    assert.equal(first.length, 80 * 4);
    assert.ok(existsSync(path.join(dataset, "features", `${bb.id}.bin`)));
    let calls = 0;
    const counting = {
      ...bb,
      embed: (im: Uint8Array, n: number) => {
        calls++;
        return bb.embed(im, n);
      },
    };
    const second = await datasetFeatures(ds, counting);
    assert.equal(calls, 0, "the second call reads the cache");
    assert.deepEqual(second, first);
    bb.dispose();
    ds.close();
  });

  it("trains the chain heads on cached features, evaluates and predicts a photo", async () => {
    const out = path.join(dir, "run");
    const model = {
      backbone: "layers" as const,
      backbonePath: path.join(dir, "tiny-model"),
      backboneLayer: "pool",
      featureDim: 32,
      headHidden: 32,
      embedDim: 8,
    };
    const r = await trainSft({
      dataset,
      out,
      model,
      train: { epochs: 30, batchSize: 16, lr: 1e-2, warmupSteps: 5 },
      backend: "wasm",
    });
    assert.ok(r.steps >= 120);
    const ev = await evaluateRun({ runDir: out, split: "val", backend: "wasm" });
    assert.ok(ev.levels.country >= 0.75, `country accuracy ${ev.levels.country} from colour-coded cities`);
    // Decoding threads take the cached feature rows instead of images, with the same answers.
    const pooled = await evaluateRun({ runDir: out, split: "val", backend: "wasm", threads: 2, tag: "pool" });
    assert.deepEqual(pooled.predictions, ev.predictions);
    const photo = path.join(dir, "red.jpg");
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 230, g: 0, b: 0 } } })
      .jpeg()
      .toFile(photo);
    const [pred] = await predictImages({ runDir: out, images: [photo], backend: "wasm" });
    assert.deepEqual(pred.channelsFilled, []);
    assert.equal(pred.chains[0].country?.iso2, "FR", "red is Paris in this dataset");
  });

  it("offers MobileNetV2 from nsfwjs: 1280-d features, offline", async () => {
    const bb = await loadBackbone({ kind: "mobilenetv2" });
    assert.equal(bb.featureDim, 1280);
    assert.deepEqual(bb.inputSize, { height: 224, width: 224 });
    const f = bb.embed(new Uint8Array(2 * 224 * 224 * 3).fill(128), 2);
    assert.equal(f.length, 2560);
    assert.ok(f.some((v) => v > 0));
    bb.dispose();
  });
});
