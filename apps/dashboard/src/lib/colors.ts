// Colour scales shared by maps, legends and charts. Errors span 0.1 km to 20,000 km, so they are
// coloured on a log scale; accuracies and deltas on linear ones. Scales are 256-entry lookup
// tables so 100,000 points are coloured without allocating a string per point.
import { interpolateRdBu, interpolateTurbo, interpolateViridis } from "d3-scale-chromatic";

export type RGBA = [number, number, number, number];

export const ERROR_KM_DOMAIN: [number, number] = [1, 20000];
export const NO_DATA_COLOR: RGBA = [70, 78, 92, 255];

function parseRgb(css: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const n = Number.parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  throw new TypeError(`unparseable colour "${css}"`);
}

function lut(interpolate: (t: number) => string): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set(parseRgb(interpolate(i / 255)), i * 3);
  return table;
}

const ERROR_LUT = lut((t) => interpolateTurbo(0.1 + 0.85 * t));
const ACCURACY_LUT = lut(interpolateViridis);
const DELTA_LUT = lut(interpolateRdBu);

function fromLut(table: Uint8Array, t: number, alpha = 255): RGBA {
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255) * 3;
  return [table[i]!, table[i + 1]!, table[i + 2]!, alpha];
}

/** Position of an error on the log scale, 0 at ≤ 1 km, 1 at ≥ 20,000 km. */
export function logErrorT(errorKm: number): number {
  const [lo, hi] = ERROR_KM_DOMAIN;
  const clamped = Math.min(hi, Math.max(lo, errorKm));
  return Math.log(clamped / lo) / Math.log(hi / lo);
}

export function errorColor(errorKm: number, alpha = 255): RGBA {
  return fromLut(ERROR_LUT, logErrorT(errorKm), alpha);
}

/** Writes RGBA colours for many errors into one Uint8Array (a deck.gl binary attribute). */
export function errorColors(errorKm: Float32Array | Float64Array, alpha = 255): Uint8Array {
  const out = new Uint8Array(errorKm.length * 4);
  for (let i = 0; i < errorKm.length; i++) {
    const j = Math.round(logErrorT(errorKm[i]!) * 255) * 3;
    out[i * 4] = ERROR_LUT[j]!;
    out[i * 4 + 1] = ERROR_LUT[j + 1]!;
    out[i * 4 + 2] = ERROR_LUT[j + 2]!;
    out[i * 4 + 3] = alpha;
  }
  return out;
}

export function accuracyColor(accuracy: number | null | undefined, alpha = 230): RGBA {
  if (accuracy === null || accuracy === undefined || !Number.isFinite(accuracy)) return NO_DATA_COLOR;
  return fromLut(ACCURACY_LUT, accuracy, alpha);
}

/** Diverging colour for an accuracy difference in [-1, 1]: blue better, red worse. */
export function deltaColor(delta: number | null | undefined, alpha = 230): RGBA {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return NO_DATA_COLOR;
  return fromLut(DELTA_LUT, 0.5 + Math.max(-1, Math.min(1, delta)) / 2, alpha);
}

export function cssColor([r, g, b, a]: RGBA): string {
  return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
}
