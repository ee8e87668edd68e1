// deck.gl layers over prediction columns, fed by binary attributes (no accessor is called per
// object): arcs true→predicted coloured by log error and true points; and the API's map bins as
// grid cells coloured by their mean log error or their accuracy at a threshold.
import { ArcLayer, ScatterplotLayer, SolidPolygonLayer } from "@deck.gl/layers";
import { accuracyColor, errorColor, errorColors, type RGBA } from "@/lib/colors";
import type { PredictionColumns } from "@/lib/prediction-columns";
import type { MapBinColumns } from "@/lib/use-map-view";

export function errorArcLayer(columns: PredictionColumns, options: { id?: string; pickable?: boolean } = {}) {
  const colors = errorColors(columns.errorKm, 170);
  return new ArcLayer({
    id: options.id ?? "error-arcs",
    data: {
      length: columns.length,
      attributes: {
        getSourcePosition: { value: columns.truePositions, size: 2 },
        getTargetPosition: { value: columns.predPositions, size: 2 },
        getSourceColor: { value: colors, size: 4, normalized: true },
        getTargetColor: { value: colors, size: 4, normalized: true },
      },
    },
    greatCircle: true,
    getWidth: 1,
    widthUnits: "pixels",
    pickable: options.pickable ?? false,
  });
}

export function truePointLayer(
  columns: PredictionColumns,
  options: { id?: string; pickable?: boolean; radiusPixels?: number; selectedIndex?: number } = {},
) {
  const colors = errorColors(columns.errorKm, 220);
  return new ScatterplotLayer({
    id: options.id ?? "true-points",
    data: {
      length: columns.length,
      attributes: {
        getPosition: { value: columns.truePositions, size: 2 },
        getFillColor: { value: colors, size: 4, normalized: true },
      },
    },
    radiusUnits: "pixels",
    getRadius: options.radiusPixels ?? 2.5,
    stroked: false,
    pickable: options.pickable ?? false,
  });
}

/** What bins are coloured by: their mean log10 error, or their accuracy at the chosen threshold. */
export type BinColour = "error" | "accuracy";
export const BIN_COLOURS: readonly BinColour[] = ["error", "accuracy"];

/** A bin's colour: the error scale at 10^(mean log10 km), or the accuracy scale. */
export function binColor(bins: MapBinColumns, i: number, colourBy: BinColour): RGBA {
  return colourBy === "error" ? errorColor(10 ** bins.meanLogErrorKm[i]!, 200) : accuracyColor(bins.accuracy[i]!, 200);
}

/** The bins as filled grid cells (a few thousand at most: one quad each). */
export function binLayer(bins: MapBinColumns, colourBy: BinColour, options: { id?: string } = {}) {
  const colors = Array.from({ length: bins.length }, (_, i) => binColor(bins, i, colourBy));
  return new SolidPolygonLayer<unknown>({
    id: options.id ?? "map-bins",
    data: { length: bins.length },
    getPolygon: (_: unknown, { index }: { index: number }) => {
      const [west, south, east, north] = bins.bounds.subarray(index * 4, index * 4 + 4) as unknown as number[];
      // Inset by a tenth of the cell, so neighbouring bins stay apart and the basemap shows between them.
      const [dx, dy] = [(east! - west!) * 0.05, (north! - south!) * 0.05];
      const [w, s, e, n] = [west! + dx, south! + dy, east! - dx, north! - dy];
      return [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
      ];
    },
    getFillColor: (_: unknown, { index }: { index: number }) => colors[index]!,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
  });
}
