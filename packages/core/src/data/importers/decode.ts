/**
 * The image pipeline: decode, apply the EXIF orientation, centre-crop to a square and resize,
 * 8-bit RGB. Plus a small bounded-concurrency map for running it over many files.
 */
import path from "node:path";
import sharp from "sharp";

export const IMPORT_CHANNELS = ["r", "g", "b"] as const;

/** Extensions the exif importer lists. HEIC only when this sharp build can decode it. */
export function imageExtensions(): string[] {
  const exts = [".jpg", ".jpeg", ".png"];
  // Prebuilt sharp ships libheif with AV1 only (.avif), so iPhone HEIC (HEVC) usually cannot
  // be decoded; such files are reported as skipped rather than as bad rows.
  if (heicSupported()) exts.push(".heic");
  return exts;
}

/** Whether this sharp build lists .heic among the files it can decode. */
export function heicSupported(): boolean {
  const heif = sharp.format.heif?.input as { file?: boolean; fileSuffix?: string[] } | undefined;
  return Boolean(heif?.file && heif.fileSuffix?.includes(".heic"));
}

/**
 * Decodes `file` into size × size × 3 uint8 RGB (row-major, interleaved): EXIF-rotated first,
 * then resized to cover the square and centre-cropped. Throws on an unreadable or truncated
 * file: failOn "truncated" rejects a cut-off JPEG, which sharp's default would half-decode
 * with grey rows, yet still accepts the harmless warnings many Flickr JPEGs carry.
 */
export async function decodeImage(file: string, size: number): Promise<Buffer> {
  // libvips keeps its error text in a buffer that concurrent decodes share: a failure can come
  // back as "Unknown error" (the text was cleared) or with another file's text (it names that
  // file); another attempt recovers the real reason (a single retry still lost it about once in
  // ten test runs, so try a few times).
  for (let attempt = 1; ; attempt++) {
    try {
      return await decodeOnce(file, size);
    } catch (err) {
      if (!errorTextLost(shortError(err), file) || attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}

/** The error text is not this decode's own: cleared, or naming another file. */
function errorTextLost(message: string, file: string): boolean {
  if (message === "Unknown error") return true;
  const named = /"([^"]+)"/.exec(message)?.[1];
  return named !== undefined && path.isAbsolute(named) && path.resolve(named) !== path.resolve(file);
}

async function decodeOnce(file: string, size: number): Promise<Buffer> {
  const { data, info } = await sharp(file, { failOn: "truncated" })
    .rotate()
    .resize(size, size, { fit: "cover", position: "centre" })
    // Transparent PNG pixels become white, as an image viewer shows them, not undefined colour.
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3 || data.length !== size * size * 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×3`);
  }
  return data;
}

/** First line of a sharp/libvips message (libvips repeats its warnings over many lines). */
export function shortError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0].trim();
}

/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight; results keep input order.
 * `onDone(done, total)` follows each completion. A throwing `fn` rejects the whole map, so
 * callers turn per-item failures into values.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  onDone?: (done: number, total: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
      onDone?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
