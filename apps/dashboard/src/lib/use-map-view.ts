"use client";
// One detail rule for every map of predictions: ask the API's mapView for what the view shows —
// its predictions one by one when the tiles it touches hold at most MAP_BUDGET of them, else
// every one counted in grid bins — once the view has rested a moment (GeoMap reports a view
// VIEWPORT_REST_MS after it stops moving). The view is snapped to the
// grid's tiles (@geor/geo/map-grid) before asking, so views touching the same tiles share one
// request, one server cache entry and one entry of the cache here; the last answer stays drawn
// while the next loads.
import type { ThresholdKm } from "@geor/geo/constants";
import { type Bounds, boundsOfRange, LEVELS_ABOVE_ZOOM, viewTiles } from "@geor/geo/map-grid";
import { useEffect, useRef, useState } from "react";
import { useClient, useQuery } from "urql";
import { graphql } from "@/gql";
import type { MapViewQuery, PredictionFilter } from "@/gql/graphql";
import { MAP_BUDGET } from "./map-budget";
import { base64Bytes, decodeColumns, type PredictionColumns } from "./prediction-columns";

export { MAP_BUDGET };

const MapViewDocument = graphql(`
  query MapView($filter: PredictionFilter!, $view: MapViewInput!, $thresholdKm: Float!, $budget: Int!) {
    mapView(filter: $filter, view: $view, thresholdKm: $thresholdKm, budget: $budget) {
      mode
      total
      level
      points {
        count
        ids
        truePositions
        predictedPositions
        errorKm
      }
      bins {
        count
        bounds
        counts
        meanLogErrorKm
        accuracy
        worstIds
      }
    }
  }
`);

const MappableTotalDocument = graphql(`
  query MappableTotal($filter: PredictionFilter!) {
    predictionPoints(filter: $filter, limit: 1) {
      totalCount
    }
  }
`);

/** How many of a filter's predictions have a coordinate (one COUNT query), whatever the view. */
export function useMappableTotal(filter: PredictionFilter | null): number | null {
  const [{ data }] = useQuery({
    query: MappableTotalDocument,
    variables: { filter: filter ?? { experimentId: "" } },
    pause: !filter || filter.parsed === false,
  });
  if (filter?.parsed === false) return 0;
  return data?.predictionPoints.totalCount ?? null;
}

/** Answers kept per page (a few MB at most: bins and points are at most a few thousand rows). */
const CACHED_ANSWERS = 64;

/** Bins as typed-array columns, `length` rows. */
export type MapBinColumns = {
  length: number;
  /** west, south, east, north of each bin. */
  bounds: Float32Array;
  counts: Int32Array;
  meanLogErrorKm: Float32Array;
  accuracy: Float32Array;
  worstIds: Int32Array;
};

export type MapViewData = {
  mode: "POINTS" | "BINS";
  /** Predictions with a coordinate in the covered tiles. */
  total: number;
  points: PredictionColumns | null;
  bins: MapBinColumns | null;
};

export type MapViewState = { data: MapViewData | null; loading: boolean; error: string | null };

type PackedBins = NonNullable<MapViewQuery["mapView"]["bins"]>;

export function decodeBins(packed: PackedBins): MapBinColumns {
  const n = packed.count;
  const column = <T>(name: keyof PackedBins, perRow: number, Type: new (b: ArrayBuffer) => T): T => {
    const bytes = base64Bytes(packed[name] as string);
    if (bytes.byteLength !== n * perRow * 4)
      throw new RangeError(`mapView.bins.${name} has ${bytes.byteLength} bytes, expected ${n * perRow * 4}`);
    return new Type(bytes.buffer as ArrayBuffer);
  };
  return {
    length: n,
    bounds: column("bounds", 4, Float32Array),
    counts: column("counts", 1, Int32Array),
    meanLogErrorKm: column("meanLogErrorKm", 1, Float32Array),
    accuracy: column("accuracy", 1, Float32Array),
    worstIds: column("worstIds", 1, Int32Array),
  };
}

/** The request for a view: its tiles' bounds and a zoom that rounds to their level, so equal tiles ask alike. */
export function tileAlignedView(bounds: Bounds, zoom: number): { bounds: Bounds; zoom: number } {
  const { level, tiles } = viewTiles(bounds, zoom);
  return { bounds: boundsOfRange(tiles), zoom: level - LEVELS_ABOVE_ZOOM };
}

const cache = new Map<string, MapViewData>();

function remember(key: string, data: MapViewData): void {
  cache.delete(key);
  cache.set(key, data);
  if (cache.size > CACHED_ANSWERS) cache.delete(cache.keys().next().value as string);
}

export function useMapView(
  filter: PredictionFilter | null,
  viewport: { bounds: Bounds; zoom: number } | null,
  thresholdKm: ThresholdKm,
  budget = MAP_BUDGET,
): MapViewState {
  const client = useClient();
  const [state, setState] = useState<MapViewState>({ data: null, loading: false, error: null });
  const shown = useRef<string | null>(null);
  const request =
    filter && viewport ? { filter, view: tileAlignedView(viewport.bounds, viewport.zoom), thresholdKm, budget } : null;
  const key = request ? JSON.stringify(request) : null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the request is compared by value through `key`
  useEffect(() => {
    if (!request || !key) {
      shown.current = null;
      setState({ data: null, loading: false, error: null });
      return;
    }
    if (key === shown.current) return;
    const hit = cache.get(key);
    if (hit) {
      shown.current = key;
      setState({ data: hit, loading: false, error: null });
      return;
    }
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const result = await client.query(MapViewDocument, request, { requestPolicy: "network-only" }).toPromise();
      if (cancelled) return;
      const view = result.data?.mapView;
      if (result.error || !view) {
        setState((s) => ({ ...s, loading: false, error: result.error?.message ?? "no data" }));
        return;
      }
      try {
        const data: MapViewData = {
          mode: view.mode,
          total: view.total,
          points: view.points ? decodeColumns(view.points) : null,
          bins: view.bins ? decodeBins(view.bins) : null,
        };
        remember(key, data);
        shown.current = key;
        setState({ data, loading: false, error: null });
      } catch (error) {
        setState((s) => ({ ...s, loading: false, error: (error as Error).message }));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, key]);
  return state;
}

const count = new Intl.NumberFormat("en-US");

/**
 * What a map shows, in words: "1,000,000 predictions in 3,412 bins" or "18,204 predictions"; with
 * `of` (all the filter's predictions with a coordinate) when the view holds fewer than all of them:
 * "18,204 of 1,000,000 predictions".
 */
export function mapViewSummary(data: MapViewData, of: number | null = null): string {
  const n = count.format(data.total);
  const whole = of !== null && of > data.total ? `${n} of ${count.format(of)}` : n;
  const predictions = `${whole} prediction${data.total === 1 && whole === n ? "" : "s"}`;
  if (data.mode === "POINTS" || !data.bins) return predictions;
  return `${predictions} in ${count.format(data.bins.length)} bin${data.bins.length === 1 ? "" : "s"}`;
}
