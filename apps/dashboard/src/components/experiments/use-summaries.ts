"use client";
// The metric summary (median km, accuracy per threshold) of each finished experiment, one
// aggregate query each, so the experiments table can show and sort by them.
import { useEffect, useState } from "react";
import { useClient } from "urql";
import { graphql } from "@/gql";
import type { ExperimentRowSummaryQuery } from "@/gql/graphql";

const ExperimentRowSummary = graphql(`
  query ExperimentRowSummary($filter: PredictionFilter!) {
    accuracyAtThresholds(filter: $filter) {
      n
      medianKm
      thresholds {
        km
        accuracy
      }
    }
  }
`);

export type RowSummary = ExperimentRowSummaryQuery["accuracyAtThresholds"];

export function useSummaries(ids: readonly string[]): Map<string, RowSummary> {
  const client = useClient();
  const [summaries, setSummaries] = useState(() => new Map<string, RowSummary>());
  const key = ids.join(",");
  useEffect(() => {
    let alive = true;
    const wanted = key ? key.split(",") : [];
    Promise.all(
      wanted.map(async (id) => {
        const r = await client.query(ExperimentRowSummary, { filter: { experimentId: id } }).toPromise();
        return [id, r.data?.accuracyAtThresholds] as const;
      }),
    ).then((pairs) => {
      if (!alive) return;
      const next = new Map<string, RowSummary>();
      for (const [id, s] of pairs) if (s && s.n > 0) next.set(id, s);
      setSummaries(next);
    });
    return () => {
      alive = false;
    };
  }, [client, key]);
  return summaries;
}
