"use client";
// Keeps a page's data up with a running experiment: when the live version (from the subscription)
// is ahead of the version the page shows, refresh, at most once per interval. The subscription
// sees every metric point batch and every stage step, many a second; a page of curves and logs is
// fetched again at most every two seconds.
import { useEffect, useRef } from "react";

export const REFRESH_INTERVAL_MS = 2000;

export function useVersionRefresh(
  shown: number | undefined,
  latest: number | null,
  refresh: () => void,
  intervalMs = REFRESH_INTERVAL_MS,
): void {
  const last = useRef(0);
  useEffect(() => {
    if (shown === undefined || latest === null || latest <= shown) return;
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        refresh();
      },
      Math.max(0, last.current + intervalMs - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [shown, latest, refresh, intervalMs]);
}
