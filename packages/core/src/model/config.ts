/**
 * Model configuration: the zod schema is the single source of defaults, validation messages
 * and the TypeScript type. Every run writes its resolved config.
 */
import { z } from "zod";

export const HEADS = ["chain", "flat", "regress"] as const;
export type HeadKind = (typeof HEADS)[number];

export const ModelConfig = z.object({
  /** chain = Chain of Region (country → admin-1 → place → offset); flat = one geocell classifier; regress = lat/lon on the unit sphere. */
  head: z.enum(HEADS).default("chain"),
  /**
   * cnn: the small CNN below, trained end to end; mobilenetv2: the frozen MobileNetV2 shipped by
   * nsfwjs (1280-d, for photos); layers: a frozen TF.js LayersModel from backbonePath.
   * Frozen backbones' features are cached per dataset.
   */
  backbone: z.enum(["cnn", "mobilenetv2", "layers"]).default("cnn"),
  backbonePath: z.string().optional(),
  backboneLayer: z.string().optional(),
  /** Conv widths and strides of the CNN backbone (3×3 convs, ReLU, then global average pooling). */
  convWidths: z.array(z.number().int().min(1).max(1024)).min(1).default([32, 64, 128, 128]),
  convStrides: z
    .array(z.union([z.literal(1), z.literal(2)]))
    .min(1)
    .default([2, 2, 1, 2]),
  /** Width of the shared feature vector after pooling. */
  featureDim: z.number().int().min(8).max(4096).default(256),
  /** Width of each chain level's embedding of the token above. */
  embedDim: z.number().int().min(4).max(512).default(32),
  /** Hidden width of the admin-1, place and offset heads. */
  headHidden: z.number().int().min(8).max(4096).default(256),
  /**
   * Chain head: the offset head also sees the chosen admin-1 class. With `regions: "units"` sparse
   * units are merged into one place, so the unit is often the finer of the two; without it the
   * coordinate cannot use what the admin-1 level knows. Measured on bluemarble-medium-overlap (6 min, 3 seeds):
   * acc@200 +1.9 pp but country −2.1 pp and median +41 km, so off by default.
   */
  offsetAdmin1: z.boolean().default(false),
  /**
   * Chain head: the admin-1 and place logits also get a linear term of the image features alone
   * (the flat classifier's layer), beside the term conditioned on the token above, so the place
   * level can do at least what the flat head does. Checkpoints written before this field load
   * without it.
   */
  headSkip: z.boolean().default(true),
  /**
   * Chain head, how the country level scores a country: "linear" = one linear layer of the image
   * features; "mlp" = a hidden ReLU layer first; "regions" = the linear layer plus the
   * log of the country's share of the admin-1 skip scores (logsumexp over its admin-1 classes),
   * so a country can be several unlike landscapes, and a chain with the other terms at zero is
   * the flat classifier. "regions" needs `headSkip`.
   */
  countryHead: z.enum(["linear", "mlp", "regions"]).default("regions"),
  /**
   * Chain head, the place level: "auto" = the place head scores only the places that share an
   * admin-1 class with another place, and its loss is computed only on the rows whose admin-1
   * class has such a choice (elsewhere the place follows from the admin-1 token with probability
   * 1 and the loss is exactly 0); when no class holds two places (as on the 1° Blue Marble split)
   * there are no place layers at all. "always" = a place head over every place.
   */
  placeHead: z.enum(["auto", "always"]).default("auto"),
  /**
   * Classes of the admin-1 level (and the admin-1 unit reported by every head): "groups" = the
   * dataset's geocell groups, where sparse units are merged by the geocell rule, so each class
   * has enough train samples and each place lies in one class; "units" = every admin-1 unit
   * seen in train. Checkpoints written before this field existed hold unit vocabularies.
   */
  regions: z.enum(["groups", "units"]).default("groups"),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

/** Checks across fields that zod's per-field schema cannot. */
export function assertModelConfig(config: ModelConfig): void {
  if (config.head === "chain" && config.countryHead === "regions" && !config.headSkip) {
    throw new Error(
      'countryHead "regions" (the default) scores countries through the admin-1 skip layer, so it needs headSkip: true; with headSkip: false set countryHead: "linear" or "mlp"',
    );
  }
}

export function isFrozen(config: Pick<ModelConfig, "backbone">): boolean {
  return config.backbone !== "cnn";
}
