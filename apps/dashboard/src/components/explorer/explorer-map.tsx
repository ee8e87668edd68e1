"use client";
// The explorer's map: every prediction the filters match as a point (packed columns), the rows
// loaded in the list as arcs, and the selected prediction's pair on top; a click on a point
// selects it, whether or not the list has reached it. Above it, the legend and the selection.
import type { Layer } from "@deck.gl/core";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo } from "react";
import { formatKm, formatPercent } from "@/lib/format";
import { predictedCountryName } from "@/lib/prediction-chains";
import { columnsOf, type PredictionColumns } from "@/lib/prediction-columns";
import { errorArcLayer, truePointLayer } from "../map/error-layers";
import type { MapViewState } from "../map/geo-map";
import { ErrorLegend } from "../map/legends";
import { predictionPairLayers } from "../map/prediction-pair-layers";
import type { ExplorerItem } from "./use-prediction-pages";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const POINTS_LAYER = "explorer-points";

export function ExplorerMap({
  points,
  items,
  selected,
  view,
  onViewStateChange,
  onSelectPoint,
}: {
  /** Every prediction the filters match, up to the map's budget. */
  points: PredictionColumns;
  /** The rows loaded in the list. */
  items: readonly ExplorerItem[];
  selected: ExplorerItem | undefined;
  view: MapViewState;
  onViewStateChange: (view: MapViewState) => void;
  /** A point was clicked: the prediction's id. */
  onSelectPoint: (id: string) => void;
}) {
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
    const out: Layer[] = [
      truePointLayer(points, { id: POINTS_LAYER, pickable: true, radiusPixels: 2.5 }),
      errorArcLayer(arcs, { id: "explorer-arcs" }),
    ];
    if (selected) out.push(...predictionPairLayers(selected.trueChain, selected.predictedChain));
    return out;
  }, [points, arcs, selected]);

  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", marginBottom: 6 }}>
        <ErrorLegend />
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
      <GeoMap
        layers={layers}
        viewState={view}
        onViewStateChange={onViewStateChange}
        height={520}
        label="explorer map"
        getTooltip={(info) => {
          if (info.layer?.id !== POINTS_LAYER || info.index < 0) return null;
          const id = String(points.ids[info.index]);
          const row = items.find((p) => p.id === id);
          const km = formatKm(points.errorKm[info.index]);
          return row ? `${row.trueChain.country?.name ?? "open water"}: ${km}` : `${km} · click to select`;
        }}
        onClick={(info) => {
          if (info.layer?.id !== POINTS_LAYER || info.index < 0) return;
          const id = points.ids[info.index];
          if (id !== undefined) onSelectPoint(String(id));
        }}
      />
    </>
  );
}
