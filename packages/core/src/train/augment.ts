/**
 * Augmentations on uint8 HWC image batches, in place, driven by a seeded generator so a step's
 * augmentation is the same after a resume.
 */
export interface Augment {
  brightness: number;
  flip: boolean;
  rot90: boolean;
}

export function augmentBatch(
  images: Uint8Array,
  n: number,
  shape: { height: number; width: number; channels: number },
  a: Augment,
  rand: () => number,
): void {
  const { height: H, width: W, channels: C } = shape;
  const size = H * W * C;
  const tmp = new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * size, (i + 1) * size);
    const factor = 1 + (rand() * 2 - 1) * a.brightness;
    const flipH = a.flip && rand() < 0.5;
    const flipV = a.flip && rand() < 0.5;
    const turns = a.rot90 && H === W ? Math.floor(rand() * 4) : 0;
    if (flipH || flipV || turns) {
      tmp.set(img);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          let sy = flipV ? H - 1 - y : y;
          let sx = flipH ? W - 1 - x : x;
          for (let t = 0; t < turns; t++) [sy, sx] = [W - 1 - sx, sy];
          for (let c = 0; c < C; c++) img[(y * W + x) * C + c] = tmp[(sy * W + sx) * C + c];
        }
      }
    }
    if (factor !== 1) for (let p = 0; p < size; p++) img[p] = Math.min(255, Math.round(img[p] * factor));
  }
}
