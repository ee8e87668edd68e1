"use client";
// An experiment's status with live progress: while it is queued or running, the
// experimentProgress subscription updates the badge and the progress bar, and tells the page each
// new version (an external run's metric points and predictions move it too).
import { useEffect, useRef } from "react";
import { useSubscription } from "urql";
import { graphql } from "@/gql";
import { ACTIVE_STATUSES, statusView } from "@/lib/live-status";

const ExperimentProgressSubscription = graphql(`
  subscription ExperimentProgress($id: ID!) {
    experimentProgress(id: $id) {
      id
      status
      version
      stages {
        name
        status
        step
        totalSteps
      }
    }
  }
`);

export function LiveStatus({
  id,
  status,
  onSettled,
  onVersion,
}: {
  id: string;
  status: string;
  onSettled?: () => void;
  /** Each version the subscription sees, the current one first. */
  onVersion?: (version: number) => void;
}) {
  const active = ACTIVE_STATUSES.has(status);
  const [{ data }] = useSubscription({ query: ExperimentProgressSubscription, variables: { id }, pause: !active });
  const live = data?.experimentProgress;
  const view = statusView(status, live);
  const settledSent = useRef(false);
  useEffect(() => {
    if (active && live && !ACTIVE_STATUSES.has(live.status) && !settledSent.current) {
      settledSent.current = true;
      onSettled?.();
    }
  }, [active, live, onSettled]);
  const version = live?.version;
  useEffect(() => {
    if (version !== undefined) onVersion?.(version);
  }, [version, onVersion]);
  const { stage } = view;
  return (
    <span className="row" style={{ gap: 8 }} data-testid="experiment-status">
      <span className={`status ${view.status}`}>{view.status.toLowerCase()}</span>
      {stage && (
        <span className="muted" style={{ fontSize: 12 }}>
          {stage.name} {stage.step}
          {stage.totalSteps ? `/${stage.totalSteps}` : ""}
        </span>
      )}
      {stage?.fraction != null && (
        <span className="progress" title={`${Math.round(stage.fraction * 100)}%`}>
          <span style={{ width: `${stage.fraction * 100}%` }} />
        </span>
      )}
    </span>
  );
}
