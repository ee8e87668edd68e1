/**
 * Frozen backbones: a pretrained TF.js LayersModel used as a fixed feature extractor, with the
 * features of a dataset computed once and cached beside it, so the chain heads train fast.
 *
 * - `mobilenetv2`: the MobileNetV2 weights shipped inside the npm package `nsfwjs` (MIT):
 *   ImageNet-pretrained, then fine-tuned by its authors for content classification; the
 *   1280-d global-average-pooled features (layer `average_pooling2d_1`) are the image
 *   embedding. Offline, no download.
 * - `layers`: any TF.js LayersModel directory (model.json + weight files), optionally cut at a
 *   named layer; a rank-4 output is global-average-pooled.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/store.ts";

export interface BackboneSpec {
  kind: "mobilenetv2" | "layers";
  /** Directory holding model.json (kind "layers"). */
  path?: string;
  /** Cut the model at this layer's output (default: its output). */
  layer?: string;
}

export interface FrozenBackbone {
  /** Stable id of the weights and cut point: keys the feature cache. */
  id: string;
  inputSize: { height: number; width: number };
  featureDim: number;
  /** uint8 RGB images [n, H, W, 3] at inputSize → features [n × featureDim]. */
  embed(images: Uint8Array, n: number): Float32Array;
  dispose(): void;
}

function cutModel(model: tf.LayersModel, layerName: string | undefined): tf.LayersModel {
  if (!layerName) return model;
  const layer = model.getLayer(layerName);
  return tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
}

function wrap(model: tf.LayersModel, id: string, scale: number): FrozenBackbone {
  const [, height, width, channels] = model.inputs[0].shape;
  if (channels !== 3 || !height || !width) {
    throw new Error(`backbone input must be [null, H, W, 3], got ${JSON.stringify(model.inputs[0].shape)}`);
  }
  const out = model.outputs[0].shape;
  const featureDim = out[out.length - 1] as number;
  return {
    id,
    inputSize: { height, width },
    featureDim,
    embed(images, n) {
      // Read the values outside tf.tidy: tidy scans a returned TypedArray element by element.
      const out = tf.tidy(() => {
        const x = tf.mul(tf.tensor4d(images, [n, height, width, 3], "int32").toFloat(), scale);
        let f = model.predict(x) as tf.Tensor;
        if (f.rank === 4) f = tf.mean(f, [1, 2]);
        return f.reshape([n, featureDim]);
      });
      const values = out.dataSync() as Float32Array;
      out.dispose();
      return values;
    },
    dispose() {
      model.dispose();
    },
  };
}

/** Reads a LayersModel directory (model.json + its weight files) without any network handler. */
async function loadLayersDir(dir: string): Promise<{ model: tf.LayersModel; hash: string }> {
  const file = path.join(dir, "model.json");
  if (!existsSync(file)) throw new Error(`no TF.js model at ${dir} (model.json missing)`);
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  const hash = createHash("sha256").update(readFileSync(file));
  const buffers: Buffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const bytes = readFileSync(path.join(dir, p));
      hash.update(bytes);
      buffers.push(bytes);
    }
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
  );
  return { model, hash: hash.digest("hex").slice(0, 16) };
}

export async function loadBackbone(spec: BackboneSpec): Promise<FrozenBackbone> {
  if (spec.kind === "mobilenetv2") {
    const { load } = (await import("nsfwjs")) as { load: (name: string) => Promise<{ model: tf.LayersModel }> };
    const original = console.info;
    console.info = () => {}; // nsfwjs announces which model it loads on every call
    try {
      const { model } = await load("MobileNetV2");
      // nsfwjs feeds pixels / 255.
      return wrap(
        cutModel(model, spec.layer ?? "average_pooling2d_1"),
        `mobilenetv2-nsfwjs-4.4.0-${spec.layer ?? "avgpool"}`,
        1 / 255,
      );
    } finally {
      console.info = original;
    }
  }
  if (!spec.path) throw new Error("a `layers` backbone needs a path to a directory with model.json");
  const { model, hash } = await loadLayersDir(spec.path);
  return wrap(cutModel(model, spec.layer), `layers-${hash}-${spec.layer ?? "output"}`, 1 / 255);
}

const FEATURE_MAGIC = 0x41454647; // "GFEA"

/**
 * Features of every sample of a dataset under a backbone, cached in
 * <dataset>/features/<backbone id>.bin (magic, version, n, dim, then float32 rows).
 * The dataset's images must be RGB; they are resized to the backbone's input if needed.
 */
export async function datasetFeatures(
  ds: Dataset,
  backbone: FrozenBackbone,
  onProgress?: (done: number, total: number) => void,
): Promise<Float32Array> {
  const file = path.join(ds.dir, "features", `${backbone.id}.bin`);
  const n = ds.size;
  const d = backbone.featureDim;
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    if (bytes.readUInt32LE(0) === FEATURE_MAGIC && bytes.readUInt32LE(8) === n && bytes.readUInt32LE(12) === d) {
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset + 16, bytes.byteOffset + 16 + n * d * 4));
    }
  }
  const { height, width, channels } = ds.manifest.patch;
  if (channels < 3)
    throw new Error(`dataset ${ds.manifest.name} has ${channels} channel(s); a frozen backbone needs RGB`);
  const { height: bh, width: bw } = backbone.inputSize;
  const out = new Float32Array(n * d);
  const batch = 32;
  for (let start = 0; start < n; start += batch) {
    const idx = Array.from({ length: Math.min(batch, n - start) }, (_, k) => start + k);
    const px = ds.readPatches(idx);
    const rgbTensor = tf.tidy(() => {
      let t = tf.tensor4d(px, [idx.length, height, width, channels], "int32").slice([0, 0, 0, 0], [-1, -1, -1, 3]);
      if (height !== bh || width !== bw) t = tf.image.resizeBilinear(t.toFloat(), [bh, bw]).round().toInt();
      return t;
    });
    const rgb = Uint8Array.from(rgbTensor.dataSync());
    rgbTensor.dispose();
    out.set(backbone.embed(rgb, idx.length), start * d);
    onProgress?.(start + idx.length, n);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const header = Buffer.alloc(16);
  header.writeUInt32LE(FEATURE_MAGIC, 0);
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(n, 8);
  header.writeUInt32LE(d, 12);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, Buffer.concat([header, Buffer.from(out.buffer)]));
  renameSync(tmp, file);
  return out;
}
