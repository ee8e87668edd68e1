/**
 * The mapView part of the API benchmark: synthetic true locations clustered like photos (most in
 * towns), and the latency of three views of a 1280 × 800 px map — the world (bins), a continent
 * (bins) and a city (points) — first while the experiment runs (nothing cached: every view is
 * computed from the map's source, which the first request builds), then once it has ended (cached).
 */
import { mulberry32 } from "@geor/core";
import { type Latency, latencyOf, postQuery } from "./timing.ts";

/** 200 towns, Zipf-weighted, hold 70% of the photos (σ 0.3° around each); the rest lie anywhere from 60°S to 80°N. */
const TOWNS = (() => {
  const rand = mulberry32(5);
  return Array.from({ length: 200 }, () => ({ lat: rand() * 120 - 50, lon: rand() * 360 - 180 }));
})();
const TOWN_SHARE = 0.7;
const TOWN_WEIGHT_SUM = TOWNS.reduce((s, _, i) => s + 1 / (i + 1), 0);

/** A true location: in a town (Box–Muller normal offsets) or anywhere. */
export function trueLocation(rand: () => number): { lat: number; lon: number } {
  if (rand() >= TOWN_SHARE) return { lat: rand() * 140 - 60, lon: rand() * 360 - 180 };
  // Town t has weight 1/(t + 1): walk down the weights until u is spent.
  let t = 0;
  let u = rand() * TOWN_WEIGHT_SUM - 1;
  while (t < TOWNS.length - 1 && u > 0) {
    t++;
    u -= 1 / (t + 1);
  }
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lat = Math.max(-89.9, Math.min(89.9, TOWNS[t].lat + 0.3 * normal()));
  const lon = ((TOWNS[t].lon + 0.3 * normal() + 540) % 360) - 180;
  return { lat, lon };
}

const MAP_VIEW = `query($f: PredictionFilter!, $view: MapViewInput!) {
  mapView(filter: $f, view: $view) {
    mode total level covered { west south east north }
    points { count ids truePositions predictedPositions errorKm }
    bins { count bounds counts meanLogErrorKm accuracy worstIds }
  }
}`;

const WIDTH_PX = 1280;
const HEIGHT_PX = 800;
/** The views: centre and deck.gl zoom (the world: the whole 1280-px width at zoom 1.32). */
const VIEWS = {
  world: { lon: 0, lat: 20, zoom: 1.32 },
  continent: { lon: 10, lat: 48, zoom: 3 },
  // The fifth most visited town, close up.
  city: { lon: TOWNS[4].lon, lat: TOWNS[4].lat, zoom: 11 },
};
type ViewName = keyof typeof VIEWS;

/** The bounds deck.gl's WebMercatorViewport gives a WIDTH × HEIGHT view, its centre moved by (dx, dy) px. */
function boundsOf(v: { lon: number; lat: number; zoom: number }, dx: number, dy: number) {
  const world = 512 * 2 ** v.zoom;
  const mercY = (lat: number) => 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
  const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  const x = ((v.lon + 180) / 360) * world + dx;
  const y = mercY(v.lat) * world + dy;
  return {
    west: ((x - WIDTH_PX / 2) / world) * 360 - 180,
    east: ((x + WIDTH_PX / 2) / world) * 360 - 180,
    north: Math.min(90, latOf(Math.max(0, (y - HEIGHT_PX / 2) / world))),
    south: Math.max(-90, latOf(Math.min(1, (y + HEIGHT_PX / 2) / world))),
  };
}

interface ViewFigures extends Latency {
  mode: string;
  total: number;
  level: number;
  bins: number | null;
  points: number | null;
  responseBytes: number;
}

async function series(url: string, experimentId: string, name: ViewName, repeats: number, pan: boolean) {
  const pick = mulberry32(17);
  const ms: number[] = [];
  let last: { bytes: number; data: Record<string, unknown> } | null = null;
  for (let i = -3; i < repeats; i++) {
    // Uncached runs pan by up to 300 px, so they ask for other tiles too.
    const [dx, dy] = pan ? [(pick() - 0.5) * 600, (pick() - 0.5) * 600] : [0, 0];
    const r = await postQuery(url, MAP_VIEW, {
      f: { experimentId },
      view: { bounds: boundsOf(VIEWS[name], dx, dy), zoom: VIEWS[name].zoom },
    });
    if (i >= 0) ms.push(r.ms);
    last = r;
  }
  const v = (last as { data: Record<string, unknown> }).data.mapView as {
    mode: string;
    total: number;
    level: number;
    bins: { count: number } | null;
    points: { count: number } | null;
  };
  const figures: ViewFigures = {
    ...latencyOf(ms),
    mode: v.mode,
    total: v.total,
    level: v.level,
    bins: v.bins?.count ?? null,
    points: v.points?.count ?? null,
    responseBytes: (last as { bytes: number }).bytes,
  };
  return { figures, ms };
}

/**
 * While the experiment runs: the first request (which builds the map's source, one pass over the
 * rows) and then every view computed afresh; apiAggregateMs pools the two bins views.
 */
export async function mapViewUncached(url: string, experimentId: string, repeats: number) {
  const first = await postQuery(url, MAP_VIEW, {
    f: { experimentId },
    view: { bounds: boundsOf(VIEWS.world, 0, 0), zoom: VIEWS.world.zoom },
  });
  const world = await series(url, experimentId, "world", repeats, true);
  const continent = await series(url, experimentId, "continent", repeats, true);
  const city = await series(url, experimentId, "city", repeats, true);
  return {
    firstBuildMs: +first.ms.toFixed(1),
    worldResponseBytes: first.bytes,
    apiAggregateMs: latencyOf([...world.ms, ...continent.ms]),
    world: world.figures,
    continent: continent.figures,
    city: city.figures,
  };
}

/** Once the experiment has ended: the same views, kept in memory after their first request. */
export async function mapViewCached(url: string, experimentId: string, repeats: number) {
  const out: Partial<Record<ViewName, ViewFigures>> = {};
  for (const name of Object.keys(VIEWS) as ViewName[])
    out[name] = (await series(url, experimentId, name, repeats, false)).figures;
  return out;
}
