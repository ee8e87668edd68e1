// What the explorer holds: how many predictions match, how many of them are unreadable answers (no
// coordinate, so no point), how many the list has loaded and what the map shows of its view (its
// predictions, or them counted in bins).
import { type MapViewState, mapViewSummary } from "@/lib/use-map-view";
import type { PagesState } from "./use-prediction-pages";

/**
 * Matches without a point: the list's count less the map's, which counts only predictions with a
 * coordinate under the same filter. Null until both are known.
 */
function unreadableCount(listTotal: number | null, mapTotal: number | null): number | null {
  if (listTotal === null || mapTotal === null) return null;
  // Both counts are separate queries: on a run still receiving predictions the map's may be newer.
  return Math.max(0, listTotal - mapTotal);
}

export function ExplorerCount({
  pages,
  mappable,
  map,
}: {
  pages: PagesState;
  /** Matches with a coordinate. */
  mappable: number | null;
  map: MapViewState;
}) {
  const unreadable = unreadableCount(pages.total, mappable);
  return (
    <div className="muted" data-testid="explorer-count" style={{ marginBottom: 6 }}>
      {pages.total === null ? (
        pages.loading ? (
          "loading…"
        ) : (
          ""
        )
      ) : (
        <>
          {`${pages.total.toLocaleString("en-US")} predictions match`}
          {unreadable !== null && unreadable > 0 && (
            <span data-testid="explorer-unreadable-count">
              {` · ${unreadable.toLocaleString("en-US")} unreadable (no point)`}
            </span>
          )}
          {` · ${pages.items.length.toLocaleString("en-US")} in the list`}
        </>
      )}
      {pages.total !== null && map.data && (
        <span data-testid="explorer-map-count" data-mode={map.data.mode}>
          {` · map: ${mapViewSummary(map.data, mappable)}`}
          {map.loading ? " (loading…)" : ""}
        </span>
      )}
    </div>
  );
}
