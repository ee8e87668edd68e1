// deck.gl layers over prediction columns, all fed by binary attributes (no accessor is called
// per object): arcs true→predicted coloured by log error, true points, and error hexagons.
import { HexagonLayer } from "@deck.gl/aggregation-layers";
import { ArcLayer, ScatterplotLayer } from "@deck.gl/layers";
import { ERROR_KM_DOMAIN, errorColor, errorColors } from "@/lib/colors";
import type { PredictionColumns } from "@/lib/prediction-columns";

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

/** Six steps of the error scale, so hexagons and arcs share one legend. */
const HEX_COLOR_RANGE = [0, 1, 2, 3, 4, 5].map((i) => {
  const [lo, hi] = ERROR_KM_DOMAIN;
  const [r, g, b] = errorColor(lo * (hi / lo) ** (i / 5));
  return [r, g, b] as [number, number, number];
});

/** Hexagons over the true locations, coloured by mean log10 error of the predictions inside. */
export function errorHexagonLayer(columns: PredictionColumns, radiusKm: number) {
  const logError = new Float32Array(columns.length);
  for (let i = 0; i < columns.length; i++) logError[i] = Math.log10(Math.max(1, columns.errorKm[i]!));
  return new HexagonLayer({
    id: "error-hexagons",
    data: {
      length: columns.length,
      attributes: {
        getPosition: { value: columns.truePositions, size: 2 },
        getColorWeight: { value: logError, size: 1 },
      },
    },
    radius: radiusKm * 1000,
    colorAggregation: "MEAN",
    colorDomain: [Math.log10(ERROR_KM_DOMAIN[0]), Math.log10(ERROR_KM_DOMAIN[1])],
    colorRange: HEX_COLOR_RANGE,
    coverage: 0.9,
    opacity: 0.75,
    extruded: false,
    pickable: true,
  });
}
