"use client";
// One experiment: status and stages, curves, the metric table, checkpoints, config, logs, and
// cancel; all of it refreshed while the run is live. An external run (trained elsewhere) has no
// stages or checkpoints here: its curves are the metric points its client logged, its config the
// JSON it sent.
import Link from "next/link";
import { useCallback, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import { formatDate } from "@/lib/format";
import { ACTIVE_STATUSES } from "@/lib/live-status";
import { MetricCurves } from "../charts/metric-curves";
import { canChange, useViewer } from "../session/viewer";
import { describeError, ErrorState, Loading } from "../states";
import { ExperimentAccuracy } from "./experiment-accuracy";
import { Stages, TrainedElsewhere } from "./experiment-stages";
import { KindBadge } from "./kind-badge";
import { LiveStatus } from "./live-status";
import { useVersionRefresh } from "./use-version-refresh";

const ExperimentDetailQuery = graphql(`
  query ExperimentDetail($id: ID!) {
    experiment(id: $id) {
      id
      name
      dataset
      kind
      split
      createdBy
      version
      study {
        id
        name
      }
      studyArm
      studySeed
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
  const viewer = useViewer();
  const [liveVersion, setLiveVersion] = useState<number | null>(null);
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  useVersionRefresh(data?.experiment?.version, liveVersion, refresh);
  if (error && !data) return <ErrorState error={error} what={`experiment ${id}`} />;
  if (fetching && !data) return <Loading what="experiment" />;
  const e = data?.experiment;
  if (!e) return <ErrorState error={`experiment "${id}" does not exist`} what="experiment" />;
  const active = ACTIVE_STATUSES.has(e.status);
  return (
    <div>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>
          {e.name} <span className="muted">· {e.dataset}</span>
          <KindBadge kind={e.kind} />
        </h1>
        <div className="row">
          <LiveStatus id={e.id} status={e.status} onSettled={refresh} onVersion={setLiveVersion} />
          {active && canChange(viewer, e.createdBy) && (
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
        created {formatDate(e.createdAt)}
        {e.createdBy ? ` by ${e.createdBy}` : ""} · started {formatDate(e.startedAt)} · finished{" "}
        {formatDate(e.finishedAt)}
        {e.split ? ` · predictions of the ${e.split} split` : ""}
        {e.study && (
          <span data-testid="experiment-study">
            · run of study <Link href={`/studies/${e.study.id}`}>{e.study.name}</Link> (arm {e.studyArm}, seed{" "}
            {e.studySeed})
          </span>
        )}
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

      {e.kind === "EXTERNAL" ? <TrainedElsewhere metrics={e.metrics} /> : <Stages stages={e.stages} />}

      <h2>Curves</h2>
      <MetricCurves series={e.metrics} />

      <div className="grid-2">
        <div>
          <h2>Thresholds</h2>
          <ExperimentAccuracy id={e.id} version={e.version} />
        </div>
        <div>
          <h2>Checkpoints</h2>
          {e.checkpoints.length === 0 ? (
            <div className="state">
              {e.kind === "EXTERNAL" ? "None: its checkpoints stay where it was trained." : "No checkpoints yet."}
            </div>
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
