"use client";
// One prediction: the true chain beside the predicted chain with probabilities, and both points
// with the great-circle line between them.
import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { formatKm, formatPercent } from "@/lib/format";
import { predictionPairLayers } from "../map/prediction-pair-layers";
import { ErrorState, Loading } from "../states";
import { ChainTable } from "./chain-table";
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
      hits {
        country
        admin1
        place
      }
      trueChain {
        lat
        lon
        continent
        country {
          code
          name
        }
        admin1 {
          code
          name
        }
        city
        cell
      }
      predictedChain {
        lat
        lon
        confidence
        country {
          ...PredictedRegionFields
        }
        admin1 {
          ...PredictedRegionFields
        }
        place {
          ...PredictedRegionFields
        }
      }
    }
  }
`);

export function PredictionDetail({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: PredictionDetailQuery, variables: { id } });
  const p = data?.prediction;
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
        <Link href={`/experiments/${encodeURIComponent(p.experimentId)}`}>experiment</Link> ·{" "}
        <Link href={`/explorer?experiment=${encodeURIComponent(p.experimentId)}&selected=${encodeURIComponent(p.id)}`}>
          in the explorer
        </Link>
      </div>
      <div className="split">
        <div>
          {p.sample ? (
            <figure className="sample-figure">
              <SampleThumbnail crop={p.sample.thumbnail} label={`sample ${p.sampleId}`} />
              <figcaption className="muted">{p.sample.image ?? `patch ${p.sampleId}`}</figcaption>
            </figure>
          ) : (
            <p className="muted">The sample is no longer in its dataset, so its image cannot be shown.</p>
          )}
          <ChainTable
            rows={[
              { level: "continent", truth: t.continent, predicted: null },
              {
                level: "country",
                truth: t.country?.name ?? null,
                predicted: q.country?.name ?? null,
                probability: q.country?.probability ?? null,
                hit: p.hits.country,
              },
              {
                level: "admin1",
                truth: t.admin1?.name ?? null,
                predicted: q.admin1?.name ?? null,
                probability: q.admin1?.probability ?? null,
                hit: p.hits.admin1,
              },
              {
                // The place is a geocell: right when the cells match, whatever the towns are called.
                level: "place",
                truth: `${t.city ?? "countryside"} · cell ${t.cell}`,
                predicted: q.place ? `${q.place.name} · cell ${q.place.code}` : null,
                probability: q.place?.probability ?? null,
                hit: p.hits.place,
              },
              {
                level: "coordinate",
                truth: `${t.lat.toFixed(3)}, ${t.lon.toFixed(3)}`,
                predicted: q.lat === null || q.lon === null ? "unreadable" : `${q.lat.toFixed(3)}, ${q.lon.toFixed(3)}`,
              },
            ]}
          />
          <p className="muted">
            chain probability {formatPercent(q.confidence)} · true geocell {t.cell}
          </p>
          <p className="muted" style={{ fontSize: 12 }}>
            <span style={{ color: "#4cc38a" }}>●</span> true location <span style={{ color: "#ff6b6b" }}>●</span>{" "}
            predicted location, joined by the great circle
          </p>
        </div>
        <GeoMap layers={layers} initialView={view} height={460} label="prediction map" />
      </div>
    </div>
  );
}
