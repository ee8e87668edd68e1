"use client";
// Loads the predictions of a filter into typed-array columns for the map layers through the
// API's packed predictionPoints query: a few large chunks, each decoded straight into typed
// arrays, the map updated after each. Stops at `max` predictions.
import { useEffect, useState } from "react";
import { type OperationResult, useClient } from "urql";
import { graphql } from "@/gql";
import type { MapPointsQuery, PredictionFilter } from "@/gql/graphql";
import { concatColumns, decodeColumns, emptyColumns, type PredictionColumns } from "./prediction-columns";

const MapPointsDocument = graphql(`
  query MapPoints($filter: PredictionFilter!, $limit: Int!, $after: ID, $withTotal: Boolean!) {
    predictionPoints(filter: $filter, limit: $limit, after: $after) {
      totalCount @include(if: $withTotal)
      count
      truncated
      ids
      truePositions
      predictedPositions
      errorKm
    }
  }
`);

/** Predictions a map loads unless asked for more (the error map's ?max=): fast to draw without a GPU. */
export const DEFAULT_MAP_POINTS = 20_000;

/** Rows per request: 100,000 predictions arrive in two (1.6 MB of base64 each), with progress between. */
export const CHUNK_SIZE = 50_000;

export type ColumnsState = {
  columns: PredictionColumns;
  total: number | null;
  loading: boolean;
  error: string | null;
};

export function usePredictionColumns(filter: PredictionFilter | null, max: number): ColumnsState {
  const client = useClient();
  const [state, setState] = useState<ColumnsState>({
    columns: emptyColumns(),
    total: null,
    loading: false,
    error: null,
  });
  const key = JSON.stringify(filter);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter is compared by value through `key`
  useEffect(() => {
    if (!filter) {
      setState({ columns: emptyColumns(), total: null, loading: false, error: null });
      return;
    }
    // Only readable answers have a point, and predictionPoints answers every readable one whatever
    // the filter's parsed: a filter on unreadable answers has nothing to draw.
    if (filter.parsed === false) {
      setState({ columns: emptyColumns(), total: 0, loading: false, error: null });
      return;
    }
    let cancelled = false;
    setState({ columns: emptyColumns(), total: null, loading: true, error: null });
    (async () => {
      let columns = emptyColumns();
      let total: number | null = null;
      for (;;) {
        const result: OperationResult<MapPointsQuery> = await client
          .query(
            MapPointsDocument,
            {
              filter,
              limit: Math.min(CHUNK_SIZE, max - columns.length),
              after: columns.length > 0 ? String(columns.ids[columns.length - 1]) : null,
              // The total is one COUNT query: ask for it with the first chunk only.
              withTotal: total === null,
            },
            { requestPolicy: "network-only" },
          )
          .toPromise();
        if (cancelled) return;
        const points = result.data?.predictionPoints;
        if (result.error || !points) {
          setState((s) => ({ ...s, loading: false, error: result.error?.message ?? "no data" }));
          return;
        }
        try {
          columns = concatColumns(columns, decodeColumns(points));
        } catch (error) {
          setState((s) => ({ ...s, loading: false, error: (error as Error).message }));
          return;
        }
        total = points.totalCount ?? total;
        const done = !points.truncated || columns.length >= max;
        setState({ columns, total, loading: !done, error: null });
        if (done) return;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, key, max]);
  return state;
}
