/**
 * Geocells: a partition of training coordinates into cells nested inside admin-1 areas, the
 * finest class level of the model ("City or Place" in the paper's chain).
 *
 * Algorithm (deterministic; input order does not matter):
 * 1. Group points by country, then admin-1.
 * 2. Merge sparse admin-1 groups: while a country has a group with fewer than `minPerCell`
 *    points and more than one group, merge the smallest into the group with the nearest
 *    centroid (ties by code), unless that centroid is farther than `maxMergeKm`: then the
 *    sparse group stays a cell of its own. A country with fewer points than the minimum stays one cell.
 * 3. Split dense groups: a group with more than `maxPerCell` points is cut at the median of
 *    its longer axis (km on a local projection) recursively — a balanced k-d split.
 * 4. Each leaf is a cell: id (position in the sorted list), country, admin-1 codes, centroid
 *    (spherical mean) and the name of its most populous place.
 * The split tree is kept, so a new coordinate is assigned to exactly the cell its training
 * neighbours are in (assign()).
 */
import type { Chain } from "./chain-of-region.ts";
import { haversineKmUnchecked, KM_PER_DEG } from "./haversine.ts";

/** A training point: its coordinate and its Chain of Region. */
export interface GeocellPoint {
  lat: number;
  lon: number;
  chain: Pick<Chain, "country" | "admin1" | "city">;
}

export interface GeocellOptions {
  /** Sparse admin-1 groups are merged until they hold at least this many points. Default 20. */
  minPerCell?: number;
  /** Groups are split until no cell holds more than this many points. Default 200. */
  maxPerCell?: number;
  /**
   * A sparse group merges only into a group whose centroid is within this distance; farther
   * (the Canary Islands and Córdoba) it stays a small cell of its own. Default 500 km.
   */
  maxMergeKm?: number;
}

export interface Geocell {
  id: number;
  /** ISO2 of the country, or "" for points without one. */
  country: string;
  /** Admin-1 codes merged into this cell's group (one unless sparse areas were merged). */
  admin1: string[];
  /** Spherical mean of the cell's points. */
  lat: number;
  lon: number;
  /** Name of the most populous place among the cell's points, else its admin-1 name. */
  name: string;
  count: number;
}

type SplitNode = { axis: "lat" | "lon"; value: number; below: SplitNode; above: SplitNode } | { cell: number };

interface Group {
  country: string;
  admin1: string[];
  /** Sample admin-1 name, for naming cells without a city. */
  admin1Name: string;
  tree: SplitNode;
}

export interface GeocellsJSON {
  version: 1;
  options: Required<GeocellOptions>;
  cells: Geocell[];
  groups: Group[];
}

const DEG = Math.PI / 180;

/** Mean direction of points on the unit sphere, optionally weighted, as lat/lon (a centroid that respects the dateline). */
export function sphericalMean(
  points: ReadonlyArray<{ lat: number; lon: number }>,
  weights?: ArrayLike<number>,
): { lat: number; lon: number } {
  let x = 0;
  let y = 0;
  let z = 0;
  points.forEach((p, i) => {
    const w = weights ? weights[i] : 1;
    const cl = Math.cos(p.lat * DEG);
    x += w * cl * Math.cos(p.lon * DEG);
    y += w * cl * Math.sin(p.lon * DEG);
    z += w * Math.sin(p.lat * DEG);
  });
  const h = Math.hypot(x, y);
  if (h < 1e-12 && Math.abs(z) < 1e-12) return { lat: points[0]?.lat ?? 0, lon: points[0]?.lon ?? 0 };
  return { lat: Math.atan2(z, h) / DEG, lon: Math.atan2(y, x) / DEG };
}

function comparePoints(a: GeocellPoint, b: GeocellPoint): number {
  return a.lat - b.lat || a.lon - b.lon;
}

export class Geocells {
  readonly cells: readonly Geocell[];
  private readonly groups: Group[];
  private readonly options: Required<GeocellOptions>;
  private readonly groupByAdmin1 = new Map<string, number>();
  private readonly groupsByCountry = new Map<string, number[]>();
  /** assign()'s fallback candidates per country ("" = every cell), sorted by latitude on first use. */
  private readonly candidates = new Map<string, ByLatitude>();

  constructor(json: GeocellsJSON) {
    if (json.version !== 1) throw new Error(`geocells: got format v${String(json.version)} when expected v1`);
    this.cells = json.cells;
    this.groups = json.groups;
    this.options = json.options;
    json.groups.forEach((g, i) => {
      for (const code of g.admin1) this.groupByAdmin1.set(code, i);
      const list = this.groupsByCountry.get(g.country) ?? [];
      list.push(i);
      this.groupsByCountry.set(g.country, list);
    });
  }

  get size(): number {
    return this.cells.length;
  }

  /**
   * The cell of a coordinate with its chain: through its admin-1 group's split tree when the
   * group exists; else the nearest cell centroid in its country (of equally near ones the
   * smallest id); else the nearest overall.
   */
  assign(lat: number, lon: number, chain: Pick<Chain, "country" | "admin1">): number {
    const code = chain.admin1?.code;
    const g = code === undefined ? undefined : this.groupByAdmin1.get(code);
    if (g !== undefined) return descend(this.groups[g].tree, lat, lon);
    // A centroid is at least its latitude difference away (along the meridian), so the candidates
    // are read outward from the point's latitude until that bound passes the best distance: those
    // left are strictly farther (a relative 1e-9 margin covers rounding), the answer is a full scan's.
    const { ids, lats, lons } = this.candidatesIn(chain.country?.iso2 ?? "");
    let hi = firstAtLeast(lats, lat);
    let lo = hi - 1;
    let best = 0;
    let bestKm = Number.POSITIVE_INFINITY;
    while (lo >= 0 || hi < ids.length) {
      const below = lo >= 0 ? lat - lats[lo] : Number.POSITIVE_INFINITY;
      const above = hi < ids.length ? lats[hi] - lat : Number.POSITIVE_INFINITY;
      if (Math.min(below, above) * KM_PER_DEG > bestKm * (1 + 1e-9) + 1e-9) break;
      const i = below <= above ? lo-- : hi++;
      const km = haversineKmUnchecked(lat, lon, lats[i], lons[i]);
      if (km < bestKm || (km === bestKm && ids[i] < best)) {
        bestKm = km;
        best = ids[i];
      }
    }
    return best;
  }

  /** The cells of a country's groups, or every cell when it has none. */
  private candidatesIn(iso2: string): ByLatitude {
    let list = this.candidates.get(iso2);
    if (list === undefined) {
      const inCountry = this.groupsByCountry.get(iso2);
      list = inCountry
        ? byLatitude(
            inCountry.flatMap((gi) => leaves(this.groups[gi].tree)),
            this.cells,
          )
        : (this.candidates.get("") ??
          byLatitude(
            this.cells.map((c) => c.id),
            this.cells,
          ));
      this.candidates.set(iso2, list);
    }
    return list;
  }

  toJSON(): GeocellsJSON {
    return { version: 1, options: this.options, cells: [...this.cells], groups: this.groups };
  }

  static fromJSON(json: GeocellsJSON): Geocells {
    return new Geocells(json);
  }
}

/** Cells sorted by centroid latitude, for assign()'s outward search. */
interface ByLatitude {
  ids: Int32Array;
  lats: Float64Array;
  lons: Float64Array;
}

function byLatitude(ids: number[], cells: readonly Geocell[]): ByLatitude {
  const sorted = [...ids].sort((a, b) => cells[a].lat - cells[b].lat || a - b);
  return {
    ids: Int32Array.from(sorted),
    lats: Float64Array.from(sorted, (id) => cells[id].lat),
    lons: Float64Array.from(sorted, (id) => cells[id].lon),
  };
}

/** The first index whose value is ≥ x in an ascending array (its length if none). */
function firstAtLeast(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function descend(node: SplitNode, lat: number, lon: number): number {
  let n = node;
  while (!("cell" in n)) n = (n.axis === "lat" ? lat : lon) < n.value ? n.below : n.above;
  return n.cell;
}

function leaves(node: SplitNode): number[] {
  return "cell" in node ? [node.cell] : [...leaves(node.below), ...leaves(node.above)];
}

interface WorkGroup {
  country: string;
  admin1: string[];
  admin1Name: string;
  points: GeocellPoint[];
}

/**
 * Partitions training points into geocells.
 * @example
 * const cells = buildGeocells(points.map((p) => ({ lat: p.lat, lon: p.lon, chain: cor.locate(p.lat, p.lon) })));
 * cells.assign(lat, lon, chain); // → cell id
 */
export function buildGeocells(points: GeocellPoint[], opts: GeocellOptions = {}): Geocells {
  const options = {
    minPerCell: opts.minPerCell ?? 20,
    maxPerCell: opts.maxPerCell ?? 200,
    maxMergeKm: opts.maxMergeKm ?? 500,
  };
  if (!(options.minPerCell >= 1) || !(options.maxPerCell >= 2) || options.maxPerCell < options.minPerCell) {
    throw new RangeError(
      `buildGeocells: need 1 ≤ minPerCell ≤ maxPerCell and maxPerCell ≥ 2, got minPerCell ${options.minPerCell}, maxPerCell ${options.maxPerCell}`,
    );
  }
  if (points.length === 0) throw new RangeError("buildGeocells: no points given");

  // 1. Group by country → admin-1 (points without a country form one group "").
  const byCountry = new Map<string, Map<string, WorkGroup>>();
  for (const p of points) {
    const country = p.chain.country?.iso2 ?? "";
    const admin1 = p.chain.admin1?.code ?? "";
    const groups = byCountry.get(country) ?? new Map<string, WorkGroup>();
    const g = groups.get(admin1) ?? { country, admin1: [admin1], admin1Name: p.chain.admin1?.name ?? "", points: [] };
    g.points.push(p);
    groups.set(admin1, g);
    byCountry.set(country, groups);
  }

  // 2. Merge sparse admin-1 groups within each country.
  const finalGroups: WorkGroup[] = [];
  for (const country of [...byCountry.keys()].sort()) {
    const groups = [...(byCountry.get(country)?.values() ?? [])].sort((a, b) => a.admin1[0].localeCompare(b.admin1[0]));
    // Groups too far from any other to merge stay as they are (an island province).
    const settled = new Set<WorkGroup>();
    for (;;) {
      if (groups.length <= 1) break;
      let smallest = -1;
      for (let i = 0; i < groups.length; i++) {
        if (settled.has(groups[i])) continue;
        if (smallest < 0 || groups[i].points.length < groups[smallest].points.length) smallest = i;
      }
      if (smallest < 0 || groups[smallest].points.length >= options.minPerCell) break;
      const from = groups[smallest];
      const c = sphericalMean(from.points);
      let target = -1;
      let targetKm = Number.POSITIVE_INFINITY;
      groups.forEach((g, i) => {
        if (i === smallest) return;
        const m = sphericalMean(g.points);
        const km = haversineKmUnchecked(c.lat, c.lon, m.lat, m.lon);
        if (km < targetKm) {
          targetKm = km;
          target = i;
        }
      });
      if (targetKm > options.maxMergeKm) {
        settled.add(from);
        continue;
      }
      const into = groups[target];
      into.points.push(...from.points);
      into.admin1 = [...into.admin1, ...from.admin1].sort();
      groups.splice(smallest, 1);
    }
    finalGroups.push(...groups);
  }

  // 3. Split dense groups; 4. number the leaves in order.
  const cells: Geocell[] = [];
  const groups: Group[] = finalGroups.map((g) => ({
    country: g.country,
    admin1: g.admin1,
    admin1Name: g.admin1Name,
    tree: split(g, [...g.points].sort(comparePoints), options.maxPerCell, cells),
  }));
  return new Geocells({ version: 1, options, cells, groups });
}

function split(group: WorkGroup, pts: GeocellPoint[], maxPerCell: number, cells: Geocell[]): SplitNode {
  if (pts.length > maxPerCell) {
    const mean = sphericalMean(pts);
    let latMin = Number.POSITIVE_INFINITY;
    let latMax = Number.NEGATIVE_INFINITY;
    let lonMin = Number.POSITIVE_INFINITY;
    let lonMax = Number.NEGATIVE_INFINITY;
    for (const p of pts) {
      latMin = Math.min(latMin, p.lat);
      latMax = Math.max(latMax, p.lat);
      lonMin = Math.min(lonMin, p.lon);
      lonMax = Math.max(lonMax, p.lon);
    }
    const axis = (lonMax - lonMin) * Math.cos(mean.lat * DEG) > latMax - latMin ? "lon" : "lat";
    const sorted = [...pts].sort((a, b) => a[axis] - b[axis] || comparePoints(a, b));
    const mid = sorted.length >> 1;
    const value = sorted[mid][axis];
    const below = sorted.filter((p) => p[axis] < value);
    const above = sorted.filter((p) => p[axis] >= value);
    // Identical coordinates cannot be split: keep them as one (over-full) cell.
    if (below.length > 0 && above.length > 0) {
      return {
        axis,
        value,
        below: split(group, below, maxPerCell, cells),
        above: split(group, above, maxPerCell, cells),
      };
    }
  }
  const id = cells.length;
  const centre = sphericalMean(pts);
  let name = group.admin1Name || group.country || "Ocean";
  let bestPop = -1;
  for (const p of pts) {
    const city = p.chain.city;
    if (city && (city.population > bestPop || (city.population === bestPop && city.name < name))) {
      bestPop = city.population;
      name = city.name;
    }
  }
  cells.push({
    id,
    country: group.country,
    admin1: group.admin1,
    lat: centre.lat,
    lon: centre.lon,
    name,
    count: pts.length,
  });
  return { cell: id };
}
