/**
 * NASA imagery shipped by the npm package `three-globe` (example/img/): Blue Marble day colour
 * (4096×2048, equirectangular), Black Marble night lights (4096×2048) and a topography map
 * (2048×1024). Decoded once with sharp into raw rasters.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { packageRoot } from "../../util/package-root.ts";
import type { SourceFile } from "../format.ts";

/** An equirectangular raster: row 0 at latitude +90, column 0 at longitude −180. */
export interface Raster {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface EarthImagery {
  /** Day colour, RGB. */
  day: Raster;
  /**
   * Night lights: the red band of the night image. The image is NASA's Black Marble over a
   * blue-tinted moonlit base (deserts glow blue-grey at R ≈ 15), while city lights are
   * orange-white (R ≈ 100); the red band keeps the lights and drops the base.
   */
  night: Raster;
  /** Elevation (brighter = higher), one channel. */
  elevation: Raster;
  sources: SourceFile[];
}

const FILES = {
  day: "earth-blue-marble.jpg",
  night: "earth-night.jpg",
  elevation: "earth-topology.png",
} as const;

export function imageryDir(): string {
  return path.join(packageRoot("three-globe"), "example", "img");
}

/** Decodes to RGB, or to one channel: `band` picks an RGB band, else greyscale. */
async function decode(file: string, channels: 1 | 3, band?: 0 | 1 | 2): Promise<Raster> {
  let img = sharp(file);
  if (channels === 3) img = img.removeAlpha();
  else img = band === undefined ? img.greyscale() : img.removeAlpha().extractChannel(band);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`${file}: decoded ${info.channels} channels, expected ${channels}`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels,
  };
}

let cached: Promise<EarthImagery> | null = null;

/** Loads and decodes the three rasters (cached per process). */
export function loadEarthImagery(): Promise<EarthImagery> {
  cached ??= (async () => {
    const dir = imageryDir();
    const sources: SourceFile[] = Object.entries(FILES).map(([name, file]) => {
      const full = path.join(dir, file);
      const bytes = readFileSync(full);
      return {
        name,
        path: `three-globe/example/img/${file}`,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        bytes: bytes.length,
      };
    });
    const [day, night, elevation] = await Promise.all([
      decode(path.join(dir, FILES.day), 3),
      decode(path.join(dir, FILES.night), 1, 0),
      decode(path.join(dir, FILES.elevation), 1),
    ]);
    return { day, night, elevation, sources };
  })();
  return cached;
}
