/**
 * A realistic mix of stated chains for the place-name benchmark: the true chains of points
 * near the 5,000 most populous places, stated the way model answers state them — the Chain of
 * Region's own English names, lower case without accents, ISO codes for the country, designator
 * words around the admin-1, the city alone, a wrong city, and names that resolve to nothing.
 */
import type { ChainOfRegion } from "../src/chain-of-region.ts";
import type { City } from "../src/cities.ts";
import type { StatedNames } from "../src/place-names.ts";

export interface StatedRow {
  stated: StatedNames;
  /** The true city, for sameCity. */
  truth: City | null;
}

const strip = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();

export function statedMix(cor: ChainOfRegion, n: number, seed: number): StatedRow[] {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const places = cor.cityIndex.largest(0).slice(0, 5000);
  const rows: StatedRow[] = [];
  for (let i = 0; i < n; i++) {
    const p = places[Math.floor(rand() * places.length)];
    // Within ~10 km of the place, as photos of it are.
    const chain = cor.locate(p.lat + (rand() - 0.5) * 0.15, p.lon + (rand() - 0.5) * 0.15);
    const country = chain.country?.name ?? null;
    const admin1 = chain.admin1?.name ?? null;
    const city = chain.city?.name ?? p.name;
    const r = rand();
    let stated: StatedNames;
    if (r < 0.4) stated = { country, admin1, city };
    else if (r < 0.6)
      stated = { country: country && strip(country), admin1: admin1 && strip(admin1), city: strip(city) };
    else if (r < 0.7) stated = { country: chain.country?.iso2 ?? null, admin1: admin1 && `${admin1} Province`, city };
    else if (r < 0.8) stated = { country, city };
    else if (r < 0.9) stated = { country, admin1, city: places[Math.floor(rand() * places.length)].name };
    else if (r < 0.95) stated = { city };
    else stated = { country: "Unknown", admin1: "N/A", city: `Place ${Math.floor(rand() * 1000)}` };
    rows.push({ stated, truth: chain.city });
  }
  return rows;
}
