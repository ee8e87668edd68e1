/**
 * What an experiment's status badge shows: the page's status (from its query) and the last event
 * of the experimentProgress subscription, which runs only while the page's status is active.
 * While the page thinks the run is queued or running, the subscription is newer and wins. Once
 * the page's own status has settled (it fetched again: the run was cancelled, failed or ended),
 * the paused subscription's last event is stale and is not shown: a cancel answered before the
 * subscription's last event came would otherwise leave "running" on the badge for good.
 */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(["QUEUED", "RUNNING"]);

export interface LiveProgress {
  status: string;
  stages: ReadonlyArray<{ name: string; status: string; step: number; totalSteps?: number | null }>;
}

export interface StatusView {
  /** The status to show. */
  status: string;
  /** The stage running now and how far it is (fraction null without a known total). */
  stage: { name: string; step: number; totalSteps: number | null; fraction: number | null } | null;
}

export function statusView(pageStatus: string, live: LiveProgress | null | undefined): StatusView {
  const fresh = ACTIVE_STATUSES.has(pageStatus) ? live : null;
  const running = fresh?.stages.find((s) => s.status === "RUNNING");
  const totalSteps = running?.totalSteps ?? null;
  return {
    status: fresh?.status ?? pageStatus,
    stage: running
      ? {
          name: running.name,
          step: running.step,
          totalSteps,
          fraction: totalSteps ? Math.min(1, running.step / totalSteps) : null,
        }
      : null,
  };
}
