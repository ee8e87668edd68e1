// Runs once when the dashboard's server starts: renders the basemap raster then, so the first
// page that shows a map does not wait for it (a second or two on a busy machine).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { countryRaster } = await import("./lib/country-raster-asset");
  countryRaster().catch((error: Error) => console.error("basemap raster:", error.message));
}
