// What the explorer holds: how many predictions match, how many the list has loaded and how many
// the map draws (the map stops at its point budget, taking the first by id).
import type { ColumnsState } from "@/lib/use-prediction-columns";
import type { PagesState } from "./use-prediction-pages";

export function ExplorerCount({ pages, points }: { pages: PagesState; points: ColumnsState }) {
  return (
    <div className="muted" data-testid="explorer-count" style={{ marginBottom: 6 }}>
      {pages.total !== null
        ? `${pages.total.toLocaleString("en-US")} predictions match · ${pages.items.length.toLocaleString("en-US")} in the list`
        : pages.loading
          ? "loading…"
          : ""}
      {pages.total !== null && (
        <span data-testid="explorer-map-count">
          {" · "}
          {points.columns.length.toLocaleString("en-US")} on the map
          {points.loading ? " (loading…)" : ""}
          {!points.loading && points.total !== null && points.total > points.columns.length
            ? ` (the first ${points.columns.length.toLocaleString("en-US")} by id)`
            : ""}
        </span>
      )}
    </div>
  );
}
