"use client";
// The one map of the dashboard: deck.gl over an offline basemap (Natural Earth outlines, and
// optionally NASA's Blue Marble image). Pages pass data layers; nothing here is per-object React.
import type { Layer, PickingInfo } from "@deck.gl/core";
import { MapView } from "@deck.gl/core";
import { BitmapLayer, GeoJsonLayer } from "@deck.gl/layers";
import DeckGL from "@deck.gl/react";
import type { FeatureCollection, Geometry } from "geojson";
import { useEffect, useMemo, useRef, useState } from "react";
import { type CountryProperties, loadCountries, outlineResolutionAt } from "@/lib/countries";

export type MapViewState = { longitude: number; latitude: number; zoom: number };
export const WORLD_VIEW: MapViewState = { longitude: 10, latitude: 20, zoom: 0.9 };

export type GeoMapProps = {
  layers?: Layer[];
  /** Colours countries (a choropleth); called with each country's ISO alpha-2 code. */
  countryFill?: (iso2: string | null) => [number, number, number, number];
  countryFillKey?: unknown;
  onCountryHover?: (country: CountryProperties | null) => void;
  getTooltip?: (info: PickingInfo) => string | null;
  onClick?: (info: PickingInfo) => void;
  /** Where an uncontrolled map starts. */
  initialView?: MapViewState;
  viewState?: MapViewState;
  onViewStateChange?: (view: MapViewState) => void;
  blueMarble?: boolean;
  height?: number | string;
  /** Called once, after the first frame with all data layers drawn. */
  onFirstFrame?: () => void;
  label?: string;
};

// World copies at low zoom, like any web map (each visible copy is one more draw of every layer).
const MAP_VIEW = new MapView({ repeat: true });

const LAND: [number, number, number, number] = [52, 60, 74, 255];
const BORDER: [number, number, number, number] = [120, 132, 150, 200];

export function GeoMap(props: GeoMapProps) {
  const [countries, setCountries] = useState<FeatureCollection<Geometry, CountryProperties> | null>(null);
  const [basemapError, setBasemapError] = useState<string | null>(null);
  const [internalView, setInternalView] = useState<MapViewState>(props.viewState ?? props.initialView ?? WORLD_VIEW);
  const firstFrameSent = useRef(false);
  const [drawn, setDrawn] = useState(false);
  const view = props.viewState ?? internalView;

  const resolution = outlineResolutionAt(view.zoom);
  useEffect(() => {
    let alive = true;
    // The outlines on screen stay until the other resolution has loaded.
    loadCountries(resolution).then(
      (fc) => alive && setCountries(fc),
      (error: Error) => alive && setBasemapError(error.message),
    );
    return () => {
      alive = false;
    };
  }, [resolution]);

  const { countryFill, countryFillKey, onCountryHover, blueMarble } = props;
  const baseLayers = useMemo(() => {
    const layers: Layer[] = [];
    if (blueMarble) {
      layers.push(
        new BitmapLayer({ id: "blue-marble", image: "/basemap/blue-marble.jpg", bounds: [-180, -90, 180, 90] }),
      );
    }
    if (countries) {
      layers.push(
        new GeoJsonLayer<CountryProperties>({
          id: "countries",
          data: countries,
          filled: !blueMarble || Boolean(countryFill),
          stroked: true,
          getFillColor: (f) => (countryFill ? countryFill(f.properties.iso2) : LAND),
          getLineColor: BORDER,
          lineWidthUnits: "pixels",
          getLineWidth: 0.6,
          pickable: Boolean(onCountryHover),
          autoHighlight: Boolean(onCountryHover),
          highlightColor: [255, 255, 255, 60],
          onHover: onCountryHover ? (info) => onCountryHover(info.object?.properties ?? null) : undefined,
          updateTriggers: { getFillColor: [countryFillKey, Boolean(countryFill)] },
        }),
      );
    }
    return layers;
  }, [countries, countryFill, countryFillKey, onCountryHover, blueMarble]);

  const ready = countries !== null;
  return (
    <div
      className="geo-map"
      style={{ height: props.height ?? 520 }}
      data-testid="geo-map"
      data-ready={ready && drawn ? "true" : "false"}
      role="img"
      aria-label={props.label ?? "map"}
    >
      <DeckGL
        views={MAP_VIEW}
        viewState={view}
        controller={{ dragRotate: false }}
        onViewStateChange={({ viewState }) => {
          const next = {
            longitude: viewState.longitude,
            latitude: viewState.latitude,
            zoom: viewState.zoom,
          } as MapViewState;
          if (props.onViewStateChange) props.onViewStateChange(next);
          else setInternalView(next);
        }}
        layers={[...baseLayers, ...(props.layers ?? [])]}
        getTooltip={props.getTooltip ? (info) => props.getTooltip!(info) : undefined}
        onClick={props.onClick ? (info) => props.onClick!(info) : undefined}
        onAfterRender={() => {
          if (ready && !firstFrameSent.current) {
            firstFrameSent.current = true;
            setDrawn(true);
            props.onFirstFrame?.();
          }
        }}
      />
      {basemapError && <div className="map-note error">Basemap failed to load: {basemapError}</div>}
      {!ready && !basemapError && <div className="map-note">Loading basemap…</div>}
    </div>
  );
}
