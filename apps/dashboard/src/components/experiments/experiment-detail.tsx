"use client";
// One experiment: status and stages (live), curves, the threshold table, checkpoints, config,
// logs, and cancel.
import Link from "next/link";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import { formatDate, formatPercent } from "@/lib/format";
import { MetricCurves } from "../charts/metric-curves";
import { describeError, ErrorState, Loading } from "../states";
import { LiveStatus } from "./live-status";
import { ThresholdTable } from "./threshold-table";

const ExperimentDetailQuery = graphql(`
  query ExperimentDetail($id: ID!) {
    experiment(id: $id) {
      id
      name
      dataset
      status
      tags
      notes
      error
      config
      createdAt
      startedAt
      finishedAt
      stages {
        name
        status
        step
        totalSteps
        message
      }
      metrics {
        name
        points {
          step
          value
          stage
        }
      }
      checkpoints {
        stage
        step
        path
        createdAt
      }
      logs(last: 200) {
        at
        stage
        line
      }
    }
  }
`);

const ExperimentSummaryQuery = graphql(`
  query ExperimentSummary($filter: PredictionFilter!) {
    accuracyAtThresholds(filter: $filter) {
      n
      medianKm
      meanKm
      geoScore
      thresholds {
        km
        accuracy
      }
      levels {
        country
        admin1
        place
      }
    }
  }
`);

const CancelExperimentMutation = graphql(`
  mutation CancelExperiment($id: ID!) {
    cancelExperiment(id: $id) {
      id
      status
    }
  }
`);

export function ExperimentDetail({ id }: { id: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ExperimentDetailQuery, variables: { id } });
  const [cancelState, cancel] = useMutation(CancelExperimentMutation);
  const [summary] = useQuery({ query: ExperimentSummaryQuery, variables: { filter: { experimentId: id } } });
  if (error && !data) return <ErrorState error={error} what={`experiment ${id}`} />;
  if (fetching && !data) return <Loading what="experiment" />;
  const e = data?.experiment;
  if (!e) return <ErrorState error={`experiment "${id}" does not exist`} what="experiment" />;
  const active = e.status === "QUEUED" || e.status === "RUNNING";
  const refresh = () => refetch({ requestPolicy: "network-only" });
  return (
    <div>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>
          {e.name} <span className="muted">· {e.dataset}</span>
        </h1>
        <div className="row">
          <LiveStatus id={e.id} status={e.status} onSettled={refresh} />
          {active && (
            <button
              type="button"
              className="danger"
              data-testid="cancel-experiment"
              disabled={cancelState.fetching}
              onClick={async () => {
                await cancel({ id: e.id });
                refresh();
              }}
            >
              Cancel
            </button>
          )}
        </div>
      </div>
      {cancelState.error && <div className="error-text">{describeError(cancelState.error)}</div>}
      {e.error && <div className="state error">Failed: {e.error}</div>}
      <div className="row muted" style={{ fontSize: 13 }}>
        created {formatDate(e.createdAt)} · started {formatDate(e.startedAt)} · finished {formatDate(e.finishedAt)}
        {e.tags.map((t) => (
          <span className="tag" key={t}>
            {t}
          </span>
        ))}
      </div>
      <div className="row" style={{ margin: "10px 0" }}>
        <Link href={`/error-map?experiment=${encodeURIComponent(e.id)}`}>Error map</Link>
        <Link href={`/explorer?experiment=${encodeURIComponent(e.id)}`}>Prediction explorer</Link>
        <Link href={`/compare?a=${encodeURIComponent(e.id)}`}>Compare…</Link>
      </div>

      <h2>Stages</h2>
      <table style={{ width: "auto" }} data-testid="stages">
        <tbody>
          {e.stages.map((s) => (
            <tr key={s.name}>
              <td>{s.name}</td>
              <td>
                <span className={`status ${s.status}`}>{s.status.toLowerCase()}</span>
              </td>
              <td className="num">
                {s.step}
                {s.totalSteps ? ` / ${s.totalSteps}` : ""}
              </td>
              <td className="muted">{s.message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Curves</h2>
      <MetricCurves series={e.metrics} />

      <div className="grid-2">
        <div>
          <h2>Thresholds</h2>
          {summary.error ? (
            <ErrorState error={summary.error} what="metrics" />
          ) : summary.data && summary.data.accuracyAtThresholds.n > 0 ? (
            <>
              <ThresholdTable a={summary.data.accuracyAtThresholds} />
              <p className="muted">
                chain accuracy: country {formatPercent(summary.data.accuracyAtThresholds.levels.country)} · admin1{" "}
                {formatPercent(summary.data.accuracyAtThresholds.levels.admin1)} · place{" "}
                {formatPercent(summary.data.accuracyAtThresholds.levels.place)} · GeoScore{" "}
                {summary.data.accuracyAtThresholds.geoScore?.toFixed(0) ?? "–"}
              </p>
            </>
          ) : (
            <div className="state">No evaluated predictions yet.</div>
          )}
        </div>
        <div>
          <h2>Checkpoints</h2>
          {e.checkpoints.length === 0 ? (
            <div className="state">No checkpoints yet.</div>
          ) : (
            <table data-testid="checkpoints">
              <thead>
                <tr>
                  <th>Stage</th>
                  <th className="num">Step</th>
                  <th>Saved</th>
                  <th>Path</th>
                </tr>
              </thead>
              <tbody>
                {e.checkpoints.map((c) => (
                  <tr key={`${c.stage}-${c.step}`}>
                    <td>{c.stage}</td>
                    <td className="num">{c.step}</td>
                    <td>{formatDate(c.createdAt)}</td>
                    <td className="muted">
                      <code>{c.path}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <h2>Config</h2>
      <pre className="panel" data-testid="config" style={{ overflow: "auto", maxHeight: 320 }}>
        {JSON.stringify(e.config, null, 2)}
      </pre>
      {e.notes && (
        <>
          <h2>Notes</h2>
          <p>{e.notes}</p>
        </>
      )}
      <h2>Logs</h2>
      <pre className="panel" data-testid="logs" style={{ overflow: "auto", maxHeight: 300, fontSize: 12 }}>
        {e.logs.length === 0
          ? "No log lines."
          : e.logs.map((l) => `${formatDate(l.at)} ${l.stage ?? "-"} ${l.line}`).join("\n")}
      </pre>
    </div>
  );
}
