"use client";
import { ScatterplotLayer } from "@deck.gl/layers";
import dynamic from "next/dynamic";
// Upload an image, pick a finished experiment's model, and see the predicted chains and points.
import Link from "next/link";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { useMutation } from "urql";
import { graphql } from "@/gql";
import { formatPercent } from "@/lib/format";
import { useUrlParams } from "@/lib/use-url-params";
import { ExperimentPicker } from "../experiments/experiment-picker";
import { ChainTable } from "../prediction/chain-table";
import { useViewer } from "../session/viewer";
import { describeError } from "../states";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const PredictMutation = graphql(`
  mutation PredictImage($experimentId: ID!, $image: Upload!) {
    predict(experimentId: $experimentId, image: $image, topK: 3) {
      imageType
      channelsFilled
      chains {
        text
        probability
        lat
        lon
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

export function PredictView() {
  const [params, setParams] = useUrlParams();
  const experiment = params.get("experiment");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [{ data, fetching, error }, predict] = useMutation(PredictMutation);
  const viewer = useViewer();

  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!experiment || !file) return;
    await predict({ experimentId: experiment, image: file });
  };

  const result = data?.predict;
  const best = result?.chains[0];
  const layers = useMemo(
    () =>
      result
        ? [
            new ScatterplotLayer<{ lon: number; lat: number; rank: number }>({
              id: "guesses",
              data: result.chains.map((c, rank) => ({ lon: c.lon, lat: c.lat, rank })),
              getPosition: (d) => [d.lon, d.lat],
              getFillColor: (d) => (d.rank === 0 ? [255, 107, 107, 255] : [245, 185, 74, 200]),
              getLineColor: [255, 255, 255],
              stroked: true,
              lineWidthUnits: "pixels",
              getLineWidth: 1.5,
              radiusUnits: "pixels",
              getRadius: (d) => (d.rank === 0 ? 8 : 5),
            }),
          ]
        : [],
    [result],
  );

  return (
    <div>
      <h1>Predict</h1>
      <form className="toolbar" onSubmit={submit} data-testid="predict-form">
        <ExperimentPicker
          value={experiment}
          onChange={(id) => setParams({ experiment: id })}
          label="Model (finished experiment)"
          onlyFinished
          onlyBuiltin
        />
        <label>
          Image (JPEG, PNG or WebP)
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            data-testid="predict-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        {viewer ? (
          <button type="submit" className="primary" disabled={!experiment || !file || fetching}>
            {fetching ? "Predicting…" : "Predict"}
          </button>
        ) : (
          <Link href="/sign-in?next=/predict" data-testid="predict-sign-in">
            Sign in to ask a model
          </Link>
        )}
      </form>
      {error && (
        <div className="state error" role="alert" data-testid="predict-error">
          Prediction failed: {describeError(error)}
        </div>
      )}
      {!experiment && <div className="state">Choose a finished experiment whose model should predict.</div>}
      <div className="split">
        <div>
          {preview && (
            // biome-ignore lint/performance/noImgElement: a local object URL preview; next/image cannot optimise it
            <img src={preview} alt="uploaded" style={{ maxWidth: "100%", maxHeight: 260, borderRadius: 6 }} />
          )}
          {best && (
            <div data-testid="predict-result">
              <h2>Most probable chain ({formatPercent(best.probability)})</h2>
              <p data-testid="predicted-chain-text">{best.text}</p>
              <ChainTable
                rows={[
                  {
                    level: "country",
                    truth: null,
                    predicted: best.country?.name ?? null,
                    probability: best.country?.probability ?? null,
                  },
                  {
                    level: "admin1",
                    truth: null,
                    predicted: best.admin1?.name ?? null,
                    probability: best.admin1?.probability ?? null,
                  },
                  {
                    level: "place",
                    truth: null,
                    predicted: best.place?.name ?? null,
                    probability: best.place?.probability ?? null,
                  },
                  { level: "coordinate", truth: null, predicted: `${best.lat.toFixed(3)}, ${best.lon.toFixed(3)}` },
                ]}
              />
              {result.chains.length > 1 && (
                <>
                  <h2>Other chains</h2>
                  <ol>
                    {result.chains.slice(1).map((c) => (
                      <li key={c.text}>
                        {c.text} <span className="muted">({formatPercent(c.probability)})</span>
                      </li>
                    ))}
                  </ol>
                </>
              )}
              <p className="muted" style={{ fontSize: 12 }}>
                image type {result.imageType}
                {result.channelsFilled.length > 0
                  ? ` · channels the photo cannot supply, filled with training means: ${result.channelsFilled.join(", ")}`
                  : ""}
              </p>
            </div>
          )}
        </div>
        <GeoMap layers={layers} height={440} label="predicted location" />
      </div>
    </div>
  );
}
