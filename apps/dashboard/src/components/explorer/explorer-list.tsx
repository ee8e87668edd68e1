"use client";
// The explorer's list: a virtualised column of the loaded predictions that asks for the next page
// as it nears the end of what is loaded; unreadable and inconsistent answers are marked. A click on
// a row selects it; the map, which can select a prediction too, scrolls the list to it through the
// handle.
import { useVirtualizer } from "@tanstack/react-virtual";
import { type Ref, useEffect, useImperativeHandle, useRef } from "react";
import { cssColor, errorColor } from "@/lib/colors";
import { formatKm } from "@/lib/format";
import { predictedCountryName } from "@/lib/prediction-chains";
import { AnswerMarks } from "../prediction/answer-marks";
import type { ExplorerItem, PredictionPages } from "./use-prediction-pages";

const ROW_HEIGHT = 46;

export type ExplorerListHandle = {
  /** Scrolls the row of a prediction to the middle of the list, when the list has loaded it. */
  scrollToPrediction(id: string): void;
};

export function ExplorerList({
  pages,
  showNoMatch,
  selectedId,
  onSelect,
  ref,
}: {
  pages: PredictionPages;
  /** Whether an empty list means that nothing matches (an experiment is chosen). */
  showNoMatch: boolean;
  selectedId: string | null;
  onSelect: (item: ExplorerItem) => void;
  ref?: Ref<ExplorerListHandle>;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: pages.items.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastVisible = virtualItems.at(-1)?.index ?? 0;
  useEffect(() => {
    if (pages.hasMore && !pages.loading && lastVisible >= pages.items.length - 20) pages.loadMore();
  }, [lastVisible, pages]);

  useImperativeHandle(ref, () => ({
    scrollToPrediction(id: string) {
      const row = pages.items.findIndex((p) => p.id === id);
      if (row >= 0) virtualizer.scrollToIndex(row, { align: "center" });
    },
  }));

  return (
    <div className="list" ref={listRef} data-testid="explorer-list">
      {showNoMatch && !pages.loading && pages.items.length === 0 && !pages.error && (
        <div className="state" style={{ margin: 10 }}>
          No prediction matches these filters.
        </div>
      )}
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualItems.map((v) => {
          const p = pages.items[v.index]!;
          const trueName = p.trueChain.country?.name ?? "open water";
          const predictedName = predictedCountryName(p);
          return (
            <button
              type="button"
              key={p.id}
              className={`list-row${p.id === selectedId ? " selected" : ""}`}
              style={{ top: v.start, height: ROW_HEIGHT }}
              onClick={() => onSelect(p)}
              data-testid="explorer-row"
              data-prediction-id={p.id}
            >
              <span title={`${trueName} → ${predictedName}`}>
                {trueName} → {predictedName}
                <br />
                <span className="muted" style={{ fontSize: 12 }}>
                  <AnswerMarks parsed={p.parsed} consistent={p.consistent} />
                  {p.parsed
                    ? `${p.hits.country ? "✓" : "✗"} country · ${p.hits.admin1 ? "✓" : "✗"} admin1 · ${p.hits.place ? "✓" : "✗"} place`
                    : "a miss at every level"}
                </span>
              </span>
              <span
                style={{ color: cssColor(errorColor(p.errorKm)) }}
                data-testid="row-error"
                data-error-km={p.errorKm}
              >
                {formatKm(p.errorKm)}
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
