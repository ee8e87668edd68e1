/**
 * The spherical geometric median: the point x on the sphere that minimises the weighted sum of
 * great-circle distances Σ wᵢ d(x, pᵢ). Under a predicted distribution over places it is the
 * answer with the least expected Haversine error: when one place holds at least half the weight it
 * is that place exactly (a confident model keeps its hit), and when the weight is spread it moves
 * towards the middle of the spread (an unsure model hedges).
 *
 * Algorithm: start at the data point with the least cost; if it satisfies the optimality condition
 * of a data point (Vardi & Zhang: the weighted unit directions to the other points sum to at most
 * its own weight) it is the answer. Otherwise Weiszfeld iterations in the tangent plane at the
 * current point (Fletcher, Venkatasubramanian & Joshi 2009), each step kept only if it lowers
 * the cost (else halved).
 */
import { EARTH_RADIUS_KM } from "./haversine.ts";

const DEG = Math.PI / 180;

type Vec = [number, number, number];

const toVec = (lat: number, lon: number): Vec => {
  const cl = Math.cos(lat * DEG);
  return [cl * Math.cos(lon * DEG), cl * Math.sin(lon * DEG), Math.sin(lat * DEG)];
};
/** Angles below this (≈0.6 m) are the same point: acos near 1 is only this precise. */
const SAME = 1e-7;

const dot = (a: Vec, b: Vec) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const angle = (a: Vec, b: Vec) => Math.acos(Math.min(1, Math.max(-1, dot(a, b))));

/** The tangent vector at x pointing to p, of length d(x, p) in radians (the log map). */
function logMap(x: Vec, p: Vec): Vec {
  const c = Math.min(1, Math.max(-1, dot(x, p)));
  const theta = Math.acos(c);
  if (theta < SAME) return [0, 0, 0];
  const s = theta / Math.max(Math.sin(theta), 1e-12);
  return [(p[0] - c * x[0]) * s, (p[1] - c * x[1]) * s, (p[2] - c * x[2]) * s];
}

/** The point reached from x along the tangent vector v (the exponential map). */
function expMap(x: Vec, v: Vec): Vec {
  const t = Math.hypot(v[0], v[1], v[2]);
  if (t < 1e-15) return x;
  const c = Math.cos(t);
  const s = Math.sin(t) / t;
  const y: Vec = [c * x[0] + s * v[0], c * x[1] + s * v[1], c * x[2] + s * v[2]];
  const n = Math.hypot(y[0], y[1], y[2]);
  return [y[0] / n, y[1] / n, y[2] / n];
}

export interface SphericalMedian {
  lat: number;
  lon: number;
  /** Index of the data point that is the median (the optimality test at a data point), or −1 when it lies between them. */
  at: number;
  /** The minimised weighted mean great-circle distance, km. */
  meanKm: number;
}

/**
 * Weighted spherical geometric median of `points` (weights default to 1; non-positive weights
 * are ignored). At least one point must have a positive weight.
 */
export function sphericalMedian(
  points: ReadonlyArray<{ lat: number; lon: number }>,
  weights?: ArrayLike<number>,
  opts: { maxIterations?: number } = {},
): SphericalMedian {
  const idx: number[] = [];
  points.forEach((_, i) => {
    if ((weights ? weights[i] : 1) > 0) idx.push(i);
  });
  if (idx.length === 0) throw new RangeError("sphericalMedian needs at least one point with a positive weight");
  const P = idx.map((i) => toVec(points[i].lat, points[i].lon));
  const W = idx.map((i) => (weights ? weights[i] : 1));
  const total = W.reduce((a, b) => a + b, 0);
  const cost = (x: Vec) => {
    let s = 0;
    for (let j = 0; j < P.length; j++) s += W[j] * angle(x, P[j]);
    return s;
  };
  const result = (x: Vec, at: number, c: number): SphericalMedian => ({
    lat: Math.asin(Math.min(1, Math.max(-1, x[2]))) / DEG,
    lon: Math.atan2(x[1], x[0]) / DEG,
    at,
    meanKm: (c / total) * EARTH_RADIUS_KM,
  });
  // The best data point.
  let start = 0;
  let startCost = Number.POSITIVE_INFINITY;
  for (let j = 0; j < P.length; j++) {
    const c = cost(P[j]);
    if (c < startCost) {
      startCost = c;
      start = j;
    }
  }
  // Optimality at a data point: |Σ_{i≠j} wᵢ uᵢ| ≤ w_j, uᵢ the unit direction to pᵢ; w_j sums the
  // weights of the points at the start (logMap gives them no direction).
  const pull: Vec = [0, 0, 0];
  let atWeight = 0;
  for (let j = 0; j < P.length; j++) {
    const v = logMap(P[start], P[j]);
    const len = Math.hypot(v[0], v[1], v[2]);
    if (len < SAME) {
      atWeight += W[j];
      continue;
    }
    for (let d = 0; d < 3; d++) pull[d] += (W[j] * v[d]) / len;
  }
  const pullLen = Math.hypot(pull[0], pull[1], pull[2]);
  if (pullLen <= atWeight) return result(P[start], idx[start], startCost);
  // Leave the data point along the pull, then Weiszfeld steps in the tangent plane.
  let x = expMap(P[start], pull.map((v) => (v / pullLen) * 1e-4) as Vec);
  let c = cost(x);
  if (c > startCost) {
    x = P[start];
    c = startCost;
  }
  const maxIterations = opts.maxIterations ?? 200;
  for (let it = 0; it < maxIterations; it++) {
    const num: Vec = [0, 0, 0];
    let den = 0;
    for (let j = 0; j < P.length; j++) {
      const v = logMap(x, P[j]);
      const d = Math.max(Math.hypot(v[0], v[1], v[2]), 1e-10);
      for (let k = 0; k < 3; k++) num[k] += (W[j] * v[k]) / d;
      den += W[j] / d;
    }
    let step: Vec = [num[0] / den, num[1] / den, num[2] / den];
    let accepted = false;
    for (let halve = 0; halve < 20; halve++) {
      const y = expMap(x, step);
      const cy = cost(y);
      if (cy < c) {
        const moved = angle(x, y);
        x = y;
        c = cy;
        accepted = true;
        // Converged below a metre.
        if (moved * EARTH_RADIUS_KM < 1e-3) return result(x, -1, c);
        break;
      }
      step = [step[0] / 2, step[1] / 2, step[2] / 2];
    }
    if (!accepted) break;
  }
  return result(x, -1, c);
}
