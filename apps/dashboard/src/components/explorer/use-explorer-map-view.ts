"use client";
// The explorer map's view: it follows the URL's, but panning writes back to the URL only when the
// user pauses (half a second), so a drag is not a stream of URL replacements.
import { useEffect, useRef, useState } from "react";
import { type ExplorerState, serializeExplorerState } from "@/lib/explorer-state";
import type { MapViewState } from "../map/geo-map";
import type { SetExplorerState } from "./use-explorer-state";

/** geo-map's WORLD_VIEW, spelt here: a value import of geo-map would put deck.gl in the page's first chunk. */
const WORLD: MapViewState = { longitude: 10, latitude: 20, zoom: 0.9 };
const WRITE_BACK_MS = 500;

export function useExplorerMapView(state: ExplorerState, setState: SetExplorerState) {
  const [view, setView] = useState<MapViewState>(state.view ?? WORLD);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The URL's view is taken again whenever the URL changes while it holds one.
  const urlKey = state.view ? serializeExplorerState(state) : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the URL only when it changes
  useEffect(() => {
    if (state.view) setView(state.view);
  }, [urlKey]);
  const onViewStateChange = (next: MapViewState) => {
    setView(next);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState({ view: next }), WRITE_BACK_MS);
  };
  return { view, setView, onViewStateChange };
}
