"use client";
// The explorer's predictions: pages of filtered predictions fetched on demand (when the virtual
// list nears the end of what is loaded), reset whenever the filter or order changes; and the
// selected prediction, fetched alone for its details (and for the map when it is not among them).
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient, useQuery } from "urql";
import { graphql } from "@/gql";
import type { ExplorerItemFieldsFragment, PredictionFilter, PredictionOrder } from "@/gql/graphql";

/**
 * What a row of the list, the map and the summary above it show. A page of 100 rows must stay under
 * the API's query cost limit (5,000: about 50 fields a row), so the selection panel's fields come
 * with the selected prediction alone.
 */
export const ExplorerItemFields = graphql(`
  fragment ExplorerItemFields on Prediction {
    ...PredictionPointFields
    trueChain {
      country {
        code
        name
      }
    }
    predictedChain {
      country {
        ...PredictedRegionFields
      }
    }
    hits {
      country
      admin1
      place
    }
    parsed
    consistent
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

/**
 * The selected prediction in full: a row's fields (the selection may come from the map or a shared
 * link, outside the loaded rows) and its chains and answer for the selection panel.
 */
const ExplorerItemQuery = graphql(`
  query ExplorerItem($id: ID!) {
    prediction(id: $id) {
      sampleId
      ...ExplorerItemFields
      ...PredictionChainsFields
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

/** The loaded pages, and how to ask for the next one. */
export type PredictionPages = PagesState & { loadMore: () => void };

const PAGE = 100;

export function usePredictionPages(filter: PredictionFilter | null, orderBy: PredictionOrder): PredictionPages {
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

/**
 * The selected prediction: at once a loaded row when the list has it, else (picked on the map, or
 * from a shared link) the fetched one; and, once fetched, its details for the selection panel.
 */
export function useSelectedPrediction(id: string | null, items: readonly ExplorerItem[]) {
  const index = id ? items.findIndex((p) => p.id === id) : -1;
  const [result] = useQuery({ query: ExplorerItemQuery, variables: { id: id ?? "" }, pause: !id });
  const fetched = result.data?.prediction?.id === id ? (result.data?.prediction ?? undefined) : undefined;
  const selected = index >= 0 ? items[index] : fetched;
  return { selected, detail: fetched, error: result.error };
}
