"use client";
// The prediction explorer: filters, a virtualised list and a map kept in sync; every piece of
// state (filters, selection, map view) lives in the URL. The map shows every prediction the
// filters match as a point (packed columns, up to DEFAULT_MAP_POINTS) and the rows loaded in the
// list as arcs; a click on any point selects it, whether or not the list has reached it.
import type { Layer } from "@deck.gl/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useEffect, useMemo, useRef } from "react";
import { cssColor, errorColor } from "@/lib/colors";
import { DEFAULT_HIT_LEVEL, type ExplorerState, explorerFilter, LEVELS, ORDERS } from "@/lib/explorer-state";
import { formatKm, formatPercent } from "@/lib/format";
import { columnsOf } from "@/lib/prediction-columns";
import { DEFAULT_MAP_POINTS, usePredictionColumns } from "@/lib/use-prediction-columns";
import { ExperimentPicker } from "../experiments/experiment-picker";
import { errorArcLayer, truePointLayer } from "../map/error-layers";
import { ErrorLegend } from "../map/legends";
import { predictionPairLayers } from "../map/prediction-pair-layers";
import { Empty, ErrorState } from "../states";
import { useExplorerMapView } from "./use-explorer-map-view";
import { useExplorerState } from "./use-explorer-state";
import { usePredictionPages, useSelectedPrediction } from "./use-prediction-pages";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const ROW_HEIGHT = 46;

export function ExplorerView() {
  const [state, setState] = useExplorerState();

  const filter = useMemo(() => explorerFilter(state), [state]);
  const pages = usePredictionPages(filter, state.order);
  const columns = useMemo(
    () =>
      columnsOf(
        pages.items.map((p) => ({
          id: p.id,
          trueLat: p.trueChain.lat,
          trueLon: p.trueChain.lon,
          predLat: p.predictedChain.lat,
          predLon: p.predictedChain.lon,
          errorKm: p.errorKm,
        })),
      ),
    [pages.items],
  );
  const points = usePredictionColumns(filter, DEFAULT_MAP_POINTS);
  const { selected, error: selectedError } = useSelectedPrediction(state.selected, pages.items);
  const { view, setView, onViewStateChange } = useExplorerMapView(state, setState);

  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: pages.items.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastVisible = virtualItems.at(-1)?.index ?? 0;
  useEffect(() => {
    if (pages.hasMore && !pages.loading && lastVisible >= pages.items.length - 20) pages.loadMore();
  }, [lastVisible, pages]);

  const select = (index: number, fly: boolean) => {
    const p = pages.items[index];
    if (!p) return;
    const nextView = fly
      ? { longitude: p.trueChain.lon, latitude: p.trueChain.lat, zoom: Math.max(view.zoom, 3) }
      : view;
    setView(nextView);
    setState({ selected: p.id, view: nextView });
  };

  // Select a prediction picked on the map by its index in the packed columns.
  const selectPoint = (index: number) => {
    const id = points.columns.ids[index];
    if (id === undefined) return;
    setState({ selected: String(id), view });
    const row = pages.items.findIndex((p) => p.id === String(id));
    if (row >= 0) virtualizer.scrollToIndex(row, { align: "center" });
  };

  const layers = useMemo(() => {
    const out: Layer[] = [
      truePointLayer(points.columns, { id: "explorer-points", pickable: true, radiusPixels: 2.5 }),
      errorArcLayer(columns, { id: "explorer-arcs" }),
    ];
    if (selected) {
      out.push(
        ...predictionPairLayers(
          [selected.trueChain.lon, selected.trueChain.lat],
          [selected.predictedChain.lon, selected.predictedChain.lat],
        ),
      );
    }
    return out;
  }, [points.columns, columns, selected]);

  const numberInput = (key: "minKm" | "maxKm", label: string) => (
    <label>
      {label}
      <input
        type="number"
        min={0}
        defaultValue={state[key] ?? ""}
        key={`${key}-${state[key]}`}
        data-testid={`filter-${key}`}
        style={{ width: 100 }}
        onBlur={(e) => setState({ [key]: e.target.value === "" ? null : Number(e.target.value) })}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );
  const textInput = (key: "country" | "predictedCountry", label: string) => (
    <label>
      {label}
      <input
        defaultValue={state[key] ?? ""}
        key={`${key}-${state[key]}`}
        placeholder="ISO2, e.g. PT"
        maxLength={2}
        size={6}
        data-testid={`filter-${key}`}
        onBlur={(e) => setState({ [key]: e.target.value.trim() ? e.target.value.trim().toUpperCase() : null })}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );

  return (
    <div>
      <h1>Prediction explorer</h1>
      <div className="toolbar">
        <ExperimentPicker value={state.experiment} onChange={(id) => setState({ experiment: id, selected: null })} />
        {textInput("country", "True country")}
        {textInput("predictedCountry", "Predicted country")}
        {numberInput("minKm", "Min error km")}
        {numberInput("maxKm", "Max error km")}
        <label>
          Level
          <select
            value={state.level ?? DEFAULT_HIT_LEVEL}
            onChange={(e) => setState({ level: e.target.value as ExplorerState["level"] })}
            data-testid="filter-level"
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Hit / miss
          <select
            value={state.hit === null ? "" : String(state.hit)}
            onChange={(e) => setState({ hit: e.target.value === "" ? null : e.target.value === "true" })}
            data-testid="filter-hit"
          >
            <option value="">any</option>
            <option value="true">hit</option>
            <option value="false">miss</option>
          </select>
        </label>
        <label>
          Order
          <select value={state.order} onChange={(e) => setState({ order: e.target.value as ExplorerState["order"] })}>
            {ORDERS.map((o) => (
              <option key={o} value={o}>
                {o === "ERROR_DESC" ? "worst first" : o === "ERROR_ASC" ? "best first" : "id"}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!state.experiment && <Empty>Choose an experiment to explore its predictions.</Empty>}
      {pages.error && <ErrorState error={pages.error} what="predictions" />}
      {points.error && <ErrorState error={points.error} what="the map's predictions" />}
      {selectedError && <ErrorState error={selectedError} what="the selected prediction" />}
      <div className="split">
        <div>
          <div className="muted" data-testid="explorer-count" style={{ marginBottom: 6 }}>
            {pages.total !== null
              ? `${pages.total.toLocaleString("en-US")} predictions match · ${pages.items.length.toLocaleString("en-US")} in the list`
              : pages.loading
                ? "loading…"
                : ""}
            {pages.total !== null && (
              <span data-testid="explorer-map-count">
                {" · "}
                {points.columns.length.toLocaleString("en-US")} on the map
                {points.loading ? " (loading…)" : ""}
                {!points.loading && points.total !== null && points.total > points.columns.length
                  ? ` (the first ${points.columns.length.toLocaleString("en-US")} by id)`
                  : ""}
              </span>
            )}
          </div>
          <div className="list" ref={listRef} data-testid="explorer-list">
            {state.experiment && !pages.loading && pages.items.length === 0 && !pages.error && (
              <div className="state" style={{ margin: 10 }}>
                No prediction matches these filters.
              </div>
            )}
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {virtualItems.map((v) => {
                const p = pages.items[v.index]!;
                return (
                  <button
                    type="button"
                    key={p.id}
                    className={`list-row${p.id === state.selected ? " selected" : ""}`}
                    style={{ top: v.start, height: ROW_HEIGHT }}
                    onClick={() => select(v.index, true)}
                    data-testid="explorer-row"
                    data-prediction-id={p.id}
                  >
                    <span
                      title={`${p.trueChain.country?.name ?? "open water"} → ${p.predictedChain.country?.name ?? "?"}`}
                    >
                      {p.trueChain.country?.name ?? "open water"} → {p.predictedChain.country?.name ?? "?"}
                      <br />
                      <span className="muted" style={{ fontSize: 12 }}>
                        {p.hits.country ? "✓" : "✗"} country · {p.hits.admin1 ? "✓" : "✗"} admin1 ·{" "}
                        {p.hits.city ? "✓" : "✗"} city
                      </span>
                    </span>
                    <span
                      style={{ color: cssColor(errorColor(p.errorKm)) }}
                      data-testid="row-error"
                      data-error-km={p.errorKm}
                    >
                      {formatKm(p.errorKm)}
                    </span>
                  </button>
                );
              })}
            </div>
          </div>
        </div>
        <div>
          <div className="row" style={{ justifyContent: "space-between", marginBottom: 6 }}>
            <ErrorLegend />
            {selected && (
              <span data-testid="selected-summary">
                {selected.trueChain.country?.name ?? "open water"} → {selected.predictedChain.country?.name ?? "?"} (
                {formatPercent(selected.predictedChain.country?.probability)}) · {formatKm(selected.errorKm)} ·{" "}
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
              if (info.layer?.id !== "explorer-points" || info.index < 0) return null;
              const id = String(points.columns.ids[info.index]);
              const row = pages.items.find((p) => p.id === id);
              const km = formatKm(points.columns.errorKm[info.index]);
              return row ? `${row.trueChain.country?.name ?? "open water"}: ${km}` : `${km} · click to select`;
            }}
            onClick={(info) => {
              if (info.layer?.id === "explorer-points" && info.index >= 0) selectPoint(info.index);
            }}
          />
        </div>
      </div>
    </div>
  );
}
