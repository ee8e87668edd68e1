"use client";
// Two experiments side by side: the threshold table with deltas, how their answers read when either
// is an external run with answers, and a per-country delta map.
import { THRESHOLDS_KM } from "@geor/geo/constants";
import dynamic from "next/dynamic";
import { useCallback, useMemo, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { deltaColor, NO_DATA_COLOR } from "@/lib/colors";
import type { CountryProperties } from "@/lib/countries";
import { formatDelta, formatPercent } from "@/lib/format";
import { useUrlParams } from "@/lib/use-url-params";
import { AnswerTable } from "../experiments/answer-table";
import { ExperimentPicker } from "../experiments/experiment-picker";
import { ThresholdTable } from "../experiments/threshold-table";
import { DeltaLegend } from "../map/legends";
import { Empty, ErrorState, Loading } from "../states";

const GeoMap = dynamic(() => import("../map/geo-map").then((m) => m.GeoMap), { ssr: false });

const CompareQuery = graphql(`
  query Compare($a: ID!, $b: ID!) {
    compareExperiments(a: $a, b: $b) {
      a {
        ...AccuracySummaryFields
      }
      b {
        ...AccuracySummaryFields
      }
      countries {
        iso2
        name
        nA
        nB
        thresholds {
          km
          a
          b
          delta
        }
      }
    }
  }
`);

export function CompareView() {
  const [params, setParams] = useUrlParams();
  const a = params.get("a");
  const b = params.get("b");
  const kmParam = Number(params.get("threshold"));
  const km = (THRESHOLDS_KM as readonly number[]).includes(kmParam) ? kmParam : 750;
  const [hovered, setHovered] = useState<CountryProperties | null>(null);
  const [{ data, fetching, error }] = useQuery({
    query: CompareQuery,
    variables: { a: a ?? "", b: b ?? "" },
    pause: !a || !b,
  });
  const comparison = data?.compareExperiments;
  const deltas = useMemo(() => {
    const out = new Map<string, { name: string; nA: number; nB: number; a: number; b: number; delta: number }>();
    for (const c of comparison?.countries ?? []) {
      const t = c.thresholds.find((x) => x.km === km);
      if (t && t.a !== null && t.b !== null && t.delta !== null) {
        out.set(c.iso2, { name: c.name, nA: c.nA, nB: c.nB, a: t.a, b: t.b, delta: t.delta });
      }
    }
    return out;
  }, [comparison, km]);
  const fill = useCallback(
    (iso2: string | null) => {
      const d = iso2 ? deltas.get(iso2) : undefined;
      return d ? deltaColor(d.delta * 2) : NO_DATA_COLOR;
    },
    [deltas],
  );
  const hoveredDelta = hovered?.iso2 ? deltas.get(hovered.iso2) : undefined;
  return (
    <div>
      <h1>Compare</h1>
      <div className="toolbar">
        <ExperimentPicker label="A (baseline)" value={a} onChange={(id) => setParams({ a: id })} testId="compare-a" />
        <ExperimentPicker label="B" value={b} onChange={(id) => setParams({ b: id })} testId="compare-b" />
        <div className="field">
          <span>Threshold</span>
          <span className="segmented" data-testid="threshold-selector">
            {THRESHOLDS_KM.map((t) => (
              <button key={t} type="button" aria-pressed={km === t} onClick={() => setParams({ threshold: String(t) })}>
                {t} km
              </button>
            ))}
          </span>
        </div>
      </div>
      {(!a || !b) && <Empty>Choose two experiments, e.g. SFT as A and SFT+RL as B.</Empty>}
      {error && <ErrorState error={error} what="the comparison" />}
      {fetching && !data && a && b && <Loading what="comparison" />}
      <div className="split" style={{ gridTemplateColumns: "460px 1fr" }}>
        <div>
          <h2>Thresholds (B − A)</h2>
          <ThresholdTable a={comparison?.a} b={comparison?.b ?? null} labels={["A", "B"]} />
          <div style={{ marginTop: 12 }}>
            <AnswerTable a={comparison?.a} b={comparison?.b ?? null} labels={["A", "B"]} />
          </div>
          <div className="panel hover-card" style={{ marginTop: 12 }} data-testid="country-card">
            {hovered ? (
              <>
                <strong>{hovered.name}</strong>{" "}
                {hoveredDelta ? (
                  <span>
                    · acc@{km} km A {formatPercent(hoveredDelta.a)} → B {formatPercent(hoveredDelta.b)} (
                    {formatDelta(hoveredDelta.delta)}) · n {hoveredDelta.nA}/{hoveredDelta.nB}
                  </span>
                ) : (
                  <span className="muted">· not in both experiments</span>
                )}
              </>
            ) : (
              <span className="muted">Hover a country for its accuracy in A and B.</span>
            )}
          </div>
        </div>
        <div>
          <div className="row" style={{ margin: "6px 0" }}>
            <DeltaLegend label={`Δ acc@${km} km (B − A)`} />
          </div>
          <GeoMap
            countryFill={a && b ? fill : undefined}
            countryFillKey={`${km}|${deltas.size}|${a}|${b}`}
            onCountryHover={setHovered}
            height={480}
            label="per-country delta map"
          />
        </div>
      </div>
    </div>
  );
}
