/** Image types by their magic bytes: the formats sharp decodes that clients send. */
export type ImageType = "jpeg" | "png" | "webp" | "gif" | "tiff" | "avif";

export function sniffImageType(b: Uint8Array): ImageType | null {
  const at = (off: number, ...bytes: number[]) =>
    b.length >= off + bytes.length && bytes.every((x, i) => b[off + i] === x);
  const ascii = (off: number, s: string) => at(off, ...Array.from(s, (c) => c.charCodeAt(0)));
  if (at(0, 0xff, 0xd8, 0xff)) return "jpeg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "webp";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "gif";
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  if (ascii(4, "ftypavif") || ascii(4, "ftypavis")) return "avif";
  return null;
}
