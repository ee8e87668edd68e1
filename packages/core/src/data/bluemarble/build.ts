/**
 * The built-in "bluemarble" dataset: real NASA imagery, cut into local patches at land
 * locations, each labelled with its Chain of Region. Deterministic from the seed.
 *
 * Locations are a mix (cityFraction) of
 * - city points: a GeoNames place drawn with probability ∝ population, then a point uniform
 *   in the disc of the place's city radius (so a city is a region, not one pixel), and
 * - uniform land points: uniform on the sphere, kept when the Chain of Region has a country
 *   not in excludeCountries (Antarctica by default: 9% of the land, one label, all white).
 */
import { type ChainOfRegion, cityRadiusKm, KM_PER_DEG, loadChainOfRegion } from "@geor/geo";
import { z } from "zod";
import { mulberry32 } from "../../util/random.ts";
import type { DatasetManifest, Sample, SampleChain, Split } from "../format.ts";
import { resolveDatasetDir, writeDataset } from "../store.ts";
import { loadEarthImagery } from "./imagery.ts";
import { BLUEMARBLE_CHANNELS, cutPatch, type PatchGeometry } from "./patch.ts";
import { blockSplit, FootprintGuard } from "./splits.ts";

export const BLUEMARBLE_SIZES = { small: 5_000, medium: 30_000, large: 150_000 } as const;

/** The build configuration: the single source of defaults and validation messages. */
export const BlueMarbleConfig = z
  .object({
    size: z.enum(["small", "medium", "large"]).default("small"),
    /** Overrides the size's sample count (for tests and quick looks). */
    limit: z.number().int().min(10).max(1_000_000).optional(),
    seed: z.number().int().min(0).default(0),
    cityFraction: z.number().min(0).max(1).default(0.5),
    patchSize: z.number().int().min(8).max(256).default(32),
    patchKm: z.number().min(10).max(2000).default(300),
    blockDeg: z.number().min(0.1).max(90).default(5),
    /**
     * Reject a location whose patch would share ground with a patch of another split. Only
     * switch it off to measure how much overlap inflates scores (docs/datasets.md).
     */
    splitGuard: z.boolean().default(true),
    trainFraction: z.number().min(0).max(1).default(0.8),
    valFraction: z.number().min(0).max(1).default(0.1),
    excludeCountries: z.array(z.string().length(2)).default(["AQ"]),
    minPerCell: z.number().int().min(1).default(30),
    maxPerCell: z.number().int().min(2).default(300),
  })
  .refine((c) => c.trainFraction + c.valFraction <= 1, { message: "trainFraction + valFraction must be ≤ 1" })
  .refine((c) => c.minPerCell <= c.maxPerCell, { message: "minPerCell must be ≤ maxPerCell" });
export type BlueMarbleConfig = z.infer<typeof BlueMarbleConfig>;

export interface BuildProgress {
  stage: "imagery" | "locations" | "patches" | "geocells" | "writing" | "sprites" | "done";
  done: number;
  total: number;
}

const DEG = Math.PI / 180;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

type Candidate = { lat: number; lon: number; source: "city" | "uniform"; cityId?: number };

/**
 * Candidate locations, forever. Each accepted sample's source is drawn first (city with
 * probability cityFraction), then candidates of that source are offered until one is accepted,
 * so cityFraction holds for the accepted samples although uniform points land in the sea more.
 */
class CandidateSampler {
  private readonly rand: () => number;
  private readonly cities: Array<{ lat: number; lon: number; id: number; population: number }>;
  private readonly cumulative: Float64Array;
  private readonly totalPopulation: number;
  nextSource: "city" | "uniform" = "uniform";

  constructor(
    cor: ChainOfRegion,
    private readonly cfg: BlueMarbleConfig,
  ) {
    this.rand = mulberry32(cfg.seed * 7919 + 1);
    const excluded = new Set(cfg.excludeCountries);
    this.cities = cor.cityIndex.largest(0).filter((c) => !excluded.has(c.iso2));
    this.cumulative = new Float64Array(this.cities.length);
    let total = 0;
    this.cities.forEach((c, i) => {
      total += c.population;
      this.cumulative[i] = total;
    });
    this.totalPopulation = total;
    this.chooseSource();
  }

  /** Draws the source of the next sample to accept. */
  chooseSource(): void {
    this.nextSource = this.rand() < this.cfg.cityFraction && this.cities.length > 0 ? "city" : "uniform";
  }

  next(): Candidate {
    const rand = this.rand;
    if (this.nextSource === "uniform") {
      return { lat: Math.asin(2 * rand() - 1) / DEG, lon: rand() * 360 - 180, source: "uniform" };
    }
    const u = rand() * this.totalPopulation;
    let lo = 0;
    let hi = this.cities.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    const city = this.cities[lo];
    const r = cityRadiusKm(city.population) * Math.sqrt(rand());
    const bearing = 2 * Math.PI * rand();
    const lat = Math.max(-89.9, Math.min(89.9, city.lat + (r * Math.cos(bearing)) / KM_PER_DEG));
    let lon = city.lon + (r * Math.sin(bearing)) / (KM_PER_DEG * Math.max(0.05, Math.cos(city.lat * DEG)));
    lon = ((((lon + 180) % 360) + 360) % 360) - 180;
    return { lat, lon, source: "city", cityId: city.id };
  }
}

/**
 * Builds bluemarble and writes it under $GEOR_HOME/datasets/<name> (default
 * `bluemarble-<size>`). Returns the manifest.
 */
export async function buildBlueMarble(
  config: z.input<typeof BlueMarbleConfig> = {},
  opts: { name?: string; outDir?: string; overwrite?: boolean; onProgress?: (p: BuildProgress) => void } = {},
): Promise<{ manifest: DatasetManifest; dir: string }> {
  const cfg = BlueMarbleConfig.parse(config);
  const name = opts.name ?? `bluemarble-${cfg.size}`;
  const dir = opts.outDir ?? resolveDatasetDir(name);
  const total = cfg.limit ?? BLUEMARBLE_SIZES[cfg.size];
  const progress = opts.onProgress ?? (() => {});
  const geometry: PatchGeometry = { size: cfg.patchSize, kmAcross: cfg.patchKm };

  progress({ stage: "imagery", done: 0, total: 1 });
  const [cor, imagery] = await Promise.all([loadChainOfRegion(), loadEarthImagery()]);
  progress({ stage: "imagery", done: 1, total: 1 });

  const quota: Record<Split, number> = {
    train: Math.round(total * cfg.trainFraction),
    val: Math.round(total * cfg.valFraction),
    test: 0,
  };
  quota.test = total - quota.train - quota.val;
  const fractions = { train: cfg.trainFraction, val: cfg.valFraction };
  const excluded = new Set(cfg.excludeCountries);
  const guard = new FootprintGuard(geometry);
  const accepted: Array<{ lat: number; lon: number; split: Split; chain: SampleChain; meta: Record<string, string> }> =
    [];
  const filled: Record<Split, number> = { train: 0, val: 0, test: 0 };
  const maxAttempts = 1000 * total;
  let attempts = 0;
  const sampler = new CandidateSampler(cor, cfg);
  while (accepted.length < total) {
    const candidate = sampler.next();
    // Stored coordinates are rounded to 1e-6° (11 cm); label and cut from the stored value.
    const c = { ...candidate, lat: round6(candidate.lat), lon: round6(candidate.lon) };
    if (++attempts > maxAttempts) {
      throw new Error(
        `bluemarble: gave up after ${maxAttempts} candidate locations with ${JSON.stringify(filled)} of ${JSON.stringify(quota)} filled; try another --seed or a larger blockDeg`,
      );
    }
    const split = blockSplit(c.lat, c.lon, cfg.blockDeg, cfg.seed, fractions);
    if (filled[split] >= quota[split]) continue;
    // Val and test are filled first: accepted in arrival order, they spread over all of their
    // blocks; train then fills around them. (Interleaved, the guard let early train patches
    // crowd val/test out of most blocks, leaving them in a few clusters.)
    const heldOutFull = filled.val >= quota.val && filled.test >= quota.test;
    if (split === "train" && !heldOutFull) continue;
    const chain = cor.locate(c.lat, c.lon);
    if (!chain.country || excluded.has(chain.country.iso2)) continue;
    if (cfg.splitGuard && guard.conflicts(c.lat, c.lon, split)) continue;
    guard.add(c.lat, c.lon, split);
    filled[split]++;
    sampler.chooseSource();
    const meta: Record<string, string> = { source: c.source };
    if (c.cityId !== undefined) meta.sampledCity = String(c.cityId);
    accepted.push({
      lat: c.lat,
      lon: c.lon,
      split,
      chain: { continent: chain.continent, country: chain.country, admin1: chain.admin1, city: chain.city },
      meta,
    });
    if (accepted.length % 500 === 0) progress({ stage: "locations", done: accepted.length, total });
  }
  progress({ stage: "locations", done: accepted.length, total });

  const C = BLUEMARBLE_CHANNELS.length;
  const patchBytes = cfg.patchSize * cfg.patchSize * C;
  const patches = new Uint8Array(accepted.length * patchBytes);
  const samples: Array<Omit<Sample, "cell">> = accepted.map((a, i) => {
    cutPatch(imagery, a.lat, a.lon, geometry, patches, i * patchBytes);
    if (i % 1000 === 999) progress({ stage: "patches", done: i + 1, total: accepted.length });
    return {
      id: `bm-${String(i).padStart(6, "0")}`,
      split: a.split,
      lat: a.lat,
      lon: a.lon,
      chain: a.chain,
      meta: a.meta,
    };
  });
  progress({ stage: "patches", done: accepted.length, total: accepted.length });

  const manifest = await writeDataset(dir, {
    name,
    kind: "bluemarble",
    config: { ...cfg, total },
    channels: [...BLUEMARBLE_CHANNELS],
    patch: { height: cfg.patchSize, width: cfg.patchSize, channels: C },
    sources: imagery.sources,
    samples,
    patches,
    geocells: { minPerCell: cfg.minPerCell, maxPerCell: cfg.maxPerCell },
    overwrite: opts.overwrite,
    onProgress: (stage) => progress({ stage: stage as BuildProgress["stage"], done: 0, total: 1 }),
  });
  progress({ stage: "done", done: 1, total: 1 });
  return { manifest, dir };
}
