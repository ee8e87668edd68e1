"use client";
// The one map of the dashboard: deck.gl over an offline basemap (the Natural Earth outlines as
// one raster, optionally over NASA's Blue Marble image). Pages pass data layers; nothing here is
// per-object React. The basemap costs the same whatever the zoom or the data: a choropleth
// repaints the raster's pixels once per change of colours, and hovering reads the country from
// the raster. The basemap (Blue Marble reprojected to Web Mercator once, then the raster) is
// drawn on a 2D canvas under deck.gl's, not as WebGL textures: in software WebGL (SwiftShader) a
// textured layer's first draw costs some 0.4–0.6 s of shader compilation and a 16 MB texture
// upload, a 2D drawImage of the view a few ms (docs/decisions.md, "The basemap on a 2D canvas").
import type { Layer, PickingInfo } from "@deck.gl/core";
import { MapView, WebMercatorViewport } from "@deck.gl/core";
import DeckGL from "@deck.gl/react";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { RGBA } from "@/lib/colors";
import type { CountryProperties } from "@/lib/countries";
import {
  type CountryRaster,
  countryAtLonLat,
  loadBlueMarble,
  loadCountryRaster,
  paintCountryRaster,
  rasterPlacements,
} from "@/lib/country-raster-client";

export type MapViewState = { longitude: number; latitude: number; zoom: number };
export const WORLD_VIEW: MapViewState = { longitude: 10, latitude: 20, zoom: 0.9 };
/** What a view shows: its bounds in degrees (west may be below −180 and east above 180 with world copies) and zoom, and the view itself. */
export type MapViewport = {
  bounds: { west: number; south: number; east: number; north: number };
  zoom: number;
  view: MapViewState;
};

/** The bounds a view of this size shows. */
export function viewportOf(view: MapViewState, width: number, height: number): MapViewport {
  const [west, south, east, north] = new WebMercatorViewport({ ...view, width, height }).getBounds();
  return { bounds: { west, south, east, north }, zoom: view.zoom, view };
}

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
  /** Called with the view's bounds and zoom once they have rested VIEWPORT_REST_MS (a drag moves them every frame). */
  onViewportChange?: (viewport: MapViewport) => void;
  blueMarble?: boolean;
  height?: number | string;
  /** Called once, when the basemap is drawn and deck.gl has drawn a frame. */
  onFirstFrame?: () => void;
  label?: string;
};

/** How long a view must rest before onViewportChange hears of it. */
export const VIEWPORT_REST_MS = 150;

// World copies at low zoom, like any web map (each visible copy is one more draw of every layer).
const MAP_VIEW = new MapView({ repeat: true });

const LAND: RGBA = [52, 60, 74, 255];
const BORDER: RGBA = [120, 132, 150, 230];
const CLEAR: RGBA = [0, 0, 0, 0];

export function GeoMap(props: GeoMapProps) {
  const [raster, setRaster] = useState<CountryRaster | null>(null);
  const [basemapError, setBasemapError] = useState<string | null>(null);
  const [internalView, setInternalView] = useState<MapViewState>(props.viewState ?? props.initialView ?? WORLD_VIEW);
  const firstFrameSent = useRef(false);
  // deck.gl has drawn a frame (its layers, over the basemap the 2D canvas holds once `ready`).
  const deckDrew = useRef(false);
  const [drawn, setDrawn] = useState(false);
  const view = props.viewState ?? internalView;
  const box = useRef<HTMLDivElement>(null);
  const baseCanvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);

  useEffect(() => {
    let alive = true;
    loadCountryRaster().then(
      (r) => alive && setRaster(r),
      (error: Error) => alive && setBasemapError(error.message),
    );
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // The page hears of a new view once it rests: re-rendering a page on every frame of a drag
  // costs frames, and the data for a view in passing is never needed.
  // The first view is reported at once: nothing is moving yet.
  const { onViewportChange } = props;
  const reported = useRef(false);
  useEffect(() => {
    if (!onViewportChange || !size || size.width <= 0 || size.height <= 0) return;
    const report = () => {
      reported.current = true;
      onViewportChange(viewportOf(view, size.width, size.height));
    };
    if (!reported.current) return report();
    const timer = setTimeout(report, VIEWPORT_REST_MS);
    return () => clearTimeout(timer);
  }, [onViewportChange, view, size]);

  const { countryFill, countryFillKey, onCountryHover, blueMarble } = props;
  // Painting is millions of pixels: only when the colours change, which countryFillKey says (a
  // page's countryFill may be a new function every render). The result is an image drawImage takes.
  const fillRef = useRef(countryFill);
  fillRef.current = countryFill;
  const hasFill = Boolean(countryFill);
  // biome-ignore lint/correctness/useExhaustiveDependencies: countryFillKey says when countryFill's colours change
  const basemapImage = useMemo(() => {
    if (!raster) return null;
    const fill = fillRef.current;
    const colour = (c: CountryProperties): RGBA => (fill ? fill(c.iso2) : blueMarble ? CLEAR : LAND);
    const image = document.createElement("canvas");
    image.width = raster.size;
    image.height = raster.size;
    const pixels = new ImageData(paintCountryRaster(raster, colour, BORDER), raster.size, raster.size);
    image.getContext("2d")?.putImageData(pixels, 0, 0);
    return image;
  }, [raster, hasFill, countryFillKey, blueMarble]);

  // Blue Marble under the outlines, reprojected to the raster's Web Mercator square once.
  const [blueMarbleImage, setBlueMarbleImage] = useState<HTMLCanvasElement | null>(null);
  useEffect(() => {
    if (!blueMarble) return;
    let alive = true;
    loadBlueMarble().then(
      (image) => alive && setBlueMarbleImage(image),
      (error: Error) => alive && setBasemapError(error.message),
    );
    return () => {
      alive = false;
    };
  }, [blueMarble]);

  // The 2D basemap, drawn for every view: Blue Marble if chosen, then the painted raster.
  useLayoutEffect(() => {
    const canvas = baseCanvas.current;
    if (!canvas || !size) return;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(size.width * dpr);
    const height = Math.round(size.height * dpr);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const images = [blueMarble ? blueMarbleImage : null, basemapImage];
    for (const image of images) {
      if (!image) continue;
      for (const p of rasterPlacements(view, size.width, size.height, image.width))
        ctx.drawImage(image, p.sx, p.sy, p.sw, p.sh, p.dx, p.dy, p.dw, p.dh);
    }
  }, [blueMarble, blueMarbleImage, basemapImage, view, size]);

  const ready = basemapImage !== null;
  const { onFirstFrame } = props;
  useEffect(() => {
    if (ready && drawn && !firstFrameSent.current) {
      firstFrameSent.current = true;
      onFirstFrame?.();
    }
  }, [ready, drawn, onFirstFrame]);
  return (
    <div
      ref={box}
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
        layers={props.layers ?? []}
        getTooltip={props.getTooltip ? (info) => props.getTooltip!(info) : undefined}
        onHover={
          onCountryHover && raster
            ? (info) =>
                onCountryHover(
                  info.coordinate && !info.picked
                    ? countryAtLonLat(raster, info.coordinate[0]!, info.coordinate[1]!)
                    : null,
                )
            : undefined
        }
        onClick={props.onClick ? (info) => props.onClick!(info) : undefined}
        onAfterRender={() => {
          if (!deckDrew.current) {
            deckDrew.current = true;
            setDrawn(true);
          }
        }}
      />
      <canvas ref={baseCanvas} className="geo-map-base" />
      {basemapError && <div className="map-note error">Basemap failed to load: {basemapError}</div>}
      {!ready && !basemapError && <div className="map-note">Loading basemap…</div>}
    </div>
  );
}
