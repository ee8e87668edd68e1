/**
 * The dataset the external-ingest benchmark scores against: `testSamples` test samples (ids
 * t0, t1, …) and `trainSamples` train samples (the geocells come from the train split), with
 * 1×1×3 patches, written by core's writeDataset under $GEOR_HOME/datasets.
 *
 * Coordinates are photos' places: within ~15 km of one of the 20,000 most populous places, each
 * with its Chain of Region. Locating a point near a city costs some 60–80 µs (the city lookup is
 * most of it), so 1M samples would take over a minute: the samples draw their coordinate from a
 * pool of POOL_SIZE located points instead (seeded, so the dataset is the same every run).
 */
import path from "node:path";
import { mulberry32, type Sample, writeDataset } from "@geor/core";
import { type Chain, loadChainOfRegion } from "@geor/geo";

const POOL_SIZE = 100_000;
const PLACES = 20_000;
/** Half the side of the square around a place a photo is taken in, in degrees. */
const SPREAD_DEG = 0.15;

export interface BenchDataset {
  name: string;
  dir: string;
  /** Test sample k is `t${k}`; its chain is pool[poolOf[k]]. */
  testSamples: number;
  poolOf: Int32Array;
  pool: Chain[];
  buildSeconds: number;
}

function locatedPool(
  n: number,
  seed: number,
  locate: (lat: number, lon: number) => Chain,
  places: Array<{ lat: number; lon: number }>,
): Chain[] {
  const rand = mulberry32(seed);
  const pool: Chain[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = places[Math.floor(rand() * places.length)] as { lat: number; lon: number };
    const lat = Math.max(-90, Math.min(90, p.lat + (rand() * 2 - 1) * SPREAD_DEG));
    let lon = p.lon + (rand() * 2 - 1) * SPREAD_DEG;
    if (lon > 180) lon -= 360;
    else if (lon < -180) lon += 360;
    pool[i] = locate(Number(lat.toFixed(5)), Number(lon.toFixed(5)));
  }
  return pool;
}

export async function makeBenchDataset(
  home: string,
  name: string,
  testSamples: number,
  trainSamples: number,
): Promise<BenchDataset> {
  const t0 = performance.now();
  const cor = await loadChainOfRegion();
  const places = cor.cityIndex.largest(0).slice(0, PLACES);
  const pool = locatedPool(
    Math.min(POOL_SIZE, testSamples + trainSamples),
    27,
    (lat, lon) => cor.locate(lat, lon),
    places,
  );
  const rand = mulberry32(28);
  const poolOf = new Int32Array(testSamples);
  const samples: Array<Omit<Sample, "cell">> = new Array(testSamples + trainSamples);
  for (let i = 0; i < samples.length; i++) {
    const k = Math.floor(rand() * pool.length);
    const { lat, lon, ...chain } = pool[k] as Chain;
    const test = i < testSamples;
    if (test) poolOf[i] = k;
    samples[i] = { id: test ? `t${i}` : `r${i - testSamples}`, split: test ? "test" : "train", lat, lon, chain };
  }
  const dir = path.join(home, "datasets", name);
  await writeDataset(dir, {
    name,
    kind: "bench",
    config: { testSamples, trainSamples, poolSize: pool.length },
    channels: ["r", "g", "b"],
    patch: { height: 1, width: 1, channels: 3 },
    sources: [],
    samples,
    patches: new Uint8Array(samples.length * 3),
  });
  return { name, dir, testSamples, poolOf, pool, buildSeconds: (performance.now() - t0) / 1000 };
}
