// Number formats used across pages. (The accuracy thresholds are @geor/geo/constants'.)

export function formatKm(km: number | null | undefined): string {
  if (km === null || km === undefined || !Number.isFinite(km)) return "–";
  if (km < 1) return `${km.toFixed(km < 0.1 ? 2 : 1)} km`;
  if (km < 10) return `${km.toFixed(1)} km`;
  if (km < 10000) return `${Math.round(km).toLocaleString("en-US")} km`;
  return `${(km / 1000).toFixed(0)}k km`;
}

/** A difference of distances with its sign: "+120 km", "-1,343 km". */
export function formatKmDelta(km: number | null | undefined): string {
  if (km === null || km === undefined || !Number.isFinite(km)) return "–";
  return `${km < 0 ? "-" : "+"}${formatKm(Math.abs(km))}`;
}

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return `${(x * 100).toFixed(digits)}%`;
}

export function formatDelta(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const pp = x * 100;
  return `${pp > 0 ? "+" : ""}${pp.toFixed(digits)} pp`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace("T", " ").slice(0, 16);
}
