// One prediction on the map: the true point (green), the predicted point (red) and the
// great-circle line between them.
import { ArcLayer, ScatterplotLayer } from "@deck.gl/layers";

export type LonLat = [number, number];

type Position = { lat: number; lon: number };

/**
 * The true point and, when the prediction has one, the predicted point and the great circle
 * between them (an unreadable answer has no predicted point: the true point alone).
 */
export function predictionPairLayers(
  truth: Position,
  predicted: { lat: number | null; lon: number | null },
  id = "selected",
) {
  const trueLonLat: LonLat = [truth.lon, truth.lat];
  const predLonLat: LonLat | null =
    predicted.lat === null || predicted.lon === null ? null : [predicted.lon, predicted.lat];
  return [
    new ArcLayer<{ from: LonLat; to: LonLat }>({
      id: `${id}-great-circle`,
      data: predLonLat ? [{ from: trueLonLat, to: predLonLat }] : [],
      getSourcePosition: (d) => d.from,
      getTargetPosition: (d) => d.to,
      greatCircle: true,
      getHeight: 0,
      getSourceColor: [76, 195, 138, 255],
      getTargetColor: [255, 107, 107, 255],
      getWidth: 3,
      widthUnits: "pixels",
    }),
    new ScatterplotLayer<{ at: LonLat; color: [number, number, number] }>({
      id: `${id}-points`,
      data: [
        { at: trueLonLat, color: [76, 195, 138] },
        ...(predLonLat ? [{ at: predLonLat, color: [255, 107, 107] as [number, number, number] }] : []),
      ],
      getPosition: (d) => d.at,
      getFillColor: (d) => d.color,
      getLineColor: [255, 255, 255],
      stroked: true,
      lineWidthUnits: "pixels",
      getLineWidth: 1.5,
      radiusUnits: "pixels",
      getRadius: 7,
    }),
  ];
}
