"use client";
// Loads the predictions of a filter page by page (the API caps a page) into typed-array columns
// for the map layers, updating the map as pages arrive. Stops at `max` predictions.
import { useEffect, useState } from "react";
import { type OperationResult, useClient } from "urql";
import { graphql } from "@/gql";
import type { PredictionFilter, PredictionPointsQuery } from "@/gql/graphql";
import { columnsOf, concatColumns, emptyColumns, type PredictionColumns } from "./prediction-columns";

const PredictionPointsDocument = graphql(`
  query PredictionPoints($filter: PredictionFilter!, $first: Int!, $after: String, $withTotal: Boolean!) {
    predictions(filter: $filter, first: $first, after: $after, orderBy: ID) {
      totalCount @include(if: $withTotal)
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...PredictionPointFields
        }
      }
    }
  }
`);

export const PAGE_SIZE = 100;

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
    let cancelled = false;
    setState({ columns: emptyColumns(), total: null, loading: true, error: null });
    (async () => {
      let columns = emptyColumns();
      let after: string | null = null;
      let shownAt = 0;
      let total: number | null = null;
      for (;;) {
        const result: OperationResult<PredictionPointsQuery> = await client
          .query(
            PredictionPointsDocument,
            // The total is one COUNT query: ask for it with the first page only.
            { filter, first: PAGE_SIZE, after, withTotal: after === null },
            { requestPolicy: "network-only" },
          )
          .toPromise();
        if (cancelled) return;
        if (result.error || !result.data) {
          setState((s) => ({ ...s, loading: false, error: result.error?.message ?? "no data" }));
          return;
        }
        const page = result.data.predictions;
        total = page.totalCount ?? total;
        columns = concatColumns(
          columns,
          columnsOf(
            page.edges.map(({ node }) => ({
              id: node.id,
              trueLat: node.trueChain.lat,
              trueLon: node.trueChain.lon,
              predLat: node.predictedChain.lat,
              predLon: node.predictedChain.lon,
              errorKm: node.errorKm,
            })),
          ),
        );
        const done = !page.pageInfo.hasNextPage || columns.length >= max;
        // Re-upload the map's buffers a few times a second, not once per page.
        if (done || performance.now() - shownAt > 400) {
          shownAt = performance.now();
          setState({ columns, total, loading: !done, error: null });
        }
        if (done) return;
        after = page.pageInfo.endCursor ?? null;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, key, max]);
  return state;
}
