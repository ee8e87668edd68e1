/** GPS from a photo's EXIF, for importing a folder of photos. */
import exifr from "exifr";

/**
 * The EXIF GPS position of `file` (exifr applies the N/S/E/W refs), or why there is none.
 * exifr reads only the metadata segments, so a folder is scanned far faster than decoded.
 */
export async function readExifGps(file: string): Promise<{ lat: number; lon: number } | { reason: string }> {
  let gps: { latitude?: number; longitude?: number } | undefined;
  try {
    gps = await exifr.gps(file);
  } catch (err) {
    return { reason: `unreadable or truncated image: ${(err as Error).message}` };
  }
  if (gps?.latitude === undefined || gps.longitude === undefined) return { reason: "no EXIF GPS" };
  return { lat: gps.latitude, lon: gps.longitude };
}
