/**
 * Eval reports and ablation rows written before the third scored level was named `place` call it
 * `city` (the geocell all along, never the Chain of Region's named town). Files on disk keep their
 * old spelling; everything that reads one back goes through here.
 */
import type { LevelAccuracy } from "@geor/geo/constants";

type StoredLevels = Omit<LevelAccuracy, "place"> & { place?: number; city?: number };

/** The levels of a stored report or row, with `place` filled from an old `city`. */
export function storedLevels(levels: StoredLevels): LevelAccuracy {
  const { city, place, ...rest } = levels;
  return { ...rest, place: place ?? (city as number) };
}

/** A stored report or ablation row with its levels under today's names. */
export function withStoredLevels<T extends { levels: StoredLevels }>(
  r: T,
): Omit<T, "levels"> & { levels: LevelAccuracy } {
  return { ...r, levels: storedLevels(r.levels) };
}
