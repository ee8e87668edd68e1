/**
 * Thumbnail sprite sheets: every sample's patch as a small RGB tile in a grid of PNG sheets,
 * so the explorer can show any sample with one cached image and a CSS offset.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { SpriteLayout } from "./format.ts";

export const SPRITE_LAYOUT = { tilesPerRow: 64, maxTileSize: 64, pattern: "sprites/sheet-{n}.png" } as const;

/** Where sample i sits: its sheet file (relative to the dataset dir) and pixel offset. */
export function spriteOf(layout: SpriteLayout, i: number): { file: string; x: number; y: number; size: number } {
  const sheet = Math.floor(i / layout.tilesPerSheet);
  const k = i % layout.tilesPerSheet;
  return {
    file: layout.pattern.replace("{n}", String(sheet).padStart(3, "0")),
    x: (k % layout.tilesPerRow) * layout.tileSize,
    y: Math.floor(k / layout.tilesPerRow) * layout.tileSize,
    size: layout.tileSize,
  };
}

/** Writes the sheets for n patches; the first three channels are shown as RGB (one: grey). */
export async function writeSprites(
  dir: string,
  patches: Uint8Array,
  n: number,
  patch: { height: number; width: number; channels: number },
): Promise<SpriteLayout> {
  const tileSize = Math.min(SPRITE_LAYOUT.maxTileSize, patch.width, patch.height);
  const perRow = SPRITE_LAYOUT.tilesPerRow;
  const perSheet = perRow * perRow;
  const layout: SpriteLayout = {
    pattern: SPRITE_LAYOUT.pattern,
    tileSize,
    tilesPerRow: perRow,
    tilesPerSheet: perSheet,
    sheets: Math.ceil(n / perSheet),
  };
  await mkdir(path.join(dir, "sprites"), { recursive: true });
  const { height: H, width: W, channels: C } = patch;
  const pb = H * W * C;
  for (let sheet = 0; sheet < layout.sheets; sheet++) {
    const count = Math.min(perSheet, n - sheet * perSheet);
    const rows = Math.ceil(count / perRow);
    const sheetW = perRow * tileSize;
    const sheetH = rows * tileSize;
    const rgb = new Uint8Array(sheetW * sheetH * 3);
    for (let k = 0; k < count; k++) {
      const base = (sheet * perSheet + k) * pb;
      const ox = (k % perRow) * tileSize;
      const oy = Math.floor(k / perRow) * tileSize;
      // Box-average each tile pixel over its source footprint (nearest when sizes match).
      for (let ty = 0; ty < tileSize; ty++) {
        const y0 = Math.floor((ty * H) / tileSize);
        const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * H) / tileSize));
        for (let tx = 0; tx < tileSize; tx++) {
          const x0 = Math.floor((tx * W) / tileSize);
          const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * W) / tileSize));
          let r = 0;
          let g = 0;
          let b = 0;
          for (let y = y0; y < y1; y++) {
            for (let x = x0; x < x1; x++) {
              const p = base + (y * W + x) * C;
              r += patches[p];
              g += patches[p + (C >= 3 ? 1 : 0)];
              b += patches[p + (C >= 3 ? 2 : 0)];
            }
          }
          const area = (y1 - y0) * (x1 - x0);
          const q = ((oy + ty) * sheetW + ox + tx) * 3;
          rgb[q] = Math.round(r / area);
          rgb[q + 1] = Math.round(g / area);
          rgb[q + 2] = Math.round(b / area);
        }
      }
    }
    const file = path.join(dir, layout.pattern.replace("{n}", String(sheet).padStart(3, "0")));
    await sharp(rgb, { raw: { width: sheetW, height: sheetH, channels: 3 } })
      .png({ compressionLevel: 6 })
      .toFile(file);
  }
  return layout;
}
