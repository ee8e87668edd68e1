/**
 * The chain a coordinate lies in, as a prediction that is only a coordinate is scored: country and
 * admin-1 by the Chain of Region's rules, the place by the dataset's geocells (a new coordinate goes
 * to the cell its training neighbours are in). The regress head and external runs' coordinates
 * both read their chain here, so both are scored the same way.
 */
import type { Admin1, ChainOfRegion, Country, Geocells } from "@geor/geo";

export interface CoordinateChain {
  country: Country | null;
  admin1: Admin1 | null;
  place: { cell: number; name: string };
}

export function coordinateChain(lat: number, lon: number, cor: ChainOfRegion, geocells: Geocells): CoordinateChain {
  // The unit without the city: a scored coordinate's chain has no city level.
  const unit = cor.unitOf(lat, lon);
  const country = unit?.country ?? null;
  const admin1 = unit?.admin1 ?? null;
  const cell = geocells.assign(lat, lon, { country, admin1 });
  return {
    country,
    admin1,
    place: { cell, name: geocells.cells[cell]?.name ?? "" },
  };
}
