// Predictions as columns of typed arrays: what deck.gl's binary attributes take directly, so a
// map of 100,000 predictions is a handful of buffers, not 100,000 objects.
export type PredictionColumns = {
  length: number;
  /** lon, lat of the true location, interleaved. */
  truePositions: Float32Array;
  /** lon, lat of the predicted location, interleaved. */
  predPositions: Float32Array;
  errorKm: Float32Array;
  /** The API's prediction ids, for picking. */
  ids: string[];
};

export type PredictionPoint = {
  id: string;
  trueLat: number;
  trueLon: number;
  predLat: number;
  predLon: number;
  errorKm: number;
};

export function emptyColumns(): PredictionColumns {
  return columnsOf([]);
}

export function columnsOf(points: readonly PredictionPoint[]): PredictionColumns {
  const n = points.length;
  const truePositions = new Float32Array(n * 2);
  const predPositions = new Float32Array(n * 2);
  const errorKm = new Float32Array(n);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    truePositions[i * 2] = p.trueLon;
    truePositions[i * 2 + 1] = p.trueLat;
    predPositions[i * 2] = p.predLon;
    predPositions[i * 2 + 1] = p.predLat;
    errorKm[i] = p.errorKm;
    ids[i] = p.id;
  }
  return { length: n, truePositions, predPositions, errorKm, ids };
}

/** Concatenates pages of columns (as they arrive) without re-reading earlier pages. */
export function concatColumns(a: PredictionColumns, b: PredictionColumns): PredictionColumns {
  const join = (x: Float32Array, y: Float32Array) => {
    const out = new Float32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    length: a.length + b.length,
    truePositions: join(a.truePositions, b.truePositions),
    predPositions: join(a.predPositions, b.predPositions),
    errorKm: join(a.errorKm, b.errorKm),
    ids: a.ids.concat(b.ids),
  };
}
