"use client";
// The prediction explorer: filters, a virtualised list and a map kept in sync; every piece of
// state (filters, selection, map view) lives in the URL. This component wires the pieces:
// the URL state and the map view (use-explorer-state, use-explorer-map-view), the data
// (use-prediction-pages, use-prediction-columns), and the toolbar, count, list, map and the
// selected prediction's panel.
import { useMemo, useRef } from "react";
import { explorerFilter } from "@/lib/explorer-state";
import { DEFAULT_MAP_POINTS, usePredictionColumns } from "@/lib/use-prediction-columns";
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
  const points = usePredictionColumns(filter, DEFAULT_MAP_POINTS);
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

  return (
    <div>
      <h1>Prediction explorer</h1>
      <ExplorerFilters state={state} setState={setState} />
      {!state.experiment && <Empty>Choose an experiment to explore its predictions.</Empty>}
      {pages.error && <ErrorState error={pages.error} what="predictions" />}
      {points.error && <ErrorState error={points.error} what="the map's predictions" />}
      {selection.error && <ErrorState error={selection.error} what="the selected prediction" />}
      <div className="split">
        <div>
          <ExplorerCount pages={pages} points={points} />
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
            points={points.columns}
            items={pages.items}
            selected={selection.selected}
            view={view}
            onViewStateChange={onViewStateChange}
            onSelectPoint={selectPoint}
          />
          <ExplorerSelection detail={selection.detail} />
        </div>
      </div>
    </div>
  );
}
