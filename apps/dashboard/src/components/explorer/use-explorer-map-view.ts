"use client";
// The explorer map's view: it follows the URL's, but panning writes back to the URL only when the
// user pauses (half a second), so a drag is not a stream of URL replacements.
import { useEffect, useRef, useState } from "react";
import { type ExplorerState, serializeExplorerState } from "@/lib/explorer-state";
import { fitView } from "@/lib/fit-view";
import type { MapViewState } from "../map/geo-map";
import type { SetExplorerState } from "./use-explorer-state";

/** geo-map's WORLD_VIEW, spelt here: a value import of geo-map would put deck.gl in the page's first chunk. */
const WORLD: MapViewState = { longitude: 10, latitude: 20, zoom: 0.9 };
const WRITE_BACK_MS = 500;
/** The explorer map's usual size, to frame a bin's area before the map has measured itself. */
const MAP_SIZE = { width: 640, height: 520 };

/** The URL's view, else the area the list is narrowed to, else the world. */
function initialView(state: ExplorerState): MapViewState {
  if (state.view) return state.view;
  return state.bounds ? fitView(state.bounds, MAP_SIZE.width, MAP_SIZE.height) : WORLD;
}

export function useExplorerMapView(state: ExplorerState, setState: SetExplorerState) {
  const [view, setView] = useState<MapViewState>(() => initialView(state));
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
