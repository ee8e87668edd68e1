/**
 * Prediction for people and the API: images (files or bytes) or a Blue Marble location in,
 * readable chains with probabilities and coordinates out.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { assertCoordinate } from "@geor/geo";
import type * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { type BackendName, selectBackend } from "../backend/select.ts";
import { loadEarthImagery } from "../data/bluemarble/imagery.ts";
import { cutPatch } from "../data/bluemarble/patch.ts";
import type { DatasetManifest } from "../data/format.ts";
import { loadModel } from "../train/checkpoint.ts";
import { loadBackbone } from "./backbones.ts";
import { isFrozen } from "./config.ts";
import { decodeChains } from "./decode/beam-search.ts";
import { backboneSpec } from "./inputs.ts";
import type { GeoModel } from "./network.ts";
import { admin1Unit } from "./vocab.ts";

export interface PredictedChain {
  /** "France › Île-de-France › Paris › 48.8566, 2.3522" */
  text: string;
  probability: number;
  country: { iso2: string; name: string; p: number } | null;
  admin1: { code: string; name: string; p: number } | null;
  place: { cell: number; name: string; p: number } | null;
  lat: number;
  lon: number;
}

export interface ImagePrediction {
  input: string;
  /** Channels the image could not supply, set to the training mean (e.g. night, elevation for a photo on a Blue Marble model). */
  channelsFilled: string[];
  chains: PredictedChain[];
}

export class ImageDecodeError extends Error {
  override name = "ImageDecodeError";
}

/** Decodes an image (file or bytes) to the model's input: EXIF-rotated, cover-resized, RGB. */
export async function imageToInput(
  model: GeoModel,
  image: string | Buffer,
  channelNames: string[],
): Promise<{ pixels: Uint8Array; filled: string[] }> {
  const { height, width, channels, mean } = model.input;
  let rgb: Buffer;
  try {
    rgb = await sharp(image, { failOn: "truncated" })
      .rotate()
      .resize(width, height, { fit: "cover" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer();
  } catch (err) {
    const what = typeof image === "string" ? image : "the uploaded image";
    throw new ImageDecodeError(`cannot decode ${what}: ${(err as Error).message}`);
  }
  const pixels = new Uint8Array(height * width * channels);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) pixels[p * channels + c] = c < 3 ? rgb[p * 3 + c] : Math.round(mean[c]);
  }
  return { pixels, filled: channelNames.slice(3, channels) };
}

/** Decodes the top-k chains of n prepared images (CNN backbone). */
export function predictPixels(model: GeoModel, pixels: Uint8Array, n: number, topK = 3): PredictedChain[][] {
  return predictInput(model, model.prepare(pixels, n), topK);
}

/** Decodes the top-k chains of a model input (images or backbone features); disposes it. */
export function predictInput(model: GeoModel, x: tf.Tensor, topK = 3): PredictedChain[][] {
  try {
    const decoded = decodeChains(model, x, { beam: Math.max(1, topK), topN: topK });
    return decoded.map((chains) =>
      chains.map((c) => {
        const country = model.vocab.countries[c.country];
        const admin1 = admin1Unit(model.vocab, c.admin1, c.lat, c.lon);
        const place = model.vocab.cells[c.cell];
        const parts = [country?.name, admin1?.name, place?.name].filter(Boolean);
        return {
          text: [...parts, `${c.lat.toFixed(4)}, ${c.lon.toFixed(4)}`].join(" › "),
          probability: Math.exp(c.logProb),
          country: country ? { iso2: country.iso2, name: country.name, p: c.probs.country } : null,
          admin1: admin1 ? { code: admin1.code, name: admin1.name, p: c.probs.admin1 } : null,
          place: place ? { cell: c.cell, name: place.name, p: c.probs.cell } : null,
          lat: c.lat,
          lon: c.lon,
        };
      }),
    );
  } finally {
    x.dispose();
  }
}

export interface PredictImagesOptions {
  runDir: string;
  images: string[];
  /** A Blue Marble location instead of (or besides) images. */
  at?: [number, number];
  topK?: number;
  backend?: BackendName | "auto";
}

export async function predictImages(opts: PredictImagesOptions): Promise<ImagePrediction[]> {
  if (opts.images.length === 0 && !opts.at) throw new Error("nothing to predict: give image files or --at lat,lon");
  await selectBackend({ backend: opts.backend ?? "auto" });
  const run = JSON.parse(readFileSync(path.join(opts.runDir, "run.json"), "utf8")) as { dataset: { dir: string } };
  const manifestFile = path.join(run.dataset.dir, "manifest.json");
  const manifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, "utf8")) as DatasetManifest)
    : null;
  const channelNames = manifest?.channels ?? ["r", "g", "b"];
  const { model } = loadModel(path.join(opts.runDir, "checkpoint"));
  const backbone = isFrozen(model.config) ? await loadBackbone(backboneSpec(model.config)) : null;
  try {
    const out: ImagePrediction[] = [];
    for (const file of opts.images) {
      if (!existsSync(file)) throw new ImageDecodeError(`no such image file: ${file}`);
      const { pixels, filled } = await imageToInput(model, file, channelNames);
      const x = backbone ? model.prepareFeatures(backbone.embed(pixels, 1), 1) : model.prepare(pixels, 1);
      out.push({ input: file, channelsFilled: backbone ? [] : filled, chains: predictInput(model, x, opts.topK)[0] });
    }
    if (opts.at) {
      const [lat, lon] = opts.at;
      assertCoordinate(lat, lon, "in --at");
      if (manifest?.kind !== "bluemarble" || backbone)
        throw new Error("--at needs a CNN model trained on a Blue Marble dataset");
      const cfg = manifest.config as { patchSize: number; patchKm: number };
      const pixels = new Uint8Array(cfg.patchSize * cfg.patchSize * 5);
      cutPatch(await loadEarthImagery(), lat, lon, { size: cfg.patchSize, kmAcross: cfg.patchKm }, pixels);
      out.push({
        input: `Blue Marble patch at ${lat}, ${lon}`,
        channelsFilled: [],
        chains: predictPixels(model, pixels, 1, opts.topK)[0],
      });
    }
    return out;
  } finally {
    model.dispose();
    backbone?.dispose();
  }
}
