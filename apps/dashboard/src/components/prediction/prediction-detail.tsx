"use client";
// One prediction: the true chain beside the predicted chain with probabilities (an external run's:
// its raw answer and the chain it states beside the chain of its coordinate), and both points with
// the great-circle line between them.
import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { formatKm, formatPercent } from "@/lib/format";
import { KindBadge } from "../experiments/kind-badge";
import { predictionPairLayers } from "../map/prediction-pair-layers";
import { ErrorState, Loading } from "../states";
import { PredictionChains } from "./prediction-chains";
import { SampleThumbnail } from "./sample-thumbnail";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const PredictionDetailQuery = graphql(`
  query PredictionDetail($id: ID!) {
    prediction(id: $id) {
      id
      experimentId
      sampleId
      split
      errorKm
      sample {
        image
        thumbnail {
          url
          x
          y
          size
        }
      }
      ...PredictionChainsFields
    }
  }
`);

/** The prediction's experiment: its name for the link, its kind for what the confidence means. */
const PredictionExperimentQuery = graphql(`
  query PredictionExperiment($id: ID!) {
    experiment(id: $id) {
      id
      name
      kind
    }
  }
`);

export function PredictionDetail({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: PredictionDetailQuery, variables: { id } });
  const p = data?.prediction;
  const [experimentResult] = useQuery({
    query: PredictionExperimentQuery,
    variables: { id: p?.experimentId ?? "" },
    pause: !p,
  });
  const experiment = experimentResult.data?.experiment;
  const layers = useMemo(() => (p ? predictionPairLayers(p.trueChain, p.predictedChain) : []), [p]);
  const view = useMemo(() => {
    if (!p) return undefined;
    const { lat, lon } = p.predictedChain;
    // An unreadable answer has no point: centre on the truth.
    if (lat === null || lon === null) return { longitude: p.trueChain.lon, latitude: p.trueChain.lat, zoom: 3 };
    // Centre between the points, zoomed out as far as their distance needs.
    const zoom = Math.max(0.8, Math.min(5, Math.log2(20000 / Math.max(p.errorKm, 50)) - 1.5));
    const dLon = ((lon - p.trueChain.lon + 540) % 360) - 180;
    return {
      longitude: p.trueChain.lon + dLon / 2,
      latitude: (p.trueChain.lat + lat) / 2,
      zoom,
    };
  }, [p]);
  if (error && !data) return <ErrorState error={error} what={`prediction ${id}`} />;
  if (fetching && !data) return <Loading what="prediction" />;
  if (!p) return <ErrorState error={`prediction "${id}" does not exist`} what="prediction" />;
  const t = p.trueChain;
  const q = p.predictedChain;
  return (
    <div>
      <h1>
        Prediction {p.id} <span className="muted">· error {formatKm(p.errorKm)}</span>
      </h1>
      <div className="row muted" style={{ marginBottom: 10 }}>
        sample <code>{p.sampleId}</code> · split {p.split} ·{" "}
        <Link href={`/experiments/${encodeURIComponent(p.experimentId)}`}>
          experiment{experiment ? ` ${experiment.name}` : ""}
        </Link>
        {experiment && <KindBadge kind={experiment.kind} />} ·{" "}
        <Link href={`/explorer?experiment=${encodeURIComponent(p.experimentId)}&selected=${encodeURIComponent(p.id)}`}>
          in the explorer
        </Link>
      </div>
      <div className="split" style={{ gridTemplateColumns: "540px 1fr" }}>
        <div>
          {p.sample ? (
            <figure className="sample-figure">
              <SampleThumbnail crop={p.sample.thumbnail} label={`sample ${p.sampleId}`} />
              <figcaption className="muted">{p.sample.image ?? `patch ${p.sampleId}`}</figcaption>
            </figure>
          ) : (
            <p className="muted">The sample is no longer in its dataset, so its image cannot be shown.</p>
          )}
          <PredictionChains prediction={p} />
          <p className="muted">
            {experiment?.kind !== "EXTERNAL"
              ? `chain probability ${formatPercent(q.confidence)} · `
              : q.confidence !== null
                ? `confidence sent ${formatPercent(q.confidence)} · `
                : ""}
            true geocell {t.cell}
          </p>
          <p className="muted" style={{ fontSize: 12 }}>
            <span style={{ color: "#4cc38a" }}>●</span> true location{" "}
            {p.parsed ? (
              <>
                <span style={{ color: "#ff6b6b" }}>●</span> predicted location, joined by the great circle
              </>
            ) : (
              "(no predicted location: the answer has no readable coordinate)"
            )}
          </p>
        </div>
        <GeoMap layers={layers} initialView={view} height={460} label="prediction map" />
      </div>
    </div>
  );
}
