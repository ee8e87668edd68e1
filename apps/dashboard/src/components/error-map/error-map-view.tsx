"use client";
// The error map: arcs true→predicted (or points, or error hexagons) over a country choropleth of
// accuracy, the log-error histogram with the thresholds, and a hover card per country. Unreadable
// answers (external runs) count in the accuracies and the histogram as misses but have no point:
// the status line says how many.
import { THRESHOLDS_KM } from "@geor/geo/constants";
import dynamic from "next/dynamic";
import { useCallback, useMemo, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { accuracyColor, NO_DATA_COLOR } from "@/lib/colors";
import type { CountryProperties } from "@/lib/countries";
import { type CountryStat, countryStats, type Measure, measureLabel, parseMeasure } from "@/lib/country-measure";
import { formatKm, formatPercent } from "@/lib/format";
import { DEFAULT_MAP_POINTS, usePredictionColumns } from "@/lib/use-prediction-columns";
import { useUrlParams } from "@/lib/use-url-params";
import { LogErrorHistogram } from "../charts/log-error-histogram";
import { ExperimentPicker } from "../experiments/experiment-picker";
import { errorArcLayer, errorHexagonLayer, truePointLayer } from "../map/error-layers";
import { AccuracyLegend, ErrorLegend } from "../map/legends";
import { Empty, ErrorState } from "../states";
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

const LAYERS = ["arcs", "points", "hexagons"] as const;
type LayerKind = (typeof LAYERS)[number];

export function ErrorMapView() {
  const [params, setParams] = useUrlParams();
  const experiment = params.get("experiment");
  const measure = parseMeasure(params);
  const layerKind = (LAYERS as readonly string[]).includes(params.get("layer") ?? "")
    ? (params.get("layer") as LayerKind)
    : "arcs";
  const maxPoints = Math.max(100, Math.min(1_000_000, Number(params.get("max")) || DEFAULT_MAP_POINTS));
  const blueMarble = params.get("basemap") === "bluemarble";
  const [hovered, setHovered] = useState<CountryProperties | null>(null);

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
  const points = usePredictionColumns(filter, maxPoints);

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
    if (points.columns.length === 0) return [];
    if (layerKind === "hexagons") return [errorHexagonLayer(points.columns, 250)];
    if (layerKind === "points") return [truePointLayer(points.columns)];
    return [errorArcLayer(points.columns)];
  }, [points.columns, layerKind]);

  const setMeasure = (m: Measure) =>
    setParams(m.kind === "km" ? { threshold: String(m.km), level: null } : { level: m.level, threshold: null });
  const unparsed = data?.accuracyAtThresholds.unparsed ?? 0;
  const hoveredStat: CountryStat | undefined = hovered?.iso2 ? stats.get(hovered.iso2) : undefined;

  return (
    <div>
      <h1>Error map</h1>
      <div className="toolbar">
        <ExperimentPicker value={experiment} onChange={(id) => setParams({ experiment: id })} />
        <MeasureSelector measure={measure} onChange={setMeasure} />
        <div className="field">
          <span>Layer</span>
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
      {points.error && <ErrorState error={points.error} what="predictions" />}
      {experiment && !fetching && data && data.countryBreakdown.length === 0 && (
        <Empty>This experiment has no predictions yet (it is evaluated at the end of its run).</Empty>
      )}
      <div className="row" style={{ justifyContent: "space-between", margin: "6px 0" }}>
        <div className="row">
          <AccuracyLegend label={measureLabel(measure)} />
          {layerKind !== "hexagons" ? <ErrorLegend /> : <span className="muted">hexagons: mean log error</span>}
        </div>
        <span className="muted" data-testid="points-status">
          {points.total !== null
            ? `${points.columns.length.toLocaleString("en-US")} of ${points.total.toLocaleString("en-US")} predictions on the map${points.loading ? " (loading…)" : ""}`
            : fetching || points.loading
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
