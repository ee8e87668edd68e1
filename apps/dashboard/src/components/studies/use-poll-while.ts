"use client";
// Keeps a studies page up with its runs: while `active` (a study is RUNNING), call `refresh` every
// interval. A study has no subscription of its own; its runs' statuses, counts and comparison
// change a few times a minute, so a poll every two seconds is live enough and costs one query.
import { useEffect } from "react";
import { REFRESH_INTERVAL_MS } from "../experiments/use-version-refresh";

export function usePollWhile(active: boolean, refresh: () => void, intervalMs = REFRESH_INTERVAL_MS): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(refresh, intervalMs);
    return () => clearInterval(timer);
  }, [active, refresh, intervalMs]);
}
