"use client";
// The explorer's map: what the filters match in the view, by the maps' one detail rule
// (lib/use-map-view.ts) — points, or bins when the view holds more than the budget — the rows
// loaded in the list as arcs, and the selected prediction's pair on top. A click on a point
// selects it, whether or not the list has reached it; a click on a bin narrows the list to it.
// Above it, the legend and the selection.
import type { Layer } from "@deck.gl/core";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo, useRef } from "react";
import type { AreaBounds } from "@/lib/explorer-state";
import { formatKm, formatPercent } from "@/lib/format";
import { predictedCountryName } from "@/lib/prediction-chains";
import { columnsOf } from "@/lib/prediction-columns";
import type { MapViewData } from "@/lib/use-map-view";
import { binBounds, binTooltip } from "../error-map/bin-links";
import { binLayer, errorArcLayer, truePointLayer } from "../map/error-layers";
import type { MapViewport, MapViewState } from "../map/geo-map";
import { BinLegend, ErrorLegend } from "../map/legends";
import { predictionPairLayers } from "../map/prediction-pair-layers";
import type { ExplorerItem } from "./use-prediction-pages";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const POINTS_LAYER = "explorer-points";
const BINS_LAYER = "explorer-bins";
/** The bins' accuracy threshold here (the explorer has no threshold selector). */
const BIN_THRESHOLD_KM = 750;

export function ExplorerMap({
  map,
  items,
  selected,
  view,
  onViewStateChange,
  onViewportChange,
  onSelectPoint,
  onSelectBin,
}: {
  /** What the filters match in the view: points or bins. */
  map: MapViewData | null;
  /** The rows loaded in the list. */
  items: readonly ExplorerItem[];
  selected: ExplorerItem | undefined;
  view: MapViewState;
  onViewStateChange: (view: MapViewState) => void;
  onViewportChange: (viewport: MapViewport) => void;
  /** A point was clicked: the prediction's id. */
  onSelectPoint: (id: string) => void;
  /** A bin was clicked: its area, and the map's size to frame it in. */
  onSelectBin: (bounds: AreaBounds, mapSize: { width: number; height: number }) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const points = map?.points ?? null;
  const bins = map?.bins ?? null;
  const arcs = useMemo(
    () =>
      columnsOf(
        // An unreadable answer has no predicted point, so no arc.
        items.flatMap((p) =>
          p.predictedChain.lat === null || p.predictedChain.lon === null
            ? []
            : [
                {
                  id: p.id,
                  trueLat: p.trueChain.lat,
                  trueLon: p.trueChain.lon,
                  predLat: p.predictedChain.lat,
                  predLon: p.predictedChain.lon,
                  errorKm: p.errorKm,
                },
              ],
        ),
      ),
    [items],
  );

  const layers = useMemo(() => {
    const out: Layer[] = [];
    if (bins) out.push(binLayer(bins, "error", { id: BINS_LAYER }));
    if (points) out.push(truePointLayer(points, { id: POINTS_LAYER, pickable: true, radiusPixels: 2.5 }));
    out.push(errorArcLayer(arcs, { id: "explorer-arcs" }));
    if (selected) out.push(...predictionPairLayers(selected.trueChain, selected.predictedChain));
    return out;
  }, [points, bins, arcs, selected]);

  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", marginBottom: 6 }}>
        {map?.mode === "BINS" ? <BinLegend colourBy="error" thresholdKm={BIN_THRESHOLD_KM} /> : <ErrorLegend />}
        {selected && (
          <span data-testid="selected-summary">
            {selected.trueChain.country?.name ?? "open water"} → {predictedCountryName(selected)}
            {selected.predictedChain.country?.probability != null
              ? ` (${formatPercent(selected.predictedChain.country.probability)})`
              : ""}{" "}
            · {formatKm(selected.errorKm)} ·{" "}
            <Link href={`/predictions/${encodeURIComponent(selected.id)}`}>open prediction</Link>
          </span>
        )}
      </div>
      <div ref={box}>
        <GeoMap
          layers={layers}
          viewState={view}
          onViewStateChange={onViewStateChange}
          onViewportChange={onViewportChange}
          height={520}
          label="explorer map"
          getTooltip={(info) => {
            if (info.index < 0) return null;
            if (info.layer?.id === BINS_LAYER && bins) return binTooltip(bins, info.index, BIN_THRESHOLD_KM);
            if (info.layer?.id !== POINTS_LAYER || !points) return null;
            const id = String(points.ids[info.index]);
            const row = items.find((p) => p.id === id);
            const km = formatKm(points.errorKm[info.index]);
            return row ? `${row.trueChain.country?.name ?? "open water"}: ${km}` : `${km} · click to select`;
          }}
          onClick={(info) => {
            if (info.index < 0) return;
            if (info.layer?.id === BINS_LAYER && bins) {
              const el = box.current;
              onSelectBin(binBounds(bins, info.index), { width: el?.clientWidth ?? 640, height: 520 });
              return;
            }
            if (info.layer?.id !== POINTS_LAYER || !points) return;
            const id = points.ids[info.index];
            if (id !== undefined) onSelectPoint(String(id));
          }}
        />
      </div>
    </>
  );
}
