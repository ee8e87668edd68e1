"use client";
// The prediction explorer: filters, a virtualised list and a map kept in sync; every piece of
// state (filters, selection, map view) lives in the URL. This component wires the pieces:
// the URL state and the map view (use-explorer-state, use-explorer-map-view), the data
// (use-prediction-pages, use-map-view), and the toolbar, count, list, map and the
// selected prediction's panel.
import { useMemo, useRef, useState } from "react";
import { type AreaBounds, explorerFilter } from "@/lib/explorer-state";
import { fitView } from "@/lib/fit-view";
import { useMappableTotal, useMapView } from "@/lib/use-map-view";
import type { MapViewport } from "../map/geo-map";
import { Empty, ErrorState } from "../states";
import { ExplorerCount } from "./explorer-count";
import { ExplorerFilters } from "./explorer-filters";
import { ExplorerList, type ExplorerListHandle } from "./explorer-list";
import { ExplorerMap } from "./explorer-map";
import { ExplorerSelection } from "./explorer-selection";
import { useExplorerMapView } from "./use-explorer-map-view";
import { useExplorerState } from "./use-explorer-state";
import { type ExplorerItem, usePredictionPages, useSelectedPrediction } from "./use-prediction-pages";

export function ExplorerView() {
  const [state, setState] = useExplorerState();
  const filter = useMemo(() => explorerFilter(state), [state]);
  const pages = usePredictionPages(filter, state.order);
  const [viewport, setViewport] = useState<MapViewport | null>(null);
  const map = useMapView(filter, viewport, 750);
  const mappable = useMappableTotal(filter);
  const selection = useSelectedPrediction(state.selected, pages.items);
  const { view, setView, onViewStateChange } = useExplorerMapView(state, setState);
  const list = useRef<ExplorerListHandle>(null);

  // A row picked in the list: select it and fly the map to its true location.
  const selectRow = (p: ExplorerItem) => {
    const nextView = { longitude: p.trueChain.lon, latitude: p.trueChain.lat, zoom: Math.max(view.zoom, 3) };
    setView(nextView);
    setState({ selected: p.id, view: nextView });
  };
  // A point picked on the map: select it where the map is, and bring its row into the list's view.
  const selectPoint = (id: string) => {
    setState({ selected: id, view });
    list.current?.scrollToPrediction(id);
  };

  // A bin picked on the map: list its predictions (the filter takes its area) and frame it.
  const selectBin = (bounds: AreaBounds, mapSize: { width: number; height: number }) => {
    const nextView = fitView(bounds, mapSize.width, mapSize.height);
    setView(nextView);
    setState({ bounds, parsed: true, selected: null, view: nextView });
  };

  return (
    <div>
      <h1>Prediction explorer</h1>
      <ExplorerFilters state={state} setState={setState} />
      {!state.experiment && <Empty>Choose an experiment to explore its predictions.</Empty>}
      {pages.error && <ErrorState error={pages.error} what="predictions" />}
      {map.error && <ErrorState error={map.error} what="the map's predictions" />}
      {selection.error && <ErrorState error={selection.error} what="the selected prediction" />}
      <div className="split">
        <div>
          <ExplorerCount pages={pages} mappable={mappable} map={map} />
          <ExplorerList
            ref={list}
            pages={pages}
            showNoMatch={Boolean(state.experiment)}
            selectedId={state.selected}
            onSelect={selectRow}
          />
        </div>
        <div>
          <ExplorerMap
            map={map.data}
            items={pages.items}
            selected={selection.selected}
            view={view}
            onViewStateChange={onViewStateChange}
            onViewportChange={setViewport}
            onSelectPoint={selectPoint}
            onSelectBin={selectBin}
          />
          <ExplorerSelection detail={selection.detail} />
        </div>
      </div>
    </div>
  );
}
