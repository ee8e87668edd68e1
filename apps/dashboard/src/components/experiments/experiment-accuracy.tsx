"use client";
// An experiment's metric table over all its predictions: the thresholds, the chain-level accuracy
// and GeoScore, and for answers (external runs) how they read. Asked again whenever the experiment's
// version moves, so a running external run's table follows the predictions its client adds.
import { useEffect, useRef } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { formatPercent } from "@/lib/format";
import { ErrorState } from "../states";
import { AnswerTable } from "./answer-table";
import { ThresholdTable } from "./threshold-table";

const ExperimentSummaryQuery = graphql(`
  query ExperimentSummary($filter: PredictionFilter!) {
    accuracyAtThresholds(filter: $filter) {
      ...AccuracySummaryFields
      levels {
        country
        admin1
        place
      }
    }
  }
`);

export function ExperimentAccuracy({ id, version }: { id: string; version: number }) {
  const [summary, refetch] = useQuery({ query: ExperimentSummaryQuery, variables: { filter: { experimentId: id } } });
  const shown = useRef(version);
  useEffect(() => {
    if (version === shown.current) return;
    shown.current = version;
    refetch({ requestPolicy: "network-only" });
  }, [version, refetch]);

  if (summary.error) return <ErrorState error={summary.error} what="metrics" />;
  const s = summary.data?.accuracyAtThresholds;
  if (!s || s.n === 0) return <div className="state">No evaluated predictions yet.</div>;
  return (
    <>
      <ThresholdTable a={s} />
      <p className="muted" data-testid="chain-accuracy">
        chain accuracy: country {formatPercent(s.levels.country)} · admin1 {formatPercent(s.levels.admin1)} · place{" "}
        {formatPercent(s.levels.place)} · GeoScore {s.geoScore?.toFixed(0) ?? "–"}
      </p>
      <AnswerTable a={s} />
    </>
  );
}
