// What a map bin says and where it leads: its tooltip, and the explorer listing exactly its
// predictions (the bin's Float32 bounds as the filter's bounds, readable answers only, as the
// bin counts them), with the explorer's map framed on it.
import { DEFAULT_EXPLORER_STATE, serializeExplorerState } from "@/lib/explorer-state";
import { formatKm, formatPercent } from "@/lib/format";
import type { MapBinColumns } from "@/lib/use-map-view";

const count = new Intl.NumberFormat("en-US");

export function binBounds(bins: MapBinColumns, i: number) {
  const [west, south, east, north] = bins.bounds.subarray(i * 4, i * 4 + 4) as unknown as number[];
  return { west: west!, south: south!, east: east!, north: north! };
}

export function binTooltip(bins: MapBinColumns, i: number, thresholdKm: number): string {
  const n = bins.counts[i]!;
  return [
    `${count.format(n)} prediction${n === 1 ? "" : "s"}`,
    `mean error ${formatKm(10 ** bins.meanLogErrorKm[i]!)} (geometric)`,
    `${formatPercent(bins.accuracy[i]!)} within ${thresholdKm} km`,
    "click to list them",
  ].join("\n");
}

/** The explorer's URL for bin i: its predictions, worst first, the map on the bin. */
export function binExplorerLink(experimentId: string, bins: MapBinColumns, i: number): string {
  const bounds = binBounds(bins, i);
  const query = serializeExplorerState({
    ...DEFAULT_EXPLORER_STATE,
    experiment: experimentId,
    bounds,
    parsed: true,
  });
  return `/explorer?${query}`;
}
