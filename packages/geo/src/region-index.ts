import { KM_PER_DEG } from "./haversine.ts";

/**
 * A static point-in-polygon index for a set of non-overlapping polygons (admin-1 areas), exact
 * for every point and fast enough for hundreds of thousands of look-ups per second.
 *
 * The sphere is cut into a regular lat/lon grid. A cell that no polygon edge crosses is
 * "uniform": every point in it has the label of the cell centre, found once at build time by a
 * scanline. A cell that edges cross is "mixed": it keeps the list of those edges, and a point p
 * in it is located from the centre c, whose label is known: p lies in polygon f exactly when
 * c does XOR the segment p→c crosses f's boundary an odd number of times. Every edge the
 * segment can cross lies in the cell, so the test reads only the cell's edges.
 *
 * Like kdbush/flatbush, the whole index is a few typed arrays that serialise to one
 * ArrayBuffer with a magic number and a format version, checked on load.
 */

/** A polygon ring as flat [lon0, lat0, lon1, lat1, …], closed or not. */
export type Ring = ArrayLike<number>;

/** Input polygon: its rings (outer and holes alike; parity decides) and its label. */
export interface LabelledPolygon {
  label: number;
  rings: Ring[];
}

const MAGIC = 0x524f4347; // "GCOR" little-endian
const FORMAT_VERSION = 1;
const NONE = -1;
/** nearest() shrinks every cell gap by this much: the build widens edge footprints by 1e-6° (EPS), and cell borders round. */
const GAP_MARGIN_DEG = 1e-5;

export interface RegionIndexData {
  /** Grid resolution in degrees. */
  resDeg: number;
  width: number;
  height: number;
  /** Per cell: label + 1 (0 = no polygon) if uniform, −(mixedIndex + 1) if mixed. */
  cells: Int32Array;
  /** Per mixed cell: label of its centre (−1 = none). */
  mixedCentreLabel: Int32Array;
  /** CSR offsets into edgeRefs, length mixedCount + 1. */
  mixedEdgeStart: Uint32Array;
  edgeRefs: Uint32Array;
  /** Edges as x1, y1, x2, y2 (lon/lat degrees, float32-rounded). */
  edgeCoords: Float32Array;
  edgeLabel: Int32Array;
}

/** Builds the index. `resDeg` must divide 180 into whole cells (e.g. 0.1, 0.25). */
export function buildRegionIndex(polygons: LabelledPolygon[], resDeg = 0.1): RegionIndex {
  const width = Math.round(360 / resDeg);
  const height = Math.round(180 / resDeg);
  if (Math.abs(width * resDeg - 360) > 1e-9 || Math.abs(height * resDeg - 180) > 1e-9) {
    throw new RangeError(`resDeg ${resDeg} must divide 360 and 180 into whole cells`);
  }

  // 1. Collect edges (float32-rounded so build and query see identical coordinates).
  let edgeCount = 0;
  for (const poly of polygons) for (const ring of poly.rings) edgeCount += Math.floor(ring.length / 2);
  const edgeCoords = new Float32Array(edgeCount * 4);
  const edgeLabel = new Int32Array(edgeCount);
  let e = 0;
  for (const poly of polygons) {
    for (const ring of poly.rings) {
      const n = Math.floor(ring.length / 2);
      for (let i = 0; i < n; i++) {
        const j = (i + 1) % n;
        const x1 = ring[2 * i];
        const y1 = ring[2 * i + 1];
        const x2 = ring[2 * j];
        const y2 = ring[2 * j + 1];
        if (x1 === x2 && y1 === y2) continue;
        edgeCoords[4 * e] = x1;
        edgeCoords[4 * e + 1] = y1;
        edgeCoords[4 * e + 2] = x2;
        edgeCoords[4 * e + 3] = y2;
        edgeLabel[e] = poly.label;
        e++;
      }
    }
  }
  edgeCount = e;

  // 2. Cells each edge touches (conservative: every cell of the edge's bounding box that the
  // edge's supporting segment passes through, walked column by column).
  const pairsCell: number[] = [];
  const pairsEdge: number[] = [];
  // EPS widens each edge's footprint so rounding can never drop a cell the edge touches
  // (an extra cell only costs a few comparisons; a missing one would break exactness).
  const EPS = 1e-6;
  const toCol = (x: number) => Math.min(width - 1, Math.max(0, Math.floor((x + 180) / resDeg)));
  const toRow = (y: number) => Math.min(height - 1, Math.max(0, Math.floor((y + 90) / resDeg)));
  for (let k = 0; k < edgeCount; k++) {
    const x1 = edgeCoords[4 * k];
    const y1 = edgeCoords[4 * k + 1];
    const x2 = edgeCoords[4 * k + 2];
    const y2 = edgeCoords[4 * k + 3];
    const c1 = toCol(Math.min(x1, x2) - EPS);
    const c2 = toCol(Math.max(x1, x2) + EPS);
    for (let c = c1; c <= c2; c++) {
      // y-range of the segment within this column (clamped to the segment's x-extent).
      const xa = Math.max(Math.min(x1, x2), c * resDeg - 180);
      const xb = Math.min(Math.max(x1, x2), (c + 1) * resDeg - 180);
      let ya: number;
      let yb: number;
      if (x1 === x2) {
        ya = y1;
        yb = y2;
      } else {
        const t = (y2 - y1) / (x2 - x1);
        ya = y1 + (xa - x1) * t;
        yb = y1 + (xb - x1) * t;
      }
      const r1 = toRow(Math.min(ya, yb) - EPS);
      const r2 = toRow(Math.max(ya, yb) + EPS);
      for (let r = r1; r <= r2; r++) {
        pairsCell.push(r * width + c);
        pairsEdge.push(k);
      }
    }
  }

  // 3. Group pairs by cell (counting sort) → mixed cells in CSR form.
  const cellCount = width * height;
  const perCell = new Uint32Array(cellCount);
  for (const cell of pairsCell) perCell[cell]++;
  const cells = new Int32Array(cellCount);
  let mixedCount = 0;
  for (let cell = 0; cell < cellCount; cell++) if (perCell[cell] > 0) cells[cell] = -++mixedCount;
  const mixedEdgeStart = new Uint32Array(mixedCount + 1);
  {
    let m = 0;
    for (let cell = 0; cell < cellCount; cell++) {
      if (perCell[cell] > 0) {
        mixedEdgeStart[m + 1] = mixedEdgeStart[m] + perCell[cell];
        m++;
      }
    }
  }
  const edgeRefs = new Uint32Array(pairsCell.length);
  const fill = mixedEdgeStart.slice(0, mixedCount);
  for (let p = 0; p < pairsCell.length; p++) {
    const m = -cells[pairsCell[p]] - 1;
    edgeRefs[fill[m]++] = pairsEdge[p];
  }

  // 4. Label every cell centre by a scanline per row: sort the row's crossings by x and toggle
  // membership (crossing-number parity, half-open in y, as in the query).
  const rowCrossings: number[][] = Array.from({ length: height }, () => []);
  for (let k = 0; k < edgeCount; k++) {
    const x1 = edgeCoords[4 * k];
    const y1 = edgeCoords[4 * k + 1];
    const x2 = edgeCoords[4 * k + 2];
    const y2 = edgeCoords[4 * k + 3];
    if (y1 === y2) continue;
    const ylo = Math.min(y1, y2);
    const yhi = Math.max(y1, y2);
    // rows whose centre y satisfies ylo <= y < yhi
    const rFirst = Math.max(0, Math.ceil((ylo + 90) / resDeg - 0.5));
    for (let r = rFirst; r < height; r++) {
      const y = (r + 0.5) * resDeg - 90;
      if (y >= yhi) break;
      if (y < ylo) continue;
      const x = x1 + ((y - y1) * (x2 - x1)) / (y2 - y1);
      rowCrossings[r].push(x, edgeLabel[k]);
    }
  }
  const mixedCentreLabel = new Int32Array(mixedCount).fill(NONE);
  const inside = new Map<number, number>(); // label → parity count
  for (let r = 0; r < height; r++) {
    const xs = rowCrossings[r];
    const order = Array.from({ length: xs.length / 2 }, (_, i) => i).sort((a, b) => xs[2 * a] - xs[2 * b]);
    inside.clear();
    let next = 0;
    let current = NONE;
    for (let c = 0; c < width; c++) {
      const x = (c + 0.5) * resDeg - 180;
      // Crossings strictly to the left of the centre have been passed.
      while (next < order.length && xs[2 * order[next]] < x) {
        const label = xs[2 * order[next] + 1];
        if (inside.has(label)) inside.delete(label);
        else inside.set(label, 1);
        next++;
        current = smallestKey(inside);
      }
      const cell = r * width + c;
      if (cells[cell] < 0) mixedCentreLabel[-cells[cell] - 1] = current;
      else cells[cell] = current + 1;
    }
  }
  rowCrossings.length = 0;

  return new RegionIndex({
    resDeg,
    width,
    height,
    cells,
    mixedCentreLabel,
    mixedEdgeStart,
    edgeRefs,
    edgeCoords: edgeCoords.slice(0, edgeCount * 4),
    edgeLabel: edgeLabel.slice(0, edgeCount),
  });
}

function smallestKey(map: Map<number, number>): number {
  let best = NONE;
  for (const k of map.keys()) if (best === NONE || k < best) best = k;
  return best;
}

/** The orientation sign of (a, b, c): > 0 counter-clockwise. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

export class RegionIndex {
  readonly data: RegionIndexData;
  /** Scratch parity per label, sized lazily to the largest label seen. */
  private parity = new Uint8Array(0);
  private touched: number[] = [];

  constructor(data: RegionIndexData) {
    this.data = data;
    let maxLabel = 0;
    for (let i = 0; i < data.edgeLabel.length; i++) maxLabel = Math.max(maxLabel, data.edgeLabel[i]);
    this.parity = new Uint8Array(maxLabel + 1);
  }

  /** Label of the polygon containing (lat, lon), or −1. Inputs must already be validated. */
  locate(lat: number, lon: number): number {
    const { resDeg, width, height, cells } = this.data;
    const col = Math.min(width - 1, Math.floor((lon + 180) / resDeg));
    const row = Math.min(height - 1, Math.floor((lat + 90) / resDeg));
    const v = cells[row * width + col];
    if (v >= 0) return v - 1;
    const m = -v - 1;
    const cx = (col + 0.5) * resDeg - 180;
    const cy = (row + 0.5) * resDeg - 90;
    return this.locateMixed(m, Math.fround(lon), Math.fround(lat), cx, cy);
  }

  private locateMixed(m: number, px: number, py: number, cx: number, cy: number): number {
    const { mixedEdgeStart, edgeRefs, edgeCoords, edgeLabel, mixedCentreLabel } = this.data;
    const parity = this.parity;
    const touched = this.touched;
    touched.length = 0;
    for (let k = mixedEdgeStart[m]; k < mixedEdgeStart[m + 1]; k++) {
      const e = edgeRefs[k];
      const ax = edgeCoords[4 * e];
      const ay = edgeCoords[4 * e + 1];
      const bx = edgeCoords[4 * e + 2];
      const by = edgeCoords[4 * e + 3];
      // Proper crossing of segment p→c with edge a→b. Zero orientations count as negative on
      // both sides, a symbolic perturbation that counts a shared vertex on p→c exactly once.
      if (orient(px, py, cx, cy, ax, ay) > 0 === orient(px, py, cx, cy, bx, by) > 0) continue;
      if (orient(ax, ay, bx, by, px, py) > 0 === orient(ax, ay, bx, by, cx, cy) > 0) continue;
      const label = edgeLabel[e];
      // bit 0: crossing parity; bit 1: label already in `touched`.
      if ((parity[label] & 2) === 0) {
        touched.push(label);
        parity[label] |= 2;
      }
      parity[label] ^= 1;
    }
    const centre = mixedCentreLabel[m];
    let best = NONE;
    if (centre !== NONE && (parity[centre] & 1) === 0) best = centre;
    for (const label of touched) {
      const isInside = label === centre ? (parity[label] & 1) === 0 : (parity[label] & 1) === 1;
      if (isInside && (best === NONE || label < best)) best = label;
    }
    for (const label of touched) parity[label] = 0;
    return best;
  }

  /**
   * The nearest polygon within `maxKm` of (lat, lon) by distance to its boundary, or −1.
   * Distances use a local equirectangular projection, accurate to well under 1% at tens of km.
   * Of equally near boundaries the smallest label wins.
   *
   * The window of cells that can hold a boundary within `maxKm` is read in rings around the
   * point's cell, nearest first. Every point of ring k lies at least (k − 1) cells away in rows or
   * columns, so once that gap exceeds the best distance found no later ring can match it (a coastal
   * point is decided in two or three rings, not the ~150 cells of the window).
   */
  nearest(lat: number, lon: number, maxKm: number): { label: number; km: number } {
    const { resDeg, width, height, cells, mixedEdgeStart, edgeRefs, edgeCoords, edgeLabel } = this.data;
    const cosLat = Math.max(Math.cos((lat * Math.PI) / 180), 1e-6);
    const dLat = maxKm / KM_PER_DEG;
    const r1 = Math.max(0, Math.floor((lat - dLat + 90) / resDeg));
    const r2 = Math.min(height - 1, Math.floor((lat + dLat + 90) / resDeg));
    const row = Math.min(height - 1, Math.floor((lat + 90) / resDeg));
    const col = Math.min(width - 1, Math.floor((lon + 180) / resDeg));
    const span = colSpan(cosLat, maxKm, resDeg);
    // Column offsets read: the whole row, each column once, when the window wraps all the way round (near the poles).
    const whole = 2 * span + 1 >= width;
    const dFrom = whole ? 1 - Math.ceil(width / 2) : -span;
    const dTo = whole ? Math.floor(width / 2) : span;
    let bestLabel = NONE;
    let bestKm2 = maxKm * maxKm;
    // How far the point is inside its cell, from the west and south borders (degrees).
    const fx = lon + 180 - col * resDeg;
    const fy = lat + 90 - row * resDeg;
    const rings = Math.max(row - r1, r2 - row, -dFrom, dTo);
    for (let k = 0; k <= rings; k++) {
      // cosLat ≤ 1, so this bounds the rows' gap too.
      const gapKm = Math.max(0, (k - 1) * resDeg - GAP_MARGIN_DEG) * KM_PER_DEG * cosLat;
      if (gapKm * gapKm > bestKm2) break;
      for (let r = Math.max(r1, row - k); r <= Math.min(r2, row + k); r++) {
        // The ring's cells in this row: all its columns in its first and last rows, else its two
        // sides (−k and k, as far as the window reaches). A loop, not a closure per call: this is
        // the hot path of every coordinate's chain.
        const edgeRow = r === row - k || r === row + k;
        const dLo = edgeRow ? Math.max(dFrom, -k) : -k >= dFrom ? -k : k;
        const dHi = edgeRow ? Math.min(dTo, k) : k <= dTo ? k : -k;
        const step = edgeRow ? 1 : 2 * k;
        for (let d = dLo; d <= dHi; d += step) {
          const v = cells[r * width + ((((col + d) % width) + width) % width)];
          if (v >= 0) continue;
          // The cell's nearest possible point: skip it when that is farther than the best already.
          const gapX = whole ? (Math.abs(d) - 1) * resDeg : d > 0 ? d * resDeg - fx : d < 0 ? fx - (d + 1) * resDeg : 0;
          const gapY = r > row ? (r - row) * resDeg - fy : r < row ? fy - (r - row + 1) * resDeg : 0;
          const xKm = Math.max(0, gapX - GAP_MARGIN_DEG) * cosLat * KM_PER_DEG;
          const yKm = Math.max(0, gapY - GAP_MARGIN_DEG) * KM_PER_DEG;
          if (xKm * xKm + yKm * yKm > bestKm2) continue;
          const m = -v - 1;
          for (let j = mixedEdgeStart[m]; j < mixedEdgeStart[m + 1]; j++) {
            const e = edgeRefs[j];
            const d2 = edgeDistanceKm2(lat, lon, cosLat, edgeCoords, e);
            const label = edgeLabel[e];
            if (d2 < bestKm2 || (d2 === bestKm2 && bestLabel !== NONE && label < bestLabel)) {
              bestKm2 = d2;
              bestLabel = label;
            }
          }
        }
      }
    }
    return { label: bestLabel, km: bestLabel === NONE ? Number.POSITIVE_INFINITY : Math.sqrt(bestKm2) };
  }

  /** Index of the grid cell holding (lat, lon). */
  cellOf(lat: number, lon: number): number {
    const { resDeg, width, height } = this.data;
    const col = Math.min(width - 1, Math.floor((lon + 180) / resDeg));
    const row = Math.min(height - 1, Math.floor((lat + 90) / resDeg));
    return row * width + col;
  }

  /**
   * How many rows and columns around a cell of grid row `row` nearest(…, km) may read: rows is
   * the same everywhere, cols is the largest over the row's latitudes (the poleward edge).
   */
  windowOf(row: number, km: number): { rows: number; cols: number } {
    const { resDeg } = this.data;
    const latA = Math.abs(row * resDeg - 90);
    const latB = Math.abs((row + 1) * resDeg - 90);
    const cosLat = Math.max(Math.cos((Math.max(latA, latB) * Math.PI) / 180), 1e-6);
    return { rows: Math.ceil(km / KM_PER_DEG / resDeg) + 1, cols: colSpan(cosLat, km, resDeg) };
  }

  /** Serialises to one ArrayBuffer: header, then the typed arrays, each 8-byte aligned. */
  serialize(): ArrayBuffer {
    const d = this.data;
    const arrays = [d.cells, d.mixedCentreLabel, d.mixedEdgeStart, d.edgeRefs, d.edgeCoords, d.edgeLabel] as const;
    const headerBytes = 8 * 4 + arrays.length * 8;
    let size = headerBytes;
    for (const a of arrays) size += align8(a.byteLength);
    const buf = new ArrayBuffer(size);
    const header = new DataView(buf);
    header.setUint32(0, MAGIC, true);
    header.setUint32(4, FORMAT_VERSION, true);
    header.setFloat64(8, d.resDeg, true);
    header.setUint32(16, d.width, true);
    header.setUint32(20, d.height, true);
    header.setUint32(24, arrays.length, true);
    let offset = headerBytes;
    arrays.forEach((a, i) => {
      header.setFloat64(32 + 8 * i, a.length, true);
      new Uint8Array(buf, offset, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      offset += align8(a.byteLength);
    });
    return buf;
  }

  /** Reads an index written by serialize(); throws if the bytes are not one. */
  static deserialize(buf: ArrayBuffer, byteOffset = 0): RegionIndex {
    if (buf.byteLength - byteOffset < 32) throw new Error("region index: data too short to hold a header");
    const header = new DataView(buf, byteOffset);
    if (header.getUint32(0, true) !== MAGIC) throw new Error("region index: bad magic number, not a region index");
    const version = header.getUint32(4, true);
    if (version !== FORMAT_VERSION) {
      throw new Error(`region index: got format v${version} when expected v${FORMAT_VERSION}`);
    }
    const resDeg = header.getFloat64(8, true);
    const width = header.getUint32(16, true);
    const height = header.getUint32(20, true);
    const count = header.getUint32(24, true);
    const lengths = Array.from({ length: count }, (_, i) => header.getFloat64(32 + 8 * i, true));
    const ctors = [Int32Array, Int32Array, Uint32Array, Uint32Array, Float32Array, Int32Array] as const;
    let offset = byteOffset + 32 + count * 8;
    const out = ctors.map((Ctor, i) => {
      const bytes = lengths[i] * Ctor.BYTES_PER_ELEMENT;
      if (offset + bytes > buf.byteLength) throw new Error("region index: data truncated");
      const a = new Ctor(buf, offset, lengths[i]);
      offset += align8(bytes);
      return a;
    });
    return new RegionIndex({
      resDeg,
      width,
      height,
      cells: out[0] as Int32Array,
      mixedCentreLabel: out[1] as Int32Array,
      mixedEdgeStart: out[2] as Uint32Array,
      edgeRefs: out[3] as Uint32Array,
      edgeCoords: out[4] as Float32Array,
      edgeLabel: out[5] as Int32Array,
    });
  }
}

/** Columns either side of a cell that a search of radius km must read at this latitude. */
function colSpan(cosLat: number, km: number, resDeg: number): number {
  const dLon = Math.min(180, km / KM_PER_DEG / cosLat);
  return Math.ceil(dLon / resDeg) + 1;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** A longitude difference brought into [−180, 180]. */
function wrap(dx: number): number {
  return dx > 180 ? dx - 360 : dx < -180 ? dx + 360 : dx;
}

/** Squared distance in km² from (lat, lon) to edge e (a→b in `coords`) in a local equirectangular plane. */
function edgeDistanceKm2(lat: number, lon: number, cosLat: number, coords: Float32Array, e: number): number {
  const axk = wrap(coords[4 * e] - lon) * cosLat * KM_PER_DEG;
  const ayk = (coords[4 * e + 1] - lat) * KM_PER_DEG;
  const bxk = wrap(coords[4 * e + 2] - lon) * cosLat * KM_PER_DEG;
  const byk = (coords[4 * e + 3] - lat) * KM_PER_DEG;
  const dx = bxk - axk;
  const dy = byk - ayk;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? -(axk * dx + ayk * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  const qx = axk + t * dx;
  const qy = ayk + t * dy;
  return qx * qx + qy * qy;
}
