/**
 * Spatially blocked splits. The globe is cut into blockDeg × blockDeg blocks; each block goes
 * wholly to train, val or test by a seeded hash. On top of that a guard keeps patches of
 * different splits apart: a sample is accepted only if its patch footprint shares no ground
 * with an accepted patch of another split, so no test pixel was ever seen in training.
 */

import { hashUnit } from "../../util/random.ts";
import type { Split } from "../format.ts";
import { footprintsOverlap, type PatchGeometry, patchFootprint } from "./patch.ts";

export interface SplitFractions {
  train: number;
  val: number;
}

/** The split of the block holding (lat, lon). */
export function blockSplit(lat: number, lon: number, blockDeg: number, seed: number, f: SplitFractions): Split {
  const key = `${Math.floor((Math.min(lat, 89.999999) + 90) / blockDeg)}:${Math.floor((Math.min(lon, 179.999999) + 180) / blockDeg)}`;
  const u = hashUnit(key, seed);
  return u < f.train ? "train" : u < f.train + f.val ? "val" : "test";
}

type Footprint = ReturnType<typeof patchFootprint>;

/**
 * Accepted footprints in 1° buckets, one bucket map per split: a query reads only the other
 * splits' buckets, which are nearly empty away from block boundaries.
 */
export class FootprintGuard {
  private readonly bySplit = new Map<Split, Map<number, Footprint[]>>();
  constructor(private readonly geometry: PatchGeometry) {}

  private *bucketKeys(fp: Footprint): Generator<number> {
    const r0 = Math.floor(fp.lat[0] + 90);
    const r1 = Math.min(179, Math.floor(fp.lat[1] + 90));
    for (const [a, b] of fp.lon) {
      const c0 = Math.floor(a + 180);
      const c1 = Math.min(359, Math.floor(b + 180));
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) yield r * 360 + c;
    }
  }

  footprint(lat: number, lon: number): Footprint {
    return patchFootprint(lat, lon, this.geometry);
  }

  /** Would a patch at (lat, lon) in `split` overlap an accepted patch of another split? */
  conflicts(lat: number, lon: number, split: Split): boolean {
    const fp = this.footprint(lat, lon);
    for (const [other, buckets] of this.bySplit) {
      if (other === split) continue;
      for (const key of this.bucketKeys(fp)) {
        for (const b of buckets.get(key) ?? []) if (footprintsOverlap(fp, b)) return true;
      }
    }
    return false;
  }

  add(lat: number, lon: number, split: Split): void {
    const fp = this.footprint(lat, lon);
    let buckets = this.bySplit.get(split);
    if (!buckets) {
      buckets = new Map();
      this.bySplit.set(split, buckets);
    }
    for (const key of this.bucketKeys(fp)) {
      const list = buckets.get(key);
      if (list) list.push(fp);
      else buckets.set(key, [fp]);
    }
  }
}
