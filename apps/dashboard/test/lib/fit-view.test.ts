import assert from "node:assert/strict";
import { test } from "node:test";
import { fitView } from "../../src/lib/fit-view.ts";

test("an area is framed at its Mercator centre, at the zoom where its longer side fills the map", () => {
  // 90° of longitude is a quarter of the 512-px world: 128 px at zoom 0, so 512 px (no padding) at zoom 2.
  const v = fitView({ west: 0, south: -10, east: 90, north: 10 }, 512, 512, 0);
  assert.equal(v.longitude, 45);
  assert.ok(Math.abs(v.latitude) < 1e-9);
  assert.ok(Math.abs(v.zoom - 2) < 1e-9);
  // A tall area: its height decides. 60°N is at Mercator y = ½ − ln(tan 75°) / 2π = 0.29040 of the
  // world, so ±60° spans 0.41921 of it: 512 px at zoom log2(1 / 0.41921) = 1.2543.
  const tall = fitView({ west: 0, south: -60, east: 1, north: 60 }, 512, 512, 0);
  assert.ok(Math.abs(tall.zoom - 1.2543) < 1e-3, `zoom ${tall.zoom}`);
});

test("an area across the antimeridian is framed across it, and tiny areas stop at maxZoom", () => {
  const v = fitView({ west: 170, south: -5, east: -170, north: 5 }, 800, 600, 0);
  assert.equal(v.longitude, 180);
  assert.equal(fitView({ west: 2, south: 48, east: 2.0001, north: 48.0001 }, 800, 600).zoom, 16);
});
