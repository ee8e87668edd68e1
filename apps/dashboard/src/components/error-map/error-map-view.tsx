"use client";
import type { PickingInfo } from "@deck.gl/core";
// The error map: the view's predictions — one by one (points, or arcs true→predicted) when the
// view holds at most the map's budget, else counted in grid bins coloured by mean error or
// accuracy (lib/use-map-view.ts) — over a country choropleth of accuracy, the log-error histogram
// with the thresholds, and a hover card per country. A click on a bin lists its predictions in
// the explorer. Unreadable answers (external runs) count in the accuracies and the histogram as
// misses but have no point: the count line says how many.
import { THRESHOLDS_KM } from "@geor/geo/constants";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useRef, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { accuracyColor, NO_DATA_COLOR } from "@/lib/colors";
import type { CountryProperties } from "@/lib/countries";
import { type CountryStat, countryStats, type Measure, measureLabel, parseMeasure } from "@/lib/country-measure";
import { formatView, parseExplorerState } from "@/lib/explorer-state";
import { formatKm, formatPercent } from "@/lib/format";
import { mapViewSummary, useMapView } from "@/lib/use-map-view";
import { useUrlParams } from "@/lib/use-url-params";
import { LogErrorHistogram } from "../charts/log-error-histogram";
import { ExperimentPicker } from "../experiments/experiment-picker";
import { BIN_COLOURS, type BinColour, binLayer, errorArcLayer, truePointLayer } from "../map/error-layers";
import type { MapViewport } from "../map/geo-map";
import { AccuracyLegend, BinLegend, ErrorLegend } from "../map/legends";
import { Empty, ErrorState } from "../states";
import { binExplorerLink, binTooltip } from "./bin-links";
import { MeasureSelector } from "./measure-selector";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const ErrorMapQuery = graphql(`
  query ErrorMap($filter: PredictionFilter!, $hitFilter: PredictionFilter!, $withHits: Boolean!) {
    countryBreakdown(filter: $filter) {
      iso2
      name
      n
      medianKm
      thresholds {
        km
        accuracy
      }
    }
    levelHits: countryBreakdown(filter: $hitFilter) @include(if: $withHits) {
      iso2
      name
      n
      medianKm
      thresholds {
        km
        accuracy
      }
    }
    accuracyAtThresholds(filter: $filter) {
      n
      unparsed
    }
    errorHistogram(filter: $filter, binsPerDecade: 4) {
      loKm
      hiKm
      count
    }
  }
`);

const LAYERS = ["points", "arcs"] as const;
type LayerKind = (typeof LAYERS)[number];
const BIN_LAYER = "map-bins";
const POINT_LAYER = "true-points";

export function ErrorMapView() {
  const [params, setParams] = useUrlParams();
  const experiment = params.get("experiment");
  // One object per measure, so what depends on it is not recomputed on every render.
  const measureKey = `${params.get("level")}|${params.get("threshold")}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the measure is read from the URL, keyed by measureKey
  const measure = useMemo(() => parseMeasure(params), [measureKey]);
  const layerKind = (LAYERS as readonly string[]).includes(params.get("layer") ?? "")
    ? (params.get("layer") as LayerKind)
    : "points";
  const binColour: BinColour = params.get("bins") === "accuracy" ? "accuracy" : "error";
  // Bins count accuracy at a distance: the chosen threshold, or 750 km when the choropleth shows a level.
  const binThresholdKm = measure.kind === "km" ? measure.km : 750;
  const blueMarble = params.get("basemap") === "bluemarble";
  const [hovered, setHovered] = useState<CountryProperties | null>(null);
  const [viewport, setViewport] = useState<MapViewport | null>(null);
  // ?view=lon,lat,zoom opens the map there (as the explorer's links do).
  const viewParam = params.get("view") ?? "";
  const initialView = useMemo(
    () => parseExplorerState(new URLSearchParams({ view: viewParam })).view ?? undefined,
    [viewParam],
  );
  const router = useRouter();
  // The view the map rests on goes back into ?view=, so a copied link opens the map there. The
  // first report is the view the page opened with; an unchanged view writes nothing.
  const latest = useRef({ viewParam, setParams });
  latest.current = { viewParam, setParams };
  const openedView = useRef(true);
  const onViewportChange = useCallback((v: MapViewport) => {
    setViewport(v);
    if (openedView.current) {
      openedView.current = false;
      return;
    }
    const view = formatView(v.view);
    if (view !== latest.current.viewParam) latest.current.setParams({ view });
  }, []);

  const filter = useMemo(() => (experiment ? { experimentId: experiment } : null), [experiment]);
  const [{ data, fetching, error }] = useQuery({
    query: ErrorMapQuery,
    variables: {
      filter: filter ?? { experimentId: "" },
      hitFilter: {
        experimentId: experiment ?? "",
        level: measure.kind === "level" ? measure.level : "COUNTRY",
        hit: true,
      },
      withHits: measure.kind === "level",
    },
    pause: !filter,
  });
  const map = useMapView(filter, viewport, binThresholdKm);
  const shown = map.data;

  const stats = useMemo(
    () => countryStats(data?.countryBreakdown ?? [], measure, measure.kind === "level" ? data?.levelHits : undefined),
    [data, measure],
  );
  const fillKey = `${measureLabel(measure)}|${data ? "data" : "none"}|${stats.size}`;
  const countryFill = useCallback(
    (iso2: string | null) => {
      const s = iso2 ? stats.get(iso2) : undefined;
      return s ? accuracyColor(s.value) : NO_DATA_COLOR;
    },
    [stats],
  );

  const layers = useMemo(() => {
    if (shown?.bins) return [binLayer(shown.bins, binColour, { id: BIN_LAYER })];
    if (!shown?.points || shown.points.length === 0) return [];
    if (layerKind === "points") return [truePointLayer(shown.points, { id: POINT_LAYER, pickable: true })];
    return [errorArcLayer(shown.points)];
  }, [shown, layerKind, binColour]);

  const onMapClick = (info: PickingInfo) => {
    if (!experiment || info.index < 0) return;
    if (info.layer?.id === BIN_LAYER && shown?.bins) router.push(binExplorerLink(experiment, shown.bins, info.index));
    else if (info.layer?.id === POINT_LAYER && shown?.points)
      router.push(`/predictions/${encodeURIComponent(String(shown.points.ids[info.index]))}`);
  };
  const tooltip = (info: PickingInfo) => {
    if (info.index < 0) return null;
    if (info.layer?.id === BIN_LAYER && shown?.bins) return binTooltip(shown.bins, info.index, binThresholdKm);
    if (info.layer?.id === POINT_LAYER && shown?.points)
      return `${formatKm(shown.points.errorKm[info.index])} · click to open the prediction`;
    return null;
  };

  const setMeasure = (m: Measure) =>
    setParams(m.kind === "km" ? { threshold: String(m.km), level: null } : { level: m.level, threshold: null });
  const unparsed = data?.accuracyAtThresholds.unparsed ?? 0;
  const mappable = data ? data.accuracyAtThresholds.n - unparsed : null;
  const hoveredStat: CountryStat | undefined = hovered?.iso2 ? stats.get(hovered.iso2) : undefined;

  return (
    <div>
      <h1>Error map</h1>
      <div className="toolbar">
        <ExperimentPicker value={experiment} onChange={(id) => setParams({ experiment: id })} />
        <MeasureSelector measure={measure} onChange={setMeasure} />
        <div className="field">
          <span>Bins by</span>
          <span className="segmented" data-testid="bin-colour-selector">
            {BIN_COLOURS.map((c) => (
              <button
                key={c}
                type="button"
                aria-pressed={binColour === c}
                onClick={() => setParams({ bins: c === "error" ? null : c })}
              >
                {c === "error" ? "mean error" : "accuracy"}
              </button>
            ))}
          </span>
        </div>
        <div className="field">
          <span>Points as</span>
          <span className="segmented" data-testid="layer-selector">
            {LAYERS.map((l) => (
              <button key={l} type="button" aria-pressed={layerKind === l} onClick={() => setParams({ layer: l })}>
                {l}
              </button>
            ))}
          </span>
        </div>
        <label>
          Basemap
          <select
            value={blueMarble ? "bluemarble" : "outlines"}
            onChange={(e) => setParams({ basemap: e.target.value === "bluemarble" ? "bluemarble" : null })}
          >
            <option value="outlines">outlines</option>
            <option value="bluemarble">Blue Marble</option>
          </select>
        </label>
      </div>
      {!experiment && <Empty>Choose an experiment to map its prediction errors.</Empty>}
      {error && <ErrorState error={error} what="the error aggregates" />}
      {map.error && <ErrorState error={map.error} what="the map's predictions" />}
      {experiment && !fetching && data && data.countryBreakdown.length === 0 && (
        <Empty>This experiment has no predictions yet (it is evaluated at the end of its run).</Empty>
      )}
      <div className="row" style={{ justifyContent: "space-between", margin: "6px 0" }}>
        <div className="row">
          <AccuracyLegend label={`countries: ${measureLabel(measure)}`} />
          {shown?.mode === "BINS" ? (
            <BinLegend colourBy={binColour} thresholdKm={binThresholdKm} />
          ) : (
            <ErrorLegend label={`${layerKind}: error (log scale)`} />
          )}
        </div>
        <span className="muted" data-testid="map-count" data-mode={shown?.mode ?? ""} data-loading={map.loading}>
          {shown
            ? `${mapViewSummary(shown, mappable)}${shown.mode === "BINS" ? " · click a bin to list them" : ""}${map.loading ? " (loading…)" : ""}`
            : fetching || map.loading
              ? "loading…"
              : ""}
          {unparsed > 0 && (
            <span
              data-testid="points-unreadable"
              title="Answers with no readable coordinate: misses at 20,015 km in the accuracies and the histogram, with no point on the map"
            >
              {` · ${unparsed.toLocaleString("en-US")} unreadable answer${unparsed === 1 ? "" : "s"} not on the map`}
            </span>
          )}
        </span>
      </div>
      <GeoMap
        layers={layers}
        countryFill={filter ? countryFill : undefined}
        countryFillKey={fillKey}
        onCountryHover={setHovered}
        onViewportChange={onViewportChange}
        initialView={initialView}
        getTooltip={tooltip}
        onClick={onMapClick}
        blueMarble={blueMarble}
        height={540}
        label="error map"
      />
      <div className="grid-2" style={{ marginTop: 12 }}>
        <div className="panel hover-card" data-testid="country-card">
          {hovered ? (
            <>
              <strong>{hovered.name}</strong>{" "}
              {hoveredStat ? (
                <span>
                  · n = {hoveredStat.n} · median {formatKm(hoveredStat.medianKm)} · {measureLabel(measure)}{" "}
                  {formatPercent(hoveredStat.value)}
                </span>
              ) : (
                <span className="muted">· no predictions</span>
              )}
            </>
          ) : (
            <span className="muted">Hover a country for its n, median error and accuracy.</span>
          )}
        </div>
        <div className="panel">
          <div className="muted" style={{ fontSize: 12 }}>
            {`Error histogram (log km) with the ${THRESHOLDS_KM.join(" / ")} km thresholds`}
          </div>
          <LogErrorHistogram bins={data?.errorHistogram ?? []} />
        </div>
      </div>
    </div>
  );
}
