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
  ids: Int32Array;
};

export type PredictionPoint = {
  id: string;
  trueLat: number;
  trueLon: number;
  predLat: number;
  predLon: number;
  errorKm: number;
};

/** The API's predictionPoints columns: base64 of little-endian Int32 / Float32 arrays. */
export type PackedPredictionPoints = {
  count: number;
  ids: string;
  truePositions: string;
  predictedPositions: string;
  errorKm: string;
};

export function emptyColumns(): PredictionColumns {
  return columnsOf([]);
}

export function columnsOf(points: readonly PredictionPoint[]): PredictionColumns {
  const n = points.length;
  const truePositions = new Float32Array(n * 2);
  const predPositions = new Float32Array(n * 2);
  const errorKm = new Float32Array(n);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    truePositions[i * 2] = p.trueLon;
    truePositions[i * 2 + 1] = p.trueLat;
    predPositions[i * 2] = p.predLon;
    predPositions[i * 2 + 1] = p.predLat;
    errorKm[i] = p.errorKm;
    ids[i] = Number(p.id);
  }
  return { length: n, truePositions, predPositions, errorKm, ids };
}

/** The bytes of a base64 string in a buffer of their own (the native decoder where there is one). */
export function base64Bytes(base64: string): Uint8Array {
  const native = (Uint8Array as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native.call(Uint8Array, base64);
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Typed arrays over the decoded bytes (no copy). The API sends little-endian, which is the
 * byte order of every platform browsers run on.
 */
export function decodeColumns(packed: PackedPredictionPoints): PredictionColumns {
  const n = packed.count;
  const column = <T>(name: keyof PackedPredictionPoints, perRow: number, Type: new (b: ArrayBuffer) => T): T => {
    const bytes = base64Bytes(packed[name] as string);
    if (bytes.byteLength !== n * perRow * 4)
      throw new RangeError(`predictionPoints.${name} has ${bytes.byteLength} bytes, expected ${n * perRow * 4}`);
    return new Type(bytes.buffer as ArrayBuffer);
  };
  return {
    length: n,
    ids: column("ids", 1, Int32Array),
    truePositions: column("truePositions", 2, Float32Array),
    predPositions: column("predictedPositions", 2, Float32Array),
    errorKm: column("errorKm", 1, Float32Array),
  };
}

/** Concatenates chunks of columns (as they arrive) without re-reading earlier chunks. */
export function concatColumns(a: PredictionColumns, b: PredictionColumns): PredictionColumns {
  if (a.length === 0) return b;
  const join = <T extends Float32Array | Int32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const floats = (n: number) => new Float32Array(n);
  return {
    length: a.length + b.length,
    truePositions: join(a.truePositions, b.truePositions, floats),
    predPositions: join(a.predPositions, b.predPositions, floats),
    errorKm: join(a.errorKm, b.errorKm, floats),
    ids: join(a.ids, b.ids, (n) => new Int32Array(n)),
  };
}
