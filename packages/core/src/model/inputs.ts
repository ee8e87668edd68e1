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

/** The batch input of a dataset; for a frozen backbone also the backbone (features cached on disk). */
export async function datasetInput(
  config: ModelConfig,
  ds: Dataset,
  onProgress?: (done: number, total: number) => void,
): Promise<{ input: BatchInput; backbone: FrozenBackbone | null }> {
  if (!isFrozen(config)) {
    return {
      input: (model, indices, augment) => {
        const images = ds.readPatches(indices);
        augment?.(images);
        return model.prepare(images, indices.length);
      },
      backbone: null,
    };
  }
  const backbone = await loadBackbone(backboneSpec(config));
  const features = await datasetFeatures(ds, backbone, onProgress);
  const d = backbone.featureDim;
  return {
    input: (model, indices) => {
      const rows = new Float32Array(indices.length * d);
      for (let k = 0; k < indices.length; k++) rows.set(features.subarray(indices[k] * d, (indices[k] + 1) * d), k * d);
      return model.prepareFeatures(rows, indices.length);
    },
    backbone,
  };
}
