/** Decoding a batch as a spec says: the form a decoding thread receives (see decode-pool.ts). */
import type * as tf from "@tensorflow/tfjs";
import type { GeoModel } from "../network.ts";
import { decodeChains } from "./beam-search.ts";
import type { DecodedChain } from "./decoded-chain.ts";
import { decodeMarginal } from "./marginal.ts";
import type { PlaceRule } from "./place-rules.ts";

/**
 * How a batch is decoded: the place chosen from its marginal distribution by a rule (one chain
 * per image), or the `topN` best chains of a beam search of width `beam`.
 */
export type DecodeSpec = { mode: "marginal"; rule: PlaceRule } | { mode: "chains"; beam: number; topN: number };

/** Decodes a batch input as `spec` says: one array of chains (best first) per image. */
export function decodeBatch(model: GeoModel, x: tf.Tensor, spec: DecodeSpec): DecodedChain[][] {
  if (spec.mode === "chains") return decodeChains(model, x, spec);
  return decodeMarginal(model, x, { rule: spec.rule }).map((c) => [c]);
}
