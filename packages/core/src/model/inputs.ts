/**
 * Where a model's batch input comes from: dataset images for the CNN, cached backbone features
 * for a frozen backbone. Training and evaluation read batches through this one function.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/store.ts";
import { type BackboneSpec, datasetFeatures, type FrozenBackbone, loadBackbone } from "./backbones.ts";
import { isFrozen, type ModelConfig } from "./config.ts";
import type { GeoModel } from "./network.ts";

/** Builds the input tensor of a batch; `augment` may edit the uint8 images in place (CNN only). */
export type BatchInput = (
  model: GeoModel,
  indices: ArrayLike<number>,
  augment?: (images: Uint8Array) => void,
) => tf.Tensor;

export function backboneSpec(config: ModelConfig): BackboneSpec {
  if (config.backbone === "cnn") throw new Error("the cnn backbone is trained, not frozen");
  return { kind: config.backbone, path: config.backbonePath, layer: config.backboneLayer };
}

/**
 * A batch before it becomes a tensor: uint8 images (CNN) or backbone feature rows (frozen
 * backbone). Plain arrays, so a batch can be posted to a decoding thread.
 */
export type RawBatch = { kind: "pixels"; data: Uint8Array } | { kind: "features"; data: Float32Array };

/** The model input of a raw batch of `n` samples. */
export function rawToTensor(model: GeoModel, raw: RawBatch, n: number): tf.Tensor {
  return raw.kind === "pixels" ? model.prepare(raw.data, n) : model.prepareFeatures(raw.data, n);
}

/**
 * The batch input of a dataset (`input`: tensors; `raw`: the same batches before the tensor); for
 * a frozen backbone also the backbone (features cached on disk).
 */
export async function datasetInput(
  config: ModelConfig,
  ds: Dataset,
  onProgress?: (done: number, total: number) => void,
): Promise<{ input: BatchInput; raw: (indices: ArrayLike<number>) => RawBatch; backbone: FrozenBackbone | null }> {
  if (!isFrozen(config)) {
    return {
      input: (model, indices, augment) => {
        const images = ds.readPatches(indices);
        augment?.(images);
        return model.prepare(images, indices.length);
      },
      raw: (indices) => ({ kind: "pixels", data: ds.readPatches(indices) }),
      backbone: null,
    };
  }
  const backbone = await loadBackbone(backboneSpec(config));
  const features = await datasetFeatures(ds, backbone, onProgress);
  const d = backbone.featureDim;
  const raw = (indices: ArrayLike<number>): RawBatch => {
    const rows = new Float32Array(indices.length * d);
    for (let k = 0; k < indices.length; k++) rows.set(features.subarray(indices[k] * d, (indices[k] + 1) * d), k * d);
    return { kind: "features", data: rows };
  };
  return {
    input: (model, indices) => rawToTensor(model, raw(indices), indices.length),
    raw,
    backbone,
  };
}
