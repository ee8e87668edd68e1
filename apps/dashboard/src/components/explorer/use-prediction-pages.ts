"use client";
// The explorer's list: pages of filtered predictions fetched on demand (when the virtual list
// nears the end of what is loaded), reset whenever the filter or order changes.
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import { graphql } from "@/gql";
import type { ExplorerItemFieldsFragment, PredictionFilter, PredictionOrder } from "@/gql/graphql";

export const ExplorerItemFields = graphql(`
  fragment ExplorerItemFields on Prediction {
    ...PredictionPointFields
    trueChain {
      country {
        code
        name
      }
      admin1 {
        name
      }
      city
    }
    predictedChain {
      country {
        ...PredictedRegionFields
      }
      place {
        name
      }
    }
    hits {
      country
      admin1
      city
    }
  }
`);

const ExplorerPage = graphql(`
  query ExplorerPage($filter: PredictionFilter!, $orderBy: PredictionOrder!, $first: Int!, $after: String) {
    predictions(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...ExplorerItemFields
        }
      }
    }
  }
`);

/** One prediction by id: the selection when it came from the map and is not among the loaded rows. */
export const ExplorerItemQuery = graphql(`
  query ExplorerItem($id: ID!) {
    prediction(id: $id) {
      ...ExplorerItemFields
    }
  }
`);

export type ExplorerItem = ExplorerItemFieldsFragment;

export type PagesState = {
  items: ExplorerItem[];
  total: number | null;
  hasMore: boolean;
  loading: boolean;
  error: string | null;
};

const PAGE = 100;

export function usePredictionPages(filter: PredictionFilter | null, orderBy: PredictionOrder) {
  const client = useClient();
  const [state, setState] = useState<PagesState>({
    items: [],
    total: null,
    hasMore: false,
    loading: false,
    error: null,
  });
  const cursor = useRef<string | null>(null);
  const inFlight = useRef(false);
  const generation = useRef(0);
  const key = JSON.stringify([filter, orderBy]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter is compared by value through `key`
  const loadMore = useCallback(async () => {
    if (!filter || inFlight.current) return;
    inFlight.current = true;
    const gen = generation.current;
    setState((s) => ({ ...s, loading: true }));
    const r = await client
      .query(ExplorerPage, { filter, orderBy, first: PAGE, after: cursor.current }, { requestPolicy: "network-only" })
      .toPromise();
    inFlight.current = false;
    if (gen !== generation.current) return;
    if (r.error || !r.data) {
      setState((s) => ({ ...s, loading: false, error: r.error?.message ?? "no data" }));
      return;
    }
    const page = r.data.predictions;
    cursor.current = page.pageInfo.endCursor ?? null;
    setState((s) => ({
      items: s.items.concat(page.edges.map((e) => e.node)),
      total: page.totalCount,
      hasMore: page.pageInfo.hasNextPage,
      loading: false,
      error: null,
    }));
  }, [client, key]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset exactly when the filter or order changes
  useEffect(() => {
    generation.current++;
    cursor.current = null;
    inFlight.current = false;
    setState({ items: [], total: null, hasMore: false, loading: Boolean(filter), error: null });
    if (filter) loadMore();
  }, [key, loadMore]);

  return { ...state, loadMore };
}
