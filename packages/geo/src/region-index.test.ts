import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KM_PER_DEG } from "./haversine.ts";
import { buildRegionIndex, type LabelledPolygon, RegionIndex, type Ring } from "./region-index.ts";

/** Crossing-number point-in-polygon over all rings (holes by parity): the slow reference. */
function bruteForce(polygons: LabelledPolygon[], lat: number, lon: number): number {
  const hits: number[] = [];
  for (const p of polygons) {
    let inside = false;
    for (const ring of p.rings) {
      const n = ring.length / 2;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const xi = ring[2 * i];
        const yi = ring[2 * i + 1];
        const xj = ring[2 * j];
        const yj = ring[2 * j + 1];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) hits.push(p.label);
  }
  return hits.length === 0 ? -1 : Math.min(...hits);
}

/**
 * The nearest boundary by scanning every edge (float32-rounded as the index stores them), with
 * nearest()'s projection and tie rule: the slow reference. Away from the poles, edges on the far
 * side of the globe are skipped: the projection folds them over (they are never near).
 */
function bruteNearest(polygons: LabelledPolygon[], lat: number, lon: number, maxKm: number) {
  const cosLat = Math.max(Math.cos((lat * Math.PI) / 180), 1e-6);
  const wrap = (dx: number) => (dx > 180 ? dx - 360 : dx < -180 ? dx + 360 : dx);
  let label = -1;
  let best = maxKm * maxKm;
  for (const p of polygons)
    for (const ring of p.rings) {
      const n = ring.length / 2;
      for (let i = 0; i < n; i++) {
        const j = (i + 1) % n;
        const far = (x: number) => Math.abs(wrap(Math.fround(x) - lon)) > 90;
        if (Math.abs(lat) < 89 && far(ring[2 * i]) && far(ring[2 * j])) continue;
        const ax = wrap(Math.fround(ring[2 * i]) - lon) * cosLat * KM_PER_DEG;
        const ay = (Math.fround(ring[2 * i + 1]) - lat) * KM_PER_DEG;
        const bx = wrap(Math.fround(ring[2 * j]) - lon) * cosLat * KM_PER_DEG;
        const by = (Math.fround(ring[2 * j + 1]) - lat) * KM_PER_DEG;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = Math.max(0, Math.min(1, len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0));
        const d2 = (ax + t * dx) ** 2 + (ay + t * dy) ** 2;
        if (d2 < best || (d2 === best && label >= 0 && p.label < label)) {
          best = d2;
          label = p.label;
        }
      }
    }
  return { label, km: label < 0 ? Number.POSITIVE_INFINITY : Math.sqrt(best) };
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A star-shaped polygon with many wiggly vertices: edges cross cells in every direction. */
function star(cx: number, cy: number, r: number, n: number, rand: () => number): Ring {
  const ring: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const rr = r * (0.6 + 0.4 * rand());
    ring.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
  }
  return ring;
}

const square = (x0: number, y0: number, x1: number, y1: number): Ring => [x0, y0, x1, y0, x1, y1, x0, y1];

describe("RegionIndex", () => {
  const rand = mulberry32(42);
  const polygons: LabelledPolygon[] = [
    // a square with a square hole
    { label: 0, rings: [square(10, 10, 12, 12), square(10.5, 10.5, 11.5, 11.5)] },
    // two squares sharing an edge
    { label: 1, rings: [square(-5, -5, -4, -4)] },
    { label: 2, rings: [square(-4, -5, -3, -4)] },
    // an island inside the first polygon's hole
    { label: 3, rings: [square(10.9, 10.9, 11.1, 11.1)] },
    // wiggly polygons whose edges are shorter and longer than a cell
    { label: 4, rings: [star(30, 40, 1.3, 400, rand)] },
    { label: 5, rings: [star(-60, -20, 3, 37, rand)] },
    // touching the antimeridian
    { label: 6, rings: [square(179.2, -1, 180, 1)] },
    // near the pole, where a search window wraps all the way round
    { label: 7, rings: [square(-20, 89.5, 20, 89.8)] },
  ];
  const index = buildRegionIndex(polygons, 0.25);

  it("agrees with brute-force point-in-polygon on 20,000 random points near the shapes", () => {
    const centres = [
      [11, 11],
      [-4, -4.5],
      [30, 40],
      [-60, -20],
      [179.6, 0],
    ];
    let disagreements = 0;
    for (let k = 0; k < 20000; k++) {
      const [cx, cy] = centres[k % centres.length];
      const lon = Math.max(-180, Math.min(180, cx + (rand() - 0.5) * 8));
      const lat = cy + (rand() - 0.5) * 8;
      if (index.locate(lat, lon) !== bruteForce(polygons, lat, lon)) disagreements++;
    }
    assert.equal(disagreements, 0);
  });

  it("answers holes, islands in holes and shared edges", () => {
    assert.equal(index.locate(10.2, 10.2), 0);
    assert.equal(index.locate(10.7, 10.7), -1); // in the hole
    assert.equal(index.locate(11, 11), 3); // island in the hole
    assert.equal(index.locate(-4.5, -4.5), 1);
    assert.equal(index.locate(-4.5, -3.5), 2);
    assert.equal(index.locate(0, 0), -1);
  });

  it("finds the nearest polygon within a distance, and nothing beyond it", () => {
    // 0.1° east of polygon 2's east edge (lon −3) at the equator-ish latitude −4.5: ≈ 11.1 km
    const near = index.nearest(-4.5, -2.9, 25);
    assert.equal(near.label, 2);
    assert.ok(Math.abs(near.km - 0.1 * 111.195 * Math.cos((4.5 * Math.PI) / 180)) < 0.05, `got ${near.km}`);
    assert.equal(index.nearest(-4.5, -2.9, 5).label, -1);
  });

  it("finds the same nearest boundary as a scan of every edge, 5,000 random points", () => {
    const centres = [
      [11, 11, 25],
      [-4, -4.5, 25],
      [30, 40, 25],
      [-60, -20, 60],
      [179.6, 0, 25],
      [0, 89.9, 25],
    ];
    let disagreements = 0;
    for (let k = 0; k < 5000; k++) {
      const [cx, cy, maxKm] = centres[k % centres.length];
      const lon = Math.max(-180, Math.min(180, cx + (rand() - 0.5) * 8));
      const lat = Math.max(-90, Math.min(90, cy + (rand() - 0.5) * 8));
      const got = index.nearest(lat, lon, maxKm);
      const want = bruteNearest(polygons, lat, lon, maxKm);
      if (got.label !== want.label || Math.abs(got.km - want.km) > 1e-9) disagreements++;
    }
    assert.equal(disagreements, 0);
  });

  it("round-trips through one ArrayBuffer and rejects foreign bytes", () => {
    const copy = RegionIndex.deserialize(index.serialize());
    for (const [lat, lon] of [
      [10.2, 10.2],
      [11, 11],
      [40, 30],
      [-20, -60],
    ]) {
      assert.equal(copy.locate(lat, lon), index.locate(lat, lon));
    }
    assert.throws(() => RegionIndex.deserialize(new ArrayBuffer(64)), /bad magic number/);
    const buf = index.serialize();
    new DataView(buf).setUint32(4, 99, true);
    assert.throws(() => RegionIndex.deserialize(buf), /got format v99 when expected v1/);
  });
});
