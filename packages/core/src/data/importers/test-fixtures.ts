/**
 * Fixtures for the importer tests, generated on the fly in a temp dir: small JPEG/PNG files
 * (solid colours or two halves, with or without EXIF GPS and orientation), broken files, and
 * metadata files. Not a test file itself.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";

export type Rgb = [number, number, number];
export const RED: Rgb = [220, 30, 30];
export const GREEN: Rgb = [30, 200, 60];
export const BLUE: Rgb = [30, 40, 220];

/** A fresh temp dir; GEOR_HOME points into it so no test touches ./data. */
export function tempHome(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  process.env.GEOR_HOME = path.join(dir, "home");
  return dir;
}

/** Degrees → the EXIF rational triple "d/1 m/1 s*100/100". */
export function dmsRational(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 100);
  return `${d}/1 ${m}/1 ${s}/100`;
}

export interface ImageSpec {
  width?: number;
  height?: number;
  /** Solid colour, or [left half, right half]. */
  color?: Rgb | [Rgb, Rgb];
  gps?: { lat: number; lon: number };
  /** EXIF orientation tag (6 = the camera was turned; view rotated 90° clockwise). */
  orientation?: number;
  format?: "jpeg" | "png";
}

/** Writes an image file (parent dirs created); returns its path. */
export async function writeImage(file: string, spec: ImageSpec = {}): Promise<string> {
  const width = spec.width ?? 40;
  const height = spec.height ?? 30;
  const colors = Array.isArray(spec.color?.[0]) ? (spec.color as [Rgb, Rgb]) : [spec.color ?? RED, spec.color ?? RED];
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (x < width / 2 ? colors[0] : colors[1]) as Rgb;
      px.set(c, (y * width + x) * 3);
    }
  }
  let img = sharp(px, { raw: { width, height, channels: 3 } });
  if (spec.format === "png") img = img.png();
  else {
    img = img.jpeg({ quality: 95, chromaSubsampling: "4:4:4" });
    const exif: Record<string, Record<string, string>> = {};
    if (spec.gps) {
      exif.IFD3 = {
        GPSLatitudeRef: spec.gps.lat >= 0 ? "N" : "S",
        GPSLatitude: dmsRational(spec.gps.lat),
        GPSLongitudeRef: spec.gps.lon >= 0 ? "E" : "W",
        GPSLongitude: dmsRational(spec.gps.lon),
      };
    }
    if (Object.keys(exif).length > 0) img = img.withExif(exif);
    // withExif's IFD0 Orientation is overridden by sharp; withMetadata sets it.
    if (spec.orientation !== undefined) img = img.withMetadata({ orientation: spec.orientation });
  }
  mkdirSync(path.dirname(file), { recursive: true });
  await img.toFile(file);
  return file;
}

/** A JPEG cut to half its bytes: the header survives, the scan data does not. */
export async function writeTruncatedJpeg(file: string): Promise<string> {
  // A noisy image, so most bytes are scan data and the cut lands inside it.
  const w = 64;
  const h = 48;
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 251;
  const full = await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, full.subarray(0, full.length >> 1));
  return file;
}

/** A text file with an image extension. */
export function writeNotAnImage(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "this is not an image, just text named like one\n");
  return file;
}

/** Writes lines joined by `eol` (with a final eol). */
export function writeLines(file: string, lines: string[], eol = "\n"): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join(eol)}${eol}`);
  return file;
}

export function readText(file: string): string {
  return readFileSync(file, "utf8");
}

/** The pixel at (x, y) of sample i's stored patch. */
export function pixel(patch: Uint8Array, size: number, x: number, y: number): Rgb {
  const o = (y * size + x) * 3;
  return [patch[o], patch[o + 1], patch[o + 2]];
}

/** True when every channel is within `tol` of the expected colour (JPEG is lossy). */
export function near(actual: Rgb, expected: Rgb, tol = 6): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]) <= tol);
}
